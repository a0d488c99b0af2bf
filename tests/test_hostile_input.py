"""Hostile input: every form, query parameter and upload fed malformed values and files.

The answer is always a 4xx (or the form again with its errors, or a redirect
when a value is simply ignored) with a message in Vietnamese, never a 500, and
nothing is half-saved: the rows of the affected tables change only when the
input was valid. Runs on SQLite and on PostgreSQL (which refuses NUL in text:
the classic 500 that ``RequestGuardMiddleware`` turns into a 400).
"""

import io
import resource
import struct
import zipfile
import zlib
from urllib.parse import quote_from_bytes

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from pypdf import PdfWriter
from pypdf.actions import JavaScript

from legal_library.models import Document
from market.models import PaymentAccount, Vendor, VendorFollowUp, VendorStatusChange
from reports.models import AdoptionReport
from trainings.models import Attendance
from volunteers.models import AssistanceRecord, ServiceGiven, Volunteer

pytestmark = pytest.mark.django_db

FEW = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

NUL_MESSAGE = (
    "The request contains a null character, which is not allowed. Remove it and try again."
)

# ------------------------------------------------------------------ strategies

PAYLOADS = [
    "' OR 1=1 --",
    "'; DROP TABLE market_vendor; --",
    '" OR ""="',
    "1; SELECT pg_sleep(5)",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{ settings.SECRET_KEY }}",
    "{% debug %}",
    "%s%s%s%n",
    "../../../../etc/passwd",
    "\u202egnp.exe",
    "\ufeff\u200b\u200d",
    "Ư" * 300,
    "𝕍𝕚ệ𝕥",
    "-1",
    "-99999999999999999999999",
    "1e309",
    "NaN",
    "0x7fffffff",
    "2026-02-30",
    "2026-13-01",
    "0000-00-00",
    "9999-12-31",
    "-2026-01-01",
    "1899-12-31",
    "31/12/2026",
    "",
    " ",
    "\x00",
    "a\x00b",
]

# Any code point, lone surrogates and control characters included (sent as
# WTF-8 bytes, which is what a hostile client can put on the wire).
anything = st.text(
    alphabet=st.characters(codec=None, categories=None),
    max_size=40,
)
controls = st.text(alphabet=st.characters(categories=["Cc", "Cs", "Cf", "Co"]), max_size=20)
huge = st.builds(
    lambda unit, n: unit * n,
    st.sampled_from(["a", "9", "Ư", "😀", "<", "'", " "]),
    st.integers(min_value=1_000, max_value=60_000),
)
numbers = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
dates = st.one_of(
    st.dates().map(str),
    st.builds(
        "{}-{:02d}-{:02d}".format,
        st.integers(-9999, 99999),
        st.integers(-1, 99),
        st.integers(-1, 99),
    ),
)
hostile = st.one_of(st.sampled_from(PAYLOADS), anything, controls, huge, numbers, dates)


def encode(value: str) -> str:
    """Percent-encoded WTF-8: lone surrogates travel as the bytes a client would send."""
    return quote_from_bytes(value.encode("utf-8", "surrogatepass"), safe="")


def query(params: dict[str, str]) -> str:
    return "&".join(f"{encode(k)}={encode(v)}" for k, v in params.items())


def vi(msgid: str, **params) -> str:
    """The text a Vietnamese visitor reads for ``msgid`` (the source until translated)."""
    with translation.override("vi"):
        text = gettext(msgid)
    return text % params if params else text


def says(response, msgid: str, **params) -> bool:
    return escape(vi(msgid, **params)) in response.content.decode()


def counts(*models) -> tuple[int, ...]:
    return tuple(m.objects.count() for m in models)


def assert_refused_or_fine(response, values) -> None:
    assert response.status_code < 500
    if any("\x00" in v for v in values):
        assert response.status_code == 400
        assert says(response, NUL_MESSAGE)


def post_raw(client, url: str, fields: dict[str, str | list[str]]):
    """POST a form body built by hand, so any code point (even a lone surrogate) is sent."""
    parts = []
    for key, value in fields.items():
        for one in value if isinstance(value, list) else [value]:
            parts.append(f"{encode(key)}={encode(one)}")
    return client.post(
        url, "&".join(parts).encode(), content_type="application/x-www-form-urlencoded"
    )


