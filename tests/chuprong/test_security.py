"""Hostile input and a hostile network: what every response, sign-in and upload withstands.

- a Content-Security-Policy on every response, and pages that need nothing it forbids;
- production cookies and headers, checked in a fresh interpreter with production settings;
- sign-in limits per address and per account, in the shared cache, right behind a proxy;
- vendor page keys that cannot be guessed or listed;
- uploads checked by content, stored under server-made names, never served inline;
- whatever a user typed is shown escaped.
"""

import base64
import datetime
import io
import json
import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django_celery_beat.models import CrontabSchedule, PeriodicTask
from reportlab.pdfgen import canvas

from legal_library import services as library_services
from legal_library.models import Document
from market import services as market_services
from market.qr_reader import PHOTO_FORMATS, QRImageError, read_vietqr
from reports import services as report_services
from reports.models import AdoptionReport
from tests.factories import UserFactory
from tests.market.factories import VendorFactory
from tests.volunteers.factories import VolunteerFactory

pytestmark = pytest.mark.django_db

XSS = "<script>alert(1)</script>"
XSS_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"

POLICY = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "frame-ancestors": {"'none'"},
    "form-action": {"'self'"},
    "worker-src": {"'self'"},
}


def policy_of(response) -> dict[str, set[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = set(values)
    return directives


class InlineFinder(HTMLParser):
    """Everything in a page that the policy would block: inline code and inline styles."""

    DATA_SCRIPTS = {"application/json", "application/ld+json"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        kind = (attributes.get("type") or "").lower()
        if tag == "script" and not attributes.get("src") and kind not in self.DATA_SCRIPTS:
            self.found.append(f"inline <script> {attributes}")
        if tag == "style":
            self.found.append("<style> block")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...> handler")
            if name == "style":
                self.found.append(f'<{tag} style="{value}">')
            url = re.sub(r"[\x00-\x20]", "", value or "").lower()
            if name in {"href", "src", "action", "formaction"} and url.startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value!r}>")


def inline_code(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    return finder.found


def _pdf() -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, "Luat")
    page.showPage()
    page.save()
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def point_a(village_a):
    return library_services.point_create(
        village=village_a, name="Tủ sách pháp luật Thôn 3", code="T03", actor=None
    )


def _document(title="Luật Đất đai", *, point=None, attachment=None, published=True) -> Document:
    document = Document(title=title, summary="Tóm tắt.", body="Nội dung.", published=published)
    if attachment is not None:
        document.attachment = attachment
    document = library_services.document_save(document=document, categories=[], actor=None)
    if point is not None:
        library_services.point_add_documents(point=point, documents=[document], actor=None)
    return document


# ------------------------------------------------------------ Content-Security-Policy


@pytest.mark.parametrize(
    "path",
    [
        "/",  # a page
        "/khong-co-trang-nay/",  # our 404
        "/healthz",  # JSON
        "/sw.js",  # the service worker's script
        "/static/css/site.css",  # WhiteNoise answers before the views
        "/accounts/login/",
        "/admin/login/",
    ],
)
def test_every_response_carries_the_policy(client, commune, path):
    response = client.get(path)
    assert response.status_code in {200, 404}, path
    assert policy_of(response) == POLICY


def test_a_pdf_shown_in_the_browser_has_no_policy_a_downloaded_one_has(client, officer, point_a):
    """Chromium's PDF viewer is blocked by object-src 'none' (crbug.com/271452)."""
    client.force_login(officer)
    poster = client.get("/l/T03/ap-phich.pdf")
    assert poster.status_code == 200 and poster["Content-Type"] == "application/pdf"
    assert poster["Content-Disposition"].startswith("inline")
    assert "Content-Security-Policy" not in poster
    assert poster["X-Content-Type-Options"] == "nosniff"
    document = _document(attachment=SimpleUploadedFile("x.pdf", _pdf(), "application/pdf"))
    download = client.get(f"/van-ban/{document.slug}/toan-van.pdf")
    assert download["Content-Disposition"].startswith("attachment")
    assert policy_of(download) == POLICY


def _template_files():
    roots = [settings.BASE_DIR / "templates"]
    roots += sorted(p for p in settings.BASE_DIR.glob("*/templates") if ".venv" not in p.parts)
    return [path for root in roots for path in root.rglob("*.html")]


def test_no_template_has_inline_script_style_or_handler():
    files = _template_files()
    assert len(files) > 40  # the project's and every app's templates were found
    problems = []
    for path in files:
        text = path.read_text()
        for pattern in (
            r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>",
            r"<style\b",
            r"\son[a-z]+\s*=",
            r"\sstyle\s*=",
            r"javascript:",
        ):
            for match in re.finditer(pattern, text, flags=re.IGNORECASE):
                problems.append(f"{path.relative_to(settings.BASE_DIR)}: {match.group(0)}")
    assert problems == []


def test_the_pages_of_every_kind_of_user_need_nothing_the_policy_forbids(
    client, commune, village_a, officer, volunteer, volunteer_a, campaign, point_a
):
    """Rendered pages, including HTML made in Python (admin columns, charts), not templates only."""
    document = _document(point=point_a)
    vendor = VendorFactory(market__village=village_a)
    report = report_services.report_request(
        commune=commune,
        period_kind="month",
        start=datetime.date(2026, 10, 1),
        end=datetime.date(2026, 10, 31),
        actor=None,
    )
    AdoptionReport.objects.filter(pk=report.pk).update(status="running", progress=40)
    superuser = UserFactory(username="quantri", is_staff=True, is_superuser=True)
    task = PeriodicTask.objects.create(
        name="Kiểm tra CSP",
        task="chuprong.monthly_reports",
        crontab=CrontabSchedule.objects.create(minute="0", hour="6", day_of_month="1"),
    )
    pages = {
        None: ["/", "/l/T03/", f"/van-ban/{document.slug}/", f"/v/{vendor.token}/"],
        volunteer: ["/tinh-nguyen/ghi-nhan/", "/tinh-nguyen/"],
        officer: [
            "/bao-cao/",
            f"/bao-cao/{report.pk}/",
            f"/cho/{vendor.market_id}/",
            "/admin/",
            "/admin/legal_library/document/",
            f"/admin/legal_library/document/{document.pk}/change/",
            f"/admin/market/vendor/{vendor.pk}/change/",
        ],
        superuser: [
            "/admin/django_celery_beat/periodictask/",
            f"/admin/django_celery_beat/periodictask/{task.pk}/change/",
        ],
    }
    for user, paths in pages.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            assert policy_of(response) == POLICY, path
            assert inline_code(response.content.decode()) == [], path


def test_the_finder_finds_what_the_policy_blocks():
    """The page check above is only as good as this parser: it must see each kind."""
    html = (
        "<script>x()</script><style>p{}</style><p style='color:red'>"
        '<a href=" javascript:alert(1)" onclick="x()">a</a>'
        '<script src="/static/js/a.js"></script><script type="application/json">{}</script>'
    )
    assert len(inline_code(html)) == 5


# ------------------------------------------------------- production cookies and headers

PROD = {
    "DJANGO_SETTINGS_MODULE": "chuprong.settings",
    "DEBUG": "0",
    "SECRET_KEY": "p" * 60,
    "ALLOWED_HOSTS": "portal.example.vn",
    "REDIS_URL": None,
}

PRODUCTION_REQUESTS = """
import json
from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.management import call_command
from django.http import HttpResponse
from django.test import Client, RequestFactory

call_command("migrate", "sessions", verbosity=0)
client = Client(HTTP_HOST="portal.example.vn")
plain = client.get("/accounts/login/")
page = client.get("/accounts/login/", secure=True)

def view(request):
    request.session["seen"] = True
    return HttpResponse("ok")

with_session = SessionMiddleware(view)(RequestFactory().get("/", secure=True))

def cookie(morsel):
    return {"secure": bool(morsel["secure"]), "httponly": bool(morsel["httponly"]),
            "samesite": morsel["samesite"]}

print(json.dumps({
    "plain": [plain.status_code, plain.get("Location")],
    "status": page.status_code,
    "headers": {k: page.get(k) for k in (
        "Strict-Transport-Security", "X-Frame-Options", "X-Content-Type-Options",
        "Referrer-Policy", "Content-Security-Policy", "Cross-Origin-Opener-Policy")},
    "csrf": cookie(page.cookies[settings.CSRF_COOKIE_NAME]),
    "session": cookie(with_session.cookies[settings.SESSION_COOKIE_NAME]),
}))
"""


def _production(run_django, tmp_path, **extra):
    env = PROD | {"DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}"} | extra
    result = run_django(PRODUCTION_REQUESTS, env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_cookies_and_headers(run_django, tmp_path):
    seen = _production(run_django, tmp_path)
    assert seen["plain"] == [301, "https://portal.example.vn/accounts/login/"]
    assert seen["status"] == 200
    headers = seen["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    expected = {"secure": True, "httponly": True, "samesite": "Lax"}
    assert seen["csrf"] == expected
    assert seen["session"] == expected


def test_production_hsts_follows_the_configured_seconds(run_django, tmp_path):
    seen = _production(
        run_django,
        tmp_path,
        SECURE_HSTS_SECONDS="86400",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="0",
        SECURE_HSTS_PRELOAD="0",
    )
    assert seen["headers"]["Strict-Transport-Security"] == "max-age=86400"


def test_check_deploy_finds_nothing_with_production_variables(run_django, tmp_path):
    env = PROD | {
        "SECRET_KEY": "Zr8-" + "kQ2x_9LmVb7TnW4pHs6Jd1FgYc3Ae5Ru0Oi" * 2,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
    }
    code = (
        "from django.core.management import call_command\n"
        "call_command('check', deploy=True, fail_level='DEBUG')\n"
    )
    result = run_django(code, env)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout + result.stderr


# ------------------------------------------------------------------------ sign-in limits


def _fail(client, login: str, address: str = "203.0.113.7", **headers):
    return client.post(
        "/accounts/login/",
        {"login": login, "password": "not-the-password"},
        REMOTE_ADDR=address,
        **headers,
    )


def test_failed_sign_ins_from_one_address_answer_429_in_vietnamese(client, officer):
    officer.set_password("right-password-123")
    officer.save(update_fields=["password"])
    for n in range(10):  # a different account each time: only the address is counted
        response = _fail(client, f"nguoi-{n}")
        assert response.status_code == 200
        assert "Đăng nhập sai quá nhiều lần" not in response.content.decode()
    response = _fail(client, "nguoi-10")
    assert response.status_code == 429
    assert "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau." in response.content.decode()
    # Even the right password waits now, from this address; another address signs in.
    right = {"login": "canbo", "password": "right-password-123"}
    assert client.post("/accounts/login/", right, REMOTE_ADDR="203.0.113.7").status_code == 429
    assert client.post("/accounts/login/", right, REMOTE_ADDR="203.0.113.8").status_code == 302


def test_the_message_follows_the_chosen_language(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for n in range(10):
        _fail(client, f"nguoi-{n}")
    response = _fail(client, "nguoi-10")
    assert response.status_code == 429
    assert "Too many failed login attempts. Try again later." in response.content.decode()


def test_failed_sign_ins_to_one_account_are_limited_from_any_address(client, officer):
    for n in range(5):
        assert _fail(client, "canbo", address=f"198.51.100.{n}").status_code == 200
    assert _fail(client, "canbo", address="198.51.100.99").status_code == 429
    assert _fail(client, "someone-else", address="198.51.100.99").status_code == 200


def test_an_accounts_budget_is_the_same_however_its_name_is_typed(client, officer):
    """The limit is keyed on the account, not on the typed text: its username in any case
    or spacing, its e-mail address and its phone number share the 5 failures."""
    officer.phone = "0905123456"
    officer.save(update_fields=["phone"])
    spellings = ["CanBo", " canbo ", "canbo@example.invalid", "0905123456", "+84 905 123 456"]
    for n, login in enumerate(spellings):
        assert _fail(client, login, address=f"198.51.100.{n}").status_code == 200, login
    assert _fail(client, "CANBO", address="198.51.100.99").status_code == 429
    right = {"login": "canbo", "password": "mat-khau-thu-nghiem-2026"}
    assert client.post("/accounts/login/", right, REMOTE_ADDR="198.51.100.98").status_code == 429
    # another account, and a name that is nobody's, keep budgets of their own
    assert _fail(client, "someone-else", address="198.51.100.99").status_code == 200
    assert _fail(client, "canbo2", address="198.51.100.99").status_code == 200


def test_the_counter_lives_in_the_configured_cache(client):
    for n in range(10):
        _fail(client, f"nguoi-{n}")
    assert _fail(client, "nguoi-10").status_code == 429
    cache.clear()  # the counter is nowhere else: emptying the cache lifts the limit
    assert _fail(client, "nguoi-11").status_code == 200


def test_with_redis_the_counter_is_a_redis_key_every_web_host_sees(client, run_django):
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set: the embedded default keeps counters in memory")
    import redis

    for n in range(10):
        _fail(client, f"nguoi-{n}", address="203.0.113.77")
    keys = [
        key.decode()
        for key in redis.Redis.from_url(settings.REDIS_URL).scan_iter(
            match="chuprong:*allauth:rl:allauth.account:login_failed:*203.0.113.77*"
        )
    ]
    assert len(keys) == 1, keys
    # Another process (another web host) with the same REDIS_URL refuses the 11th attempt.
    code = (
        "from django.test import Client\n"
        "r = Client().post('/accounts/login/', {'login': 'nguoi-10', 'password': 'x'},"
        " REMOTE_ADDR='203.0.113.77')\n"
        "print(r.status_code)\n"
    )
    # It reads the test database: the sign-in looks up which account a name means.
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("another process shares the test database on PostgreSQL only")
    db = connection.settings_dict
    who = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    url = f"postgres://{who}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    result = run_django(code, {"DJANGO_SETTINGS_MODULE": "tests.settings", "DATABASE_URL": url})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "429"


def test_behind_one_proxy_the_client_address_comes_from_x_forwarded_for(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"  # every request arrives from nginx
    for n in range(10):
        # A client may add its own left-most entries; nginx appends the real address.
        forwarded = f"192.0.2.{n}, 198.51.100.7"
        response = _fail(client, f"nguoi-{n}", address=proxy, HTTP_X_FORWARDED_FOR=forwarded)
        assert response.status_code == 200
    spoofed = "192.0.2.200, 198.51.100.7"
    assert _fail(client, "a", address=proxy, HTTP_X_FORWARDED_FOR=spoofed).status_code == 429
    assert _fail(client, "b", address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429
    # Another client behind the same proxy is counted on its own.
    assert _fail(client, "c", address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 200


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    for n in range(10):
        _fail(client, f"nguoi-{n}", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert _fail(client, "x", HTTP_X_FORWARDED_FOR="192.0.2.250").status_code == 429


# --------------------------------------------------------------------------- vendor keys


def test_vendor_keys_are_96_random_bits():
    tokens = [market_services.new_token() for _ in range(2000)]
    assert len(set(tokens)) == len(tokens)
    raw = [base64.urlsafe_b64decode(t + "=" * (-len(t) % 4)) for t in tokens]
    assert {len(t) for t in tokens} == {16} and {len(r) for r in raw} == {12}
    # Every one of the 96 bits is set about half of the time: no counter, clock or constant.
    for bit in range(96):
        ones = sum((int.from_bytes(r, "big") >> bit) & 1 for r in raw)
        assert 800 < ones < 1200, bit


def test_a_wrong_key_and_a_key_one_character_off_answer_the_same_404(client, village_a):
    vendor = VendorFactory(market__village=village_a)
    assert client.get(f"/v/{vendor.token}/").status_code == 200
    near = vendor.token[:-1] + ("A" if vendor.token[-1] != "A" else "B")
    answers = []
    for token in (market_services.new_token(), near):
        for suffix in ("", "qr.png", "qr.svg"):
            response = client.get(f"/v/{token}/{suffix}")
            # The page repeats its own address (the language links): set that aside.
            body = response.content.decode().replace(token, "KEY")
            answers.append((suffix, response.status_code, response["Content-Type"], body))
    assert [a[1] for a in answers] == [404] * 6
    assert answers[:3] == answers[3:]  # nothing tells "almost right" from "wrong"


def test_there_is_no_list_of_vendor_pages(client, village_a, officer):
    vendor = VendorFactory(market__village=village_a)
    response = client.get("/v/")  # "my page", for a signed-in vendor: sign in first
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/v/")
    assert vendor.token not in response.content.decode()
    client.force_login(officer)  # an officer has no page of their own either
    assert client.get("/v/").status_code == 404


# --------------------------------------------------------------------------------- uploads


def _admin_add_document(client, upload):
    return client.post(
        "/admin/legal_library/document/add/",
        {
            "title": "Hướng dẫn đăng ký kết hôn",
            "doc_type": "guidance",
            "summary": "Tóm tắt",
            "body": "Nội dung",
            "published": "on",
            "attachment": upload,
            "revisions-TOTAL_FORMS": "0",
            "relations_out-TOTAL_FORMS": "0",
            "relations_out-INITIAL_FORMS": "0",
            "audios-TOTAL_FORMS": "0",
            "audios-INITIAL_FORMS": "0",
            "revisions-INITIAL_FORMS": "0",
        },
    )


def test_an_attachment_is_stored_under_a_name_the_server_makes(client, officer, settings):
    client.force_login(officer)
    upload = SimpleUploadedFile("../../Quyết định <b>.pdf", _pdf(), "application/pdf")
    assert _admin_add_document(client, upload).status_code == 302
    name = Document.objects.get().attachment.name
    assert re.fullmatch(r"legal/\d{4}/[0-9a-f]{32}\.pdf", name), name
    assert (settings.MEDIA_ROOT / name).read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("ban-do.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("trang.html", b"<html><body><script>alert(1)</script></body></html>"),
        ("trang.pdf", b"<html><body><script>alert(1)</script></body></html>"),
        ("ban-do.pdf", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'),
    ],
)
def test_an_svg_or_html_upload_is_refused_whatever_its_name(
    client, officer, settings, name, content
):
    client.force_login(officer)
    response = _admin_add_document(client, SimpleUploadedFile(name, content, "application/pdf"))
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors["attachment"])
    assert "không phải PDF" in errors
    assert not Document.objects.exists()
    assert not settings.MEDIA_ROOT.exists() or not any(settings.MEDIA_ROOT.rglob("*.*"))


def test_an_attachment_is_downloaded_as_a_pdf_never_shown_inline(client, point_a):
    document = _document(
        point=point_a, attachment=SimpleUploadedFile("x.pdf", _pdf(), "application/pdf")
    )
    page = client.get(f"/van-ban/{document.slug}/").content.decode()
    link = f"/van-ban/{document.slug}/toan-van.pdf"
    assert f'href="{link}"' in page
    assert settings.MEDIA_URL not in page
    response = client.get(link)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{document.slug}.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    # Django serves nothing under MEDIA_URL, not even the stored file itself.
    assert client.get(settings.MEDIA_URL + document.attachment.name).status_code == 404


def test_an_unpublished_or_missing_attachment_answers_404(client):
    draft = _document(
        "Dự thảo",
        published=False,
        attachment=SimpleUploadedFile("x.pdf", _pdf(), "application/pdf"),
    )
    bare = _document("Không có tệp")
    assert client.get(f"/van-ban/{draft.slug}/toan-van.pdf").status_code == 404
    assert client.get(f"/van-ban/{bare.slug}/toan-van.pdf").status_code == 404


@pytest.mark.parametrize(
    "content",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>',
        b"<html><body>QR</body></html>",
        b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n",
        _pdf(),
    ],
)
def test_a_qr_photo_must_be_a_photo_by_its_content(content):
    assert "EPS" not in PHOTO_FORMATS and "SVG" not in PHOTO_FORMATS
    with pytest.raises(QRImageError) as caught:
        read_vietqr(io.BytesIO(content), size=len(content))
    assert caught.value.code == "not_image"


# ---------------------------------------------------------------- what users typed, escaped


def _assert_escaped(response):
    html = response.content.decode()
    assert response.status_code == 200
    assert XSS not in html
    assert XSS_ESCAPED in html


def test_a_vendor_name_is_shown_escaped(client, village_a, officer):
    vendor = VendorFactory(market__village=village_a, full_name=XSS)
    _assert_escaped(client.get(f"/v/{vendor.token}/"))
    client.force_login(officer)
    _assert_escaped(client.get(f"/cho/{vendor.market_id}/"))


def test_a_document_title_is_shown_escaped(client, point_a, officer):
    document = _document(XSS, point=point_a)
    _assert_escaped(client.get(f"/van-ban/{document.slug}/"))
    _assert_escaped(client.get("/l/T03/"))
    client.force_login(officer)
    _assert_escaped(client.get("/admin/legal_library/document/"))


def test_a_volunteer_name_is_shown_escaped(client, village_a, officer, volunteer, volunteer_a):
    VolunteerFactory(village=village_a, full_name=XSS)
    client.force_login(volunteer)
    _assert_escaped(client.get("/tinh-nguyen/ghi-nhan/"))
    client.force_login(officer)
    _assert_escaped(client.get("/tinh-nguyen/doan-vien/"))


def test_a_name_in_an_imported_list_is_shown_escaped_in_the_preview(client, village_a, officer):
    market = market_services.market_create(village=village_a, name="Chợ tạm Thôn 3", actor=None)
    client.force_login(officer)
    upload = SimpleUploadedFile("nguoi-ban.csv", f"Ho va ten,Quầy\n{XSS},C1\n".encode(), "text/csv")
    response = client.post(f"/cho/{market.pk}/nhap/", {"file": upload})
    _assert_escaped(response)
    assert [row.values["full_name"] for row in response.context["rows"]] == [XSS]


# ------------------------------------------------------------------------ e-mail addresses


def test_nobody_adds_an_email_address_to_use_for_a_password_reset(client, volunteer):
    """Addresses are set by officers; one added by whoever holds a session would open the
    account to its owner later (a password reset), so adding is not offered at all."""
    from allauth.account.models import EmailAddress
    from django.core import mail

    client.force_login(volunteer)
    assert client.get("/accounts/email/").status_code == 404
    added = client.post("/accounts/email/", {"email": "ke-la@example.invalid", "action_add": ""})
    assert added.status_code == 404
    assert not EmailAddress.objects.filter(email="ke-la@example.invalid").exists()
    client.logout()
    client.post("/accounts/password/reset/", {"email": "ke-la@example.invalid"})
    assert mail.outbox == []
    # the address the officer set still resets the password
    client.post("/accounts/password/reset/", {"email": volunteer.email})
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [volunteer.email]