# ------------------------------------------------------------------ fixtures


@pytest.fixture
def world(commune, village_a, officer, volunteer, volunteer_a, teammate_a, campaign, session_a):
    """One of everything the forms touch, from the shared personas and factories."""
    from legal_library import services as library
    from tests.legal_library.factories import DocumentFactory
    from tests.market.factories import MarketFactory, PaymentAccountFactory, VendorFactory

    market = MarketFactory(village=village_a, name="Chợ tạm Thôn 3")
    vendor = VendorFactory(market=market)
    PaymentAccountFactory(vendor=vendor)
    point = library.point_create(
        village=village_a, name="Tủ sách Thôn 3", code="T03", place="Nhà văn hóa", actor=None
    )
    document = DocumentFactory()
    return {
        "market": market,
        "vendor": vendor,
        "point": point,
        "document": document,
        "session": session_a,
        "campaign": campaign,
    }


# ------------------------------------------------------------------ query parameters

# (persona, url template, parameters): every GET parameter a view reads.
QUERY_PAGES = [
    (None, "/phap-luat/tim/", ["q"]),
    (None, "/l/T03/", ["q"]),
    (None, "/van-ban/{document.slug}/", ["diem", "xem-truoc", "ngon-ngu"]),
    (None, "/ngon-ngu/vi/", ["next"]),
    (None, "/v/{vendor.token}/", ["amount", "note", "account"]),
    (None, "/v/{vendor.token}/qr.png", ["amount", "purpose", "v", "download"]),
    (None, "/tap-huan/lich/", ["p"]),
    ("volunteer", "/tinh-nguyen/lich-su/", ["p"]),
    ("officer", "/tinh-nguyen/ho-tro/", ["village", "campaign", "service", "p"]),
    ("officer", "/tinh-nguyen/doan-vien/", ["village"]),
    ("officer", "/tinh-nguyen/can-theo-doi/", ["village", "campaign", "p"]),
    ("officer", "/tinh-nguyen/du-lieu-nguoi-dan/", ["q"]),
    ("officer", "/tap-huan/ky-nang/", ["village", "topic"]),
    ("officer", "/bao-cao/", ["xa", "sap-xep", "chieu"]),
    ("officer", "/phap-luat/thong-ke/", ["from", "to"]),
    ("officer", "/cho/{market.pk}/ap-phich.pdf", ["layout"]),
    ("officer", "/admin/legal_library/document/", ["q", "status__exact", "o"]),
    ("officer", "/admin/market/vendor/", ["q", "market__id__exact", "p"]),
    ("officer", "/admin/volunteers/assistancerecord/", ["q", "helped_on__gte", "helped_on__year"]),
    ("officer", "/admin/trainings/trainingsession/", ["starts_at__year", "starts_at__month"]),
    ("officer", "/admin/reports/adoptionreport/", ["period_start__year", "period_start__day"]),
]


@pytest.mark.parametrize(
    "query",
    [
        "helped_on__year=99999999999999999999",
        "helped_on__year=9999",
        "helped_on__year=2026&helped_on__month=13",
        "helped_on__year=2026&helped_on__month=2&helped_on__day=30",
        "helped_on__year=-1&helped_on__month=0&helped_on__day=0",
        "helped_on__gte=2026-02-30",
        "helped_on__exact=1e309",
    ],
)
def test_admin_date_filters_that_are_no_date_are_not_a_server_error(client, officer, query):
    client.force_login(officer)
    for url in ("/admin/volunteers/assistancerecord/", "/admin/trainings/trainingsession/"):
        field = "helped_on" if "volunteers" in url else "starts_at"
        response = client.get(url + "?" + query.replace("helped_on", field))
        assert response.status_code in {200, 302}


@pytest.mark.parametrize(("persona", "template", "names"), QUERY_PAGES)
def test_query_parameters_never_cause_a_server_error(
    client, request, world, persona, template, names
):
    if persona:
        client.force_login(request.getfixturevalue(persona))
    url = template.format(**world)

    @FEW
    @given(values=st.lists(hostile, min_size=len(names), max_size=len(names)))
    def check(values):
        before = counts(Document, Vendor, PaymentAccount, AssistanceRecord, Attendance)
        response = client.get(url, QUERY_STRING=query(dict(zip(names, values, strict=True))))
        assert_refused_or_fine(response, values)
        assert counts(Document, Vendor, PaymentAccount, AssistanceRecord, Attendance) == before

    check()


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(
    ("persona", "template"),
    [
        (None, "/l/{}/"),
        (None, "/l/{}/c/hon-nhan-gia-dinh/"),
        (None, "/chung-nhan/{}/"),
        (None, "/ngon-ngu/{}/"),
        ("volunteer", "/diem-danh/{}/"),
        ("officer", "/bao-cao/1/tai/{}/"),
        ("officer", "/l/{}/ap-phich.pdf"),
    ],
)
def test_codes_in_the_address_never_cause_a_server_error(
    client, request, world, persona, template, method
):
    if persona:
        client.force_login(request.getfixturevalue(persona))

    @settings(FEW, max_examples=6)
    @given(code=hostile.filter(lambda s: s.strip(" /.") != ""))
    def check(code):
        before = counts(Attendance, AdoptionReport)
        response = getattr(client, method)(template.format(encode(code)))
        assert_refused_or_fine(response, [code])
        assert counts(Attendance, AdoptionReport) == before

    check()


def test_a_nul_in_a_library_search_is_a_400_with_a_message(client, world):
    """The classic PostgreSQL 500 ("A string literal cannot contain NUL"), end to end."""
    for url in ("/phap-luat/tim/?q=h%00n", "/l/T03/?q=%00", "/l/T%0003/", "/diem-danh/a%00b/"):
        response = client.get(url)
        assert response.status_code == 400, url
        assert says(response, NUL_MESSAGE)
        assert response["Content-Language"] == "vi"


def test_an_address_longer_than_production_accepts_is_a_414(client, officer, world):
    """Gunicorn refuses a request line over 4094 bytes; the embedded default does too,
    so an admin search never reaches SQLite's LIKE with a 50,000-byte pattern (a 500)."""
    client.force_login(officer)
    for url in ("/admin/market/vendor/", "/phap-luat/tim/", "/l/T03/"):
        response = client.get(url, {"q": "😀" * 12_500})
        assert response.status_code == 414, url
        assert says(response, "The address is too long.")
    response = client.get("/admin/market/vendor/", {"q": "Ư" * 600})  # long, but acceptable
    assert response.status_code == 200


def test_a_nul_in_the_session_cookie_is_a_400_not_a_database_error(client, officer, world):
    """The session key goes into a query: PostgreSQL would refuse it with a 500."""
    client.cookies["sessionid"] = "abcdefgh\x00ijklmnop"
    response = client.get("/tinh-nguyen/")
    assert response.status_code == 400 and says(response, NUL_MESSAGE)


def test_too_many_or_too_large_fields_are_a_400_in_vietnamese(client, officer, world):
    client.force_login(officer)
    bad_request = "The portal could not understand this request. Go back and try again."
    many = {f"f{n}": "x" for n in range(1_100)}  # DATA_UPLOAD_MAX_NUMBER_FIELDS is 1,000
    large = {"walk_ins": "Ksor H'Hen, 0905111000\n" * 120_000}  # about 3 MB of text
    for fields in (many, large):
        response = client.post(f"/tap-huan/{world['session'].pk}/diem-danh/", fields)
        assert response.status_code == 400
        assert says(response, bad_request)
    assert not Attendance.objects.exists()


def test_invalid_utf8_in_the_address_and_the_query_is_not_an_error(client, world):
    for url in ("/phap-luat/tim/?q=%ff%fe%ed%a0%80", "/l/%ff%ed%a0%80/", "/ngon-ngu/%c3/"):
        assert client.get(url).status_code in {200, 302, 404}, url


def test_the_language_switch_never_sends_visitors_elsewhere(client):
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:x"):
        response = client.get("/ngon-ngu/vi/", {"next": target})
        assert response.status_code == 302 and response["Location"] == "/"


# ------------------------------------------------------------------ forms


def test_vendor_amount_request_refuses_bad_amounts_with_a_message(client, world):
    response = client.get(f"/v/{world['vendor'].token}/", {"amount": "-5", "note": "x"})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["amount"] and not response.context["requested"]
    assert escape(form.errors["amount"][0]) in response.content.decode()


@FEW
@given(
    fields=st.fixed_dictionaries(
        {},
        optional={
            "vendor": hostile,
            "seen": hostile,
            "answer": st.one_of(st.sampled_from(["yes", "no", "stopped"]), hostile),
            "reason": hostile,
            "note": hostile,
        },
    )
)
def test_follow_up_answers_hostile_values(client, officer, world, fields):
    """The follow-up list's one-tap form: refused with a page (or 404 for a vendor that is
    not the officer's to follow up), never an error, and nothing saved for a vendor that
    is not cashless."""
    client.force_login(officer)
    response = post_raw(client, f"/cho/{world['market'].pk}/theo-doi/", fields)
    assert_refused_or_fine(response, list(fields.values()))
    assert response.status_code in {200, 400, 404}
    assert not VendorFollowUp.objects.exists()


@FEW
@given(
    fields=st.fixed_dictionaries(
        {},
        optional={
            "bank": hostile,
            "account_number": hostile,
            "holder_name": hostile,
            "label": hostile,
            "is_primary": hostile,
            "holder_confirmed": hostile,
        },
    )
)
def test_account_form_hostile_values(client, officer, world, fields):
    client.force_login(officer)
    before = counts(PaymentAccount)
    response = post_raw(client, f"/cho/nguoi-ban/{world['vendor'].pk}/them-tai-khoan/", fields)
    assert_refused_or_fine(response, list(fields.values()))
    if response.status_code == 302:
        assert counts(PaymentAccount)[0] == before[0] + 1
    else:
        assert response.status_code in {200, 400}
        assert counts(PaymentAccount) == before


@FEW
@given(
    fields=st.fixed_dictionaries(
        {"bank": st.sampled_from(["VCB", "970436"]) | hostile},
        optional={
            name: hostile
            for name in (
                "full_name",
                "stall",
                "goods",
                "phone",
                "village",
                "account_number",
                "holder_name",
                "holder_confirmed",
                "override_reason",
            )
        },
    )
)
def test_vendor_registration_hostile_values(client, volunteer, world, fields):
    """The workspace's one-screen registration, by a volunteer of the village: a vendor
    and their account both, or neither."""
    client.force_login(volunteer)
    before = counts(Vendor, PaymentAccount)
    response = post_raw(client, f"/cho/{world['market'].pk}/nguoi-ban-moi/", fields)
    assert_refused_or_fine(response, list(fields.values()))
    if response.status_code == 302:
        assert counts(Vendor, PaymentAccount) == (before[0] + 1, before[1] + 1)
    else:
        assert response.status_code in {200, 400}
        assert counts(Vendor, PaymentAccount) == before


@FEW
@given(status=hostile, helped_by=hostile)
def test_vendor_status_hostile_values(client, officer, world, status, helped_by):
    client.force_login(officer)
    before = counts(VendorStatusChange)
    response = post_raw(
        client,
        f"/cho/nguoi-ban/{world['vendor'].pk}/trang-thai/",
        {"status": status, "helped_by": helped_by},
    )
    assert_refused_or_fine(response, [status, helped_by])
    assert response.status_code in {302, 400}
    assert counts(VendorStatusChange)[0] <= before[0] + 1


@FEW
@given(
    fields=st.fixed_dictionaries(
        {},
        optional={
            "helped_on": hostile,
            "village": hostile,
            "campaign": hostile,
            "resident_name": hostile,
            "resident_birth_year": hostile,
            "resident_phone": hostile,
            "vendor": hostile,
            "notes": hostile,
            "out_vneid_created": hostile,
        },
    )
)
def test_visit_form_hostile_values(client, volunteer, world, volunteer_a, fields):
    client.force_login(volunteer)
    valid = {
        "village": str(volunteer_a.village_id),
        "volunteers": [str(volunteer_a.pk)],
        "svc_vneid_created": "on",
        "helped_on": "2020-01-01",
    }
    before = counts(AssistanceRecord, ServiceGiven)
    response = post_raw(client, "/tinh-nguyen/ghi-nhan/", {**valid, **fields})
    assert_refused_or_fine(response, list(fields.values()))
    if response.status_code == 302:  # the values happened to be acceptable
        assert counts(AssistanceRecord)[0] == before[0] + 1
    else:
        assert response.status_code == 400
        assert counts(AssistanceRecord, ServiceGiven) == before


def test_a_visit_in_the_future_is_refused_in_vietnamese(client, volunteer, volunteer_a, campaign):
    client.force_login(volunteer)
    response = client.post(
        "/tinh-nguyen/ghi-nhan/",
        {
            "village": volunteer_a.village_id,
            "volunteers": [volunteer_a.pk],
            "svc_vneid_created": "on",
            "helped_on": "2999-01-01",
            "resident_birth_year": "-1",
        },
    )
    assert response.status_code == 400
    assert says(response, "The date cannot be in the future.")
    assert not AssistanceRecord.objects.exists()


@FEW
@given(
    fields=st.fixed_dictionaries(
        {},
        optional={"volunteers": hostile, "walk_ins": hostile, "walk_in_village": hostile},
    )
)
def test_attendance_sheet_hostile_values(client, officer, world, fields):
    client.force_login(officer)
    before = counts(Attendance)
    response = post_raw(client, f"/tap-huan/{world['session'].pk}/diem-danh/", fields)
    assert_refused_or_fine(response, list(fields.values()))
    if response.status_code != 302:
        assert response.status_code == 400
        assert counts(Attendance) == before


def test_walk_ins_with_a_bad_phone_save_nobody(client, officer, world, volunteer_a):
    client.force_login(officer)
    response = client.post(
        f"/tap-huan/{world['session'].pk}/diem-danh/",
        {"volunteers": [volunteer_a.pk], "walk_ins": "Ksor H'Hen, 0905111000\nY Bim, 12345"},
    )
    assert response.status_code == 400
    phone_message = vi("Write a Vietnamese phone number of 10 digits, e.g. 0912345678.")
    assert says(response, "Line %(line)s: %(error)s", line=2, error=phone_message)
    assert not Attendance.objects.exists()


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    fields=st.fixed_dictionaries(
        {},
        optional={
            "period_kind": st.one_of(hostile, st.sampled_from(["month", "custom", "year"])),
            "month": hostile,
            "start": hostile,
            "end": hostile,
            "village": hostile,
            "xa": hostile,
        },
    )
)
def test_report_request_hostile_values(client, officer, world, fields):
    client.force_login(officer)
    before = counts(AdoptionReport)
    response = post_raw(client, "/bao-cao/lap/", fields)
    assert_refused_or_fine(response, list(fields.values()))
    if response.status_code != 302:
        assert response.status_code in {400, 404}
        assert counts(AdoptionReport) == before


def test_a_report_month_that_does_not_exist_is_refused_in_vietnamese(client, officer, world):
    client.force_login(officer)
    response = client.post("/bao-cao/lap/", {"period_kind": "month", "month": "2026-13"})
    assert response.status_code == 400
    assert says(response, "Choose a month, for example 2026-10.")
    assert not AdoptionReport.objects.exists()


def _document_fields(**extra):
    return {
        "title": "Hướng dẫn đăng ký kết hôn",
        "doc_type": "guidance",
        "summary": "Tóm tắt",
        "body": "Nội dung",
        "revisions-TOTAL_FORMS": "0",
        "relations_out-TOTAL_FORMS": "0",
        "relations_out-INITIAL_FORMS": "0",
        "audios-TOTAL_FORMS": "0",
        "audios-INITIAL_FORMS": "0",
        "revisions-INITIAL_FORMS": "0",
        **extra,
    }


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    fields=st.fixed_dictionaries(
        {},
        optional={
            "title": hostile,
            "number": hostile,
            "issuer": hostile,
            "issued_on": hostile,
            "effective_on": hostile,
            "expires_on": hostile,
            "summary": hostile,
            "body": hostile,
            "doc_type": hostile,
            "categories": hostile,
        },
    )
)
def test_admin_document_form_hostile_values(client, officer, fields):
    client.force_login(officer)
    before = counts(Document)
    response = post_raw(client, "/admin/legal_library/document/add/", _document_fields(**fields))
    assert_refused_or_fine(response, list(fields.values()))
    if response.status_code == 302:
        assert counts(Document)[0] == before[0] + 1
    else:
        assert response.status_code in {200, 400}
        assert counts(Document) == before


@FEW
@given(confirm=hostile, import_id=hostile)
def test_an_import_confirmation_that_was_never_previewed_saves_nothing(
    client, officer, world, confirm, import_id
):
    client.force_login(officer)
    before = counts(Vendor, Volunteer, Attendance)
    for url in _import_urls(world):
        response = post_raw(client, url, {"confirm": confirm, "import_id": import_id})
        assert_refused_or_fine(response, [confirm, import_id])
    assert counts(Vendor, Volunteer, Attendance) == before


def test_ids_too_large_for_any_column_are_invalid_choices(client, officer, world, volunteer_a):
    """``ModelMultipleChoiceField`` with id 10**30 was a 500 on SQLite (kit/lookups.py)."""
    client.force_login(officer)
    huge = "9" * 30
    before = counts(Document, Attendance)
    response = client.post(
        "/admin/legal_library/document/add/", _document_fields(categories=[huge])
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["categories"]
    response = client.post(
        f"/tap-huan/{world['session'].pk}/diem-danh/", {"volunteers": [volunteer_a.pk, huge]}
    )
    assert response.status_code == 400
    assert says(response, "%(value)s is not a volunteer of this session's branch.", value=huge)
    assert counts(Document, Attendance) == before
    for url in (
        f"/cho/{huge}/",
        f"/tap-huan/{huge}/",
        f"/tinh-nguyen/ho-tro/{huge}/",
        f"/tinh-nguyen/du-lieu-nguoi-dan/{huge}/",
        f"/tinh-nguyen/du-lieu-nguoi-dan/{huge}/xoa/",
    ):
        assert client.get(url).status_code == 404, url
    for url in (f"/tinh-nguyen/ho-tro/{huge}/sua/", f"/tinh-nguyen/can-theo-doi/{huge}/xong/"):
        assert client.post(url).status_code == 404, url


def test_a_form_body_that_is_not_utf8_is_not_a_server_error(client, officer, world):
    client.force_login(officer)
    response = client.post(
        "/bao-cao/lap/",
        b"period_kind=month&month=%ff%fe%ed%a0%80&xa=\xff\xfe",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert not AdoptionReport.objects.exists()


def test_a_broken_multipart_body_is_a_400(client, officer, world):
    client.force_login(officer)
    for content_type in (
        "multipart/form-data",  # no boundary
        "multipart/form-data; boundary=" + "x" * 300,  # too long for a boundary
    ):
        response = client.post(
            f"/cho/{world['market'].pk}/nhap/", b"--x\r\n garbage", content_type=content_type
        )
        assert response.status_code == 400, content_type
        assert says(response, "The form data could not be read. Send it again.")


# ------------------------------------------------------------------ hostile files


def _import_urls(world) -> list[str]:
    return [
        f"/cho/{world['market'].pk}/nhap/",
        "/tinh-nguyen/doan-vien/nhap/",
        f"/tap-huan/{world['session'].pk}/nhap/",
    ]


def _png(width=64, height=64) -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (width, height), 255).save(buffer, "PNG")
    return buffer.getvalue()


def _zip_bomb_xlsx() -> bytes:
    """A real XLSX (header "Họ và tên"), 60 MB once unpacked, about 60 KB packed."""
    book = openpyxl.Workbook()
    book.active.append(["Họ và tên"])
    book.active.append(["Nguyễn Văn A"])
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/zeros.bin", bytes(60 * 1024 * 1024))
    return buffer.getvalue()


def _lying_zip_bomb_xlsx() -> bytes:
    """An XLSX whose sheet unpacks to 60 MB but whose zip headers say it is 2 KB."""
    book = openpyxl.Workbook()
    book.active.append(["Họ và tên"])
    book.active.append(["Nguyễn Văn A"])
    original = io.BytesIO()
    book.save(original)
    name = "xl/worksheets/sheet1.xml"
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(original) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename == name:
                data += b" " * (60 * 1024 * 1024)  # whitespace after the root: still XML
            target.writestr(info.filename, data)
    content = bytearray(buffer.getvalue())
    lie = struct.pack("<I", 2048)
    with zipfile.ZipFile(io.BytesIO(bytes(content))) as archive:
        local = archive.getinfo(name).header_offset
    content[local + 22 : local + 26] = lie  # the local header's uncompressed size
    entry = content.index(b"PK\x01\x02")  # the central directory's entries
    while content[entry + 46 : entry + 46 + len(name)] != name.encode():
        entry = content.index(b"PK\x01\x02", entry + 4)
    content[entry + 24 : entry + 28] = lie  # and the central directory's
    return bytes(content)


HOSTILE_SPREADSHEETS = [
    (
        "liar.xlsx",
        _lying_zip_bomb_xlsx,
        "The file could not be read as an XLSX spreadsheet. Is it damaged?",
    ),
    ("bomb.xlsx", _zip_bomb_xlsx, "The spreadsheet is too large once unpacked."),
    ("random.xlsx", lambda: bytes(range(256)) * 16, None),
    ("image.xlsx", _png, "The file could not be read as an XLSX spreadsheet. Is it damaged?"),
    ("random.csv", lambda: b"\xff\xfe\x00\x81" * 512, None),
    ("nul.csv", "Họ và tên\nA\x00B\n".encode, "The file is not a CSV text file."),
    ("big.csv", lambda: b"Ho va ten\n" + b"A" * (3 * 1024 * 1024), "The file is larger than 2 MB."),
    ("list.exe", lambda: b"MZ" + bytes(100), "Upload an .xlsx or a .csv file."),
]


@pytest.mark.parametrize(("name", "make", "message"), HOSTILE_SPREADSHEETS)
def test_hostile_spreadsheets_are_refused_by_every_import_page(
    client, officer, world, name, make, message
):
    client.force_login(officer)
    content = make()
    before = counts(Vendor, Volunteer, Attendance)
    for url in _import_urls(world):
        response = client.post(url, {"file": SimpleUploadedFile(name, content)})
        assert response.status_code == 400, url
        assert response.context["rows"] is None and response.context["import_id"] is None
        if message:
            assert says(response, message), url
    assert counts(Vendor, Volunteer, Attendance) == before
    assert not [k for k in client.session.keys() if "import" in k]  # noqa: SIM118


@FEW
@given(content=st.binary(max_size=4096), name=st.sampled_from(["a.xlsx", "a.csv", "a", "a.pdf"]))
def test_random_bytes_to_every_import_page_save_nothing(client, officer, world, content, name):
    client.force_login(officer)
    before = counts(Vendor, Volunteer, Attendance)
    for url in _import_urls(world):
        response = client.post(url, {"file": SimpleUploadedFile(name, content)})
        assert response.status_code in {200, 400}, url  # 200: a preview, nothing saved
    assert counts(Vendor, Volunteer, Attendance) == before


def _pdf_with_javascript() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_open_action(JavaScript("app.alert('xin chao');"))  # runs when opened
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (_png, "This file is not a PDF (its content is not, whatever its name says)."),
        (
            _pdf_with_javascript,
            "The PDF contains JavaScript, which is not allowed. Print it to a new PDF.",
        ),
        (lambda: b"%PDF-1.7\n" + bytes(range(256)) * 8, "The PDF is damaged and cannot be opened."),
        (
            lambda: b"%PDF-1.4\n" + bytes(21 * 1024 * 1024),  # under the request's 24 MB
            "The PDF is larger than 20 MB. Make it smaller or split it.",
        ),
    ],
)
def test_hostile_pdf_attachments_are_refused_in_the_admin(client, officer, content, message):
    client.force_login(officer)
    upload = SimpleUploadedFile("luat.pdf", content(), "application/pdf")
    response = client.post(
        "/admin/legal_library/document/add/", {**_document_fields(), "attachment": upload}
    )
    assert response.status_code == 200
    assert says(response, message)
    assert not Document.objects.exists()


def _huge_png(side: int) -> bytes:
    """A valid black-and-white PNG of side × side pixels, made without holding the pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    row = bytes(1 + (side + 7) // 8)  # filter byte + one bit per pixel
    packer = zlib.compressobj(9)
    data = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


PHOTO_TOO_LARGE = "The image is too large: send a photo under 10 MB and 40 megapixels."
PHOTO_NOT_IMAGE = "The file is not an image. Send a photo (JPEG or PNG) of the QR code."


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        ("bomb.png", lambda: _huge_png(20_000), PHOTO_TOO_LARGE),  # 400 megapixels
        ("big.png", lambda: _huge_png(7_000), PHOTO_TOO_LARGE),  # 49 megapixels
        ("photo.jpg", lambda: b"\xff\xd8\xff" + bytes(11 * 1024 * 1024), PHOTO_TOO_LARGE),
        ("photo.jpg", lambda: bytes(range(256)) * 64, PHOTO_NOT_IMAGE),
        ("code.pdf", _pdf_with_javascript, PHOTO_NOT_IMAGE),
    ],
)
def test_hostile_photos_to_the_qr_reader(client, officer, world, name, make, message):
    client.force_login(officer)
    content = make()
    before_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    response = client.post(
        f"/cho/nguoi-ban/{world['vendor'].pk}/them-tai-khoan/",
        {"photo": SimpleUploadedFile(name, content), "read": "1", "holder_name": "<b>x</b>"},
    )
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before_rss) / 1024
    assert response.status_code == 400
    assert says(response, message)
    assert grown_mib < 150  # the 20,000² image is never decoded (it would be 400 MB)
    assert PaymentAccount.objects.count() == 1


UPLOADS = [
    ("/cho/{market.pk}/nhap/", "file"),
    ("/tinh-nguyen/doan-vien/nhap/", "file"),
    ("/tap-huan/{session.pk}/nhap/", "file"),
    ("/cho/nguoi-ban/{vendor.pk}/them-tai-khoan/", "photo"),
    ("/admin/legal_library/document/add/", "attachment"),
]


@pytest.mark.parametrize(("template", "field"), UPLOADS)
def test_a_100_mb_upload_is_refused_before_it_is_read(
    client, officer, world, tmp_path, template, field
):
    """The body is a sparse 100 MB file: the refusal comes from its length, unread."""
    client.force_login(officer)
    boundary = "grenzeXYZ"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
        f'filename="big.xlsx"\r\nContent-Type: application/octet-stream\r\n\r\n'
    ).encode()
    path = tmp_path / "big.bin"
    with path.open("wb") as out:
        out.write(head)
        out.truncate(100 * 1024 * 1024)
    before = counts(Vendor, Volunteer, Attendance, PaymentAccount, Document)
    with path.open("rb") as body:
        response = client.generic(
            "POST",
            template.format(**world),
            **{
                "wsgi.input": body,
                "CONTENT_LENGTH": str(path.stat().st_size),
                "CONTENT_TYPE": f"multipart/form-data; boundary={boundary}",
            },
        )
        assert body.tell() == 0  # not one byte of it was read
    assert response.status_code == 413
    assert says(
        response, "The upload is too large: at most %(max)s MB can be sent at once.", max=24
    )
    assert counts(Vendor, Volunteer, Attendance, PaymentAccount, Document) == before


def test_nul_in_a_posted_field_is_refused_before_any_view_runs(client, officer, world):
    client.force_login(officer)
    response = client.post(
        f"/tap-huan/{world['session'].pk}/diem-danh/", {"walk_ins": "Ksor\x00 H'Hen, 0905111000"}
    )
    assert response.status_code == 400 and says(response, NUL_MESSAGE)
    assert not Attendance.objects.exists()
    # and in a field's name, and next to an upload
    response = client.post(
        f"/cho/{world['market'].pk}/nhap/",
        {"fi\x00le": "x", "file": SimpleUploadedFile("a.csv", b"Ho va ten\nA\n")},
    )
    assert response.status_code == 400 and says(response, NUL_MESSAGE)
