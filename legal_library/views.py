"""Public pages of the legal library (light, cached, no JavaScript needed) and officer tools."""

import datetime as dt
import gzip
import hashlib
import json
import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseNotModified,
    HttpResponsePermanentRedirect,
)
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.access import permission_required_or_404
from kit import imports
from kit.byteranges import ranged_file_response
from kit.dates import parse_date
from kit.http import XLSX, file_response
from kit.localcache import LocalCopies

from . import counting, selectors, services, spreadsheets
from .audiocheck import FORMATS as AUDIO_FORMATS
from .forms import DocumentSpreadsheetForm
from .models import POINT_CODE
from .posters import PointPoster, render_point_posters

PAGE_SECONDS = 60 * 60
# Pages this process served, valid while the library's version is unchanged: a hit
# then costs one small cache read (the version) instead of the whole page.
_local_pages = LocalCopies(max_entries=256)
BROWSER_SECONDS = 300


@dataclass(frozen=True)
class Page:
    """A rendered public page, kept whole in the cache: plain and gzip bodies, ETag."""

    object_id: int
    body: bytes
    gzipped: bytes
    etag: str

    @classmethod
    def of(cls, object_id: int, html: str) -> "Page":
        body = html.encode()
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        return cls(object_id, body, gzip.compress(body, compresslevel=6, mtime=0), etag)


def _current(key: str) -> tuple[int, Page | None]:
    """The library's version, and the page cached under ``key`` if it was made in that
    version: one small cache read when this process has the page, else one ``get_many``."""
    local = _local_pages.get(key)
    if local is not None:
        version = cache.get(services.VERSION_KEY, 1)
        if local[0] == version:
            return version, local[1]
    found = cache.get_many([services.VERSION_KEY, key])
    version, entry = found.get(services.VERSION_KEY, 1), found.get(key)
    if entry is None or entry[0] != version:
        return version, None
    _local_pages.put(key, entry)
    return version, entry[1]


def _page(request, key: str, build) -> Page | None:
    """The page, from the cache when it is current, else built (and cached for visitors).

    ``build()`` returns (object id, html), or (None, None) when there is no such
    page. Cached entries carry the library's version, which every change bumps.
    Signed-in users always get a fresh page (it shows their name and menu).
    """
    if request.user.is_authenticated:
        object_id, html = build()
        return None if object_id is None else Page.of(object_id, html)
    version, page = _current(key)
    if page is not None:
        return page
    object_id, html = build()
    if object_id is None:
        return None
    entry = (version, Page.of(object_id, html))
    cache.set(key, entry, PAGE_SECONDS)
    _local_pages.put(key, entry)
    return entry[1]


def _public_response(page: Page, request, *, signed_in: bool) -> HttpResponse:
    if request.headers.get("If-None-Match") == page.etag:
        response = HttpResponseNotModified()
    elif "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(page.gzipped)  # compressed once, when it was cached
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(page.body)
    response["ETag"] = page.etag
    patch_vary_headers(response, ["Accept-Encoding"])
    if signed_in:
        _private(response)
    else:
        patch_cache_control(response, public=True, max_age=BROWSER_SECONDS)
    return response


def _private(response: HttpResponse) -> HttpResponse:
    """A signed-in person's page or an officer's preview: kept by no cache, not even the
    service worker's offline copies (which keep only ``public`` answers)."""
    patch_cache_control(response, private=True, no_store=True)
    return response


def _counted(request, page: Page | None, kind: str, *, signed_in: bool) -> HttpResponse:
    if page is None:
        raise Http404
    if counting.countable(request):
        counting.record(kind, page.object_id)
    return _public_response(page, request, signed_in=signed_in)


# The anonymous pages kit.earlycache answers from the cache before the session and
# authentication layers (LegalLibraryConfig.ready): the same cached pages as the
# views', current in the library's version, counted the same way.
POINT_PATHS = re.compile(rf"/l/(?P<code>{POINT_CODE.pattern})/(?:c/(?P<category>[-a-zA-Z0-9_]+)/)?")
DOCUMENT_PATHS = re.compile(r"/van-ban/(?P<slug>[-a-zA-Z0-9_]+)/")
DOCUMENT_QUERY = ("diem", "ngon-ngu")
# ?ngon-ngu=jra: the document's Jrai view (its Jrai title and summary, Jrai readings
# first), a page of its own in every cache; any other value is the Vietnamese page.
LANGUAGE_PARAM, JRAI = "ngon-ngu", "jra"


def _early(request, key: str, kind: str) -> HttpResponse | None:
    """The cached page under ``key`` if current, counted; None: the view answers.

    When this process keeps a copy and the request counts, the count and the version
    go to Redis in one round trip; a count made for a copy found stale is taken back.
    """
    local = _local_pages.get(key)
    if local is None or not settings.REDIS_URL or not counting.countable(request):
        _version, page = _current(key)
        return None if page is None else _counted(request, page, kind, signed_in=False)
    version_at = cache.make_key(services.VERSION_KEY)
    read, raw = counting.record_and_read(kind, local[1].object_id, version_at)
    version = (int(raw) if raw is not None else 1) if read else cache.get(services.VERSION_KEY, 1)
    if version != local[0]:
        counting.record(kind, local[1].object_id, delta=-1)
        return None
    return _public_response(local[1], request, signed_in=False)


def early_point_page(request, match: re.Match, language: str) -> HttpResponse | None:
    key = _point_key(match["code"], match["category"], language)
    response = _early(request, key, counting.VISIT)
    # A page is cached only under its exact code, so the cookie names a real point.
    return None if response is None else _remember_point(response, match["code"])


def early_document_page(request, match: re.Match, language: str) -> HttpResponse | None:
    point_code = request.GET.get("diem", "")
    if point_code and not POINT_CODE.fullmatch(point_code):
        return None  # the view ignores it, after the request guard has looked at it
    key = _document_key(match["slug"], point_code, language, _version_asked(request))
    return _early(request, key, counting.READ)


def _version_asked(request) -> str:
    """JRAI for the Jrai view of a document, else "" (the Vietnamese page)."""
    return JRAI if request.GET.get(LANGUAGE_PARAM) == JRAI else ""


SECTION_SIZE = 8  # documents per category on a point's page; the rest are one tap away


@require_GET
def point_page(request, code: str, category: str | None = None):
    """A point's page: its documents by category, pinned and recently updated first.

    With ``category``, that category's documents only, all of them.
    """
    query = request.GET.get("q", "").strip()
    key = _point_key(code, category, get_language())

    def build():
        point = selectors.point_by_code(code)
        if point is None:
            return None, None
        context = {"point": point, "cacheable": True}
        if point.active:
            context["documents"] = documents = list(selectors.point_documents(point))
            context["sections"] = selectors.by_category(
                documents,
                first_name=_("At this point") if point.shows_all else _("Pinned"),
                other_name=_("Other documents"),
                limit=None if category else SECTION_SIZE,
                only=category,
            )
            context["category"] = category
            context["first_section"] = selectors.FIRST_SECTION
            if category and not context["sections"]:
                return None, None
        return point.pk, render_to_string("legal_library/point.html", context, request)

    if not query:
        page = _page(request, key, build)
        if page is None:
            return _to_the_exact_code(code, category, query)
        return _remember_point(
            _counted(request, page, counting.VISIT, signed_in=request.user.is_authenticated), code
        )

    point = selectors.point_by_code(code)
    if point is None:
        return _to_the_exact_code(code, category, query)
    context = {"point": point, "query": query, "searched": True}
    if point.active:
        within = selectors.point_documents(point)
        context["documents"] = list(selectors.search(query, scope=within)[:50])
    html = render_to_string("legal_library/point.html", context, request)
    return _remember_point(
        _public_response(Page.of(point.pk, html), request, signed_in=request.user.is_authenticated),
        code,
    )


# The last point a phone opened: its code only (nothing personal), read by ``back``.
LAST_POINT_COOKIE = "diem"
LAST_POINT_SECONDS = 60 * 60 * 24 * 90


def _remember_point(response: HttpResponse, code: str) -> HttpResponse:
    """Every visitor of /l/T03/ gets the same cookie (``diem=T03``), so a shared cache
    keeping the answer with it hands nobody anything of another person's."""
    response.set_cookie(
        LAST_POINT_COOKIE,
        code,
        max_age=LAST_POINT_SECONDS,
        samesite="Lax",
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def _to_the_exact_code(code: str, category: str | None, query: str) -> HttpResponse:
    """``/l/t03/`` typed by hand: a permanent redirect to ``/l/T03/``, else 404."""
    exact = selectors.point_code_in_another_case(code)
    if exact is None:
        raise Http404
    if category:
        target = reverse("legal_library:point_category", args=[exact, category])
    else:
        target = reverse("legal_library:point", args=[exact]) + (
            "?" + urlencode({"q": query}) if query else ""
        )
    return HttpResponsePermanentRedirect(target)


@require_GET
def document_page(request, slug: str):
    """A document, readable on a small phone, with its legal status first.

    ``?diem=<code>`` (the point the reader came from) adds a link back to that point;
    only a real point's code is honoured. Anything else is ignored, without being
    looked up or cached under it: the reader gets the plain page.
    """
    if request.GET.get("xem-truoc") and request.user.is_authenticated:
        document = selectors.document_for_preview(request.user, slug)
        if document is None:
            raise Http404
        return _private(
            render(
                request,
                "legal_library/document.html",
                _document_context(document, _version_asked(request), preview=True),
            )
        )

    version = _version_asked(request)

    def build(point_code: str):
        def build():
            document = selectors.published_document(slug, point_code=point_code)
            if document is None:
                return None, None
            point = None
            if point_code:
                if document.point_name is None:
                    return None, None  # not a point: no page under this code
                point = {"code": point_code, "name": document.point_name}
            html = render_to_string(
                "legal_library/document.html",
                _document_context(document, version, point=point, cacheable=True),
                request,
            )
            return document.pk, html

        return build

    point_code = request.GET.get("diem", "")
    page = None
    language = get_language()
    if POINT_CODE.fullmatch(point_code):
        key = _document_key(slug, point_code, language, version)
        page = _page(request, key, build(point_code))
    if page is None:
        page = _page(request, _document_key(slug, "", language, version), build(""))
    return _counted(request, page, counting.READ, signed_in=request.user.is_authenticated)


def _document_context(document, version: str, **context) -> dict:
    has_jrai = bool(document.title_jra or document.summary_jra)
    jrai = version == JRAI and has_jrai
    return {
        "document": document,
        "relations": selectors.relation_sentences(document),
        "jrai": jrai,
        "has_jrai": has_jrai,
        "audios": selectors.audios_in_language_order(document, JRAI if jrai else "vi"),
        **context,
    }


@require_GET
def back(request):
    """The big "back" link at the end of every document: to the last point this phone
    opened (its cookie), else to the list of points. The document page itself stays one
    cached page for everyone; only this tiny answer depends on the cookie."""
    code = request.COOKIES.get(LAST_POINT_COOKIE, "")
    point = selectors.point_by_code(code) if POINT_CODE.fullmatch(code) else None
    if point is None:
        response = redirect("legal_library:point_list")
    else:
        response = redirect("legal_library:point", point.code)
    patch_vary_headers(response, ["Cookie"])
    return _private(response)


@require_GET
def offline(request):
    """What a phone shows when it has no connection: the documents it saved, searchable on
    the phone (static/js/offline.js reads the service worker's copies), always in
    Vietnamese, the language of the documents. One anonymous page for everyone (no
    signed-in menu): the service worker keeps it whoever installed it."""
    with translation.override("vi"):
        response = render(
            request,
            "legal_library/offline.html",
            {"cacheable": True, "user": AnonymousUser(), "perms": {}},
        )
    patch_cache_control(response, public=True, max_age=BROWSER_SECONDS)
    return response


def _point_key(code: str, category: str | None, language: str) -> str:
    return f"library:point:{code}:{category or ''}:{language}"


def _document_key(slug: str, point_code: str, language: str, version: str) -> str:
    return f"library:document:{slug}:{point_code}:{language}:{version}"


@require_GET
def document_attachment(request, slug: str):
    """A published document's PDF, always as a download.

    Uploaded files are never served from MEDIA_URL: this is the only way to
    them, as ``application/pdf`` + ``attachment`` + ``nosniff`` (the upload was
    checked to be a PDF by its content), under the document's slug as its name.
    """
    document = selectors.published_document(slug)
    if document is None or not document.attachment:
        raise Http404
    try:
        handle = document.attachment.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=f"{document.slug}.pdf", content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, max_age=BROWSER_SECONDS)
    return response


# A first request of at most this many bytes from the start is a player's probe (Safari
# asks for bytes 0-1 before it plays), not a play.
PROBE_BYTES = 2


@require_GET
def document_audio(request, slug: str, pk: int):
    """An audio reading of a published document (of any, for an officer's preview), for the
    page's ``<audio>`` element (in parts, ``Range``) or as a download; never from
    MEDIA_URL (as the PDF).

    A play counts once as a listen of the document (counting.LISTEN), like a read: the
    request that starts at the first byte — the whole file, or a range from byte 0 —
    not the later ranges a player asks for when it seeks, nor a probe, a bot or the
    service worker's offline copy.
    """
    audio = selectors.audio_for(request.user, slug, pk)
    if audio is None or not audio.file:
        raise Http404
    try:
        handle = audio.file.open("rb")
        size = audio.file.size
    except FileNotFoundError:
        raise Http404 from None
    content_type, extension = AUDIO_FORMATS.get(audio.format, AUDIO_FORMATS["mp3"])
    response, part = ranged_file_response(
        handle,
        size,
        request.headers.get("Range", ""),
        content_type=content_type,
        filename=f"{audio.document.slug}-{audio.pk}.{extension}",
    )
    starts = part is None or (part[0] == 0 and part[1] + 1 > PROBE_BYTES)
    played = response.status_code < 300 and starts and audio.document.published
    if played and counting.countable(request):
        counting.record(counting.LISTEN, audio.document_id)
    response["X-Content-Type-Options"] = "nosniff"
    if not audio.document.published:
        return _private(response)  # an officer's preview
    # public: the service worker may keep it for listening offline
    patch_cache_control(response, public=True, max_age=BROWSER_SECONDS)
    return response


@require_GET
def search(request):
    """Search every published document by number or words (``selectors.search``); when
    nothing matches, the subjects to browse and tips instead of an empty page."""
    query = request.GET.get("q", "").strip()
    # ?xa=<slug> (from a commune's page): the province's documents and that commune's own;
    # without it (or with an unknown slug), every published document
    commune = selectors.commune_for_search(request.GET.get("xa", ""))
    scope = selectors.published_documents(commune)
    documents = list(selectors.search(query, scope=scope)[:50]) if query else []
    too_short = bool(query) and not selectors.search_terms(query)
    context = {"query": query, "documents": documents, "too_short": too_short, "commune": commune}
    if query and not documents and not too_short:
        context["categories"] = selectors.categories_in_use()
    return render(request, "legal_library/search.html", context)


@require_GET
def point_list(request):
    """Every active point, by village: the library's front page."""
    return render(
        request, "legal_library/point_list.html", {"points": list(selectors.public_points())}
    )


def _poster(request, point) -> PointPoster:
    path = f"/l/{point.code}/"
    base = settings.PUBLIC_BASE_URL.rstrip("/")
    return PointPoster(
        url=base + path if base else request.build_absolute_uri(path),
        code=point.code,
        point_name=point.name,
        place=point.place,
        village_name=point.village.name,
        commune_name=point.village.commune.name,
        province_name=point.village.commune.province.name,
    )


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return _private(response)  # officers' posters


@login_required
@permission_required_or_404("legal_library.view_librarypoint")
@require_GET
def posters_all(request):
    points = list(selectors.points_for_user(request.user).filter(active=True))
    if not points:
        raise Http404
    return _pdf(
        render_point_posters([_poster(request, p) for p in points]), "tu-sach-phap-luat.pdf"
    )


@login_required
@permission_required_or_404("legal_library.view_librarypoint")
@require_GET
def poster_one(request, code: str):
    point = selectors.points_for_user(request.user).filter(code=code).first()
    if point is None:
        raise Http404
    return _pdf(render_point_posters([_poster(request, point)]), f"tu-sach-{point.code}.pdf")


EDIT_DOCUMENTS = ("legal_library.add_document", "legal_library.change_document")


@login_required
@permission_required_or_404(*EDIT_DOCUMENTS)
@require_http_methods(["GET", "POST"])
def document_import(request):
    """Upload a spreadsheet of documents → preview with per-row errors → save."""
    points = selectors.points_for_user(request.user)
    owner = selectors.document_owner_for(request.user)  # a commune officer's commune

    def save(rows, only_clean: bool) -> str:
        result = services.documents_import(
            rows=rows, only_clean=only_clean, actor=request.user, commune=owner
        )
        return _(
            "%(created)s documents added, %(updated)s updated, %(unchanged)s unchanged, "
            "%(skipped)s rows refused."
        ) % {
            "created": len(result.created),
            "updated": len(result.updated),
            "unchanged": len(result.unchanged),
            "skipped": result.skipped,
        }

    flow = imports.ImportFlow(
        key="document-import",
        template="legal_library/import.html",
        context={
            "preview_columns": [
                ("number", _("Number")),
                ("doc_type", _("Type")),
                ("title", _("Title")),
                ("replaced_by", _("Replaced by")),
            ]
        },
        max_bytes=spreadsheets.MAX_BYTES,
        read=spreadsheets.read_rows,
        check=lambda rows: spreadsheets.check_rows(
            rows,
            points,
            may_add_categories=request.user.has_perm("legal_library.add_category"),
            owner_id=owner.pk if owner else None,
        ),
        save=save,
        done_url=reverse("legal_library:document_import"),
    )
    return imports.handle(request, flow, form_class=DocumentSpreadsheetForm)


@login_required
@permission_required_or_404(*EDIT_DOCUMENTS)
@require_GET
def document_export(request, fmt: str):
    """The documents the officer keeps (their commune's own, or the province's) in the
    import's layout (XLSX or CSV): edit them in Excel, import them back."""
    points = selectors.points_for_user(request.user)
    owner = selectors.document_owner_for(request.user)
    documents = selectors.documents_for_export(points, owner)
    if fmt == "xlsx":
        content = spreadsheets.export_documents_xlsx(documents, list(points))
        return file_response(content, "van-ban-phap-luat.xlsx", XLSX)
    content = spreadsheets.export_documents_csv(documents, list(points))
    return file_response(content, "van-ban-phap-luat.csv", "text/csv; charset=utf-8")


def _date_param(request, name: str) -> dt.date | None:
    """A day-first or ISO date from the query (a browser without a date picker sends
    what the officer typed, 05/12/2026); None when absent or unreadable."""
    try:
        return parse_date(request.GET.get(name, ""))
    except ValueError:
        return None


@staff_member_required
@permission_required_or_404("legal_library.view_pointdailycount")
@require_GET
def stats(request):
    """Visits per point, reads per document and per category for a chosen period."""
    today = timezone.localdate()
    start = _date_param(request, "from") or today - dt.timedelta(days=29)
    end = _date_param(request, "to") or today
    if end < start:
        start, end = end, start
    period = selectors.Period(start=start, end=end)
    context = {
        **admin.site.each_context(request),
        "period": period,
        **selectors.library_stats(period, request.user),
    }
    return render(request, "legal_library/stats.html", context)


SERVICE_WORKER = """\
// Keeps the legal library readable when the connection drops: the library pages that
// were opened (and the documents of a point that was opened) are kept, and shown from
// here when the network fails. Pages always come from the network first.
// Only anonymous public answers are kept (Cache-Control "public" for pages, never
// "private" or "no-store"): no signed-in page, no officer's preview.
// The copies made in the background carry X-Chuprong-Prefetch and are never counted
// as visits or reads; they skip the browser's own cache, so a document a person opens
// afterwards reaches the server and counts once.
// A page is kept under one address whatever link opened it (normal()): a document
// without its query (?diem=, utm_...), a point with its search only, with the final /.
// Kept on install: the offline page (the saved documents, searchable) and its files.
// An update drops only this worker's old copies ("thu-vien-*"): the volunteers' app
// worker (/tinh-nguyen/sw.js) keeps its own.
// A document's Jrai view (?ngon-ngu=jra) is a page of its own.
// Audio readings (/van-ban/<slug>/nghe/<id>/) come from the network while online (a
// play is counted there); the first time one is played, a whole copy is kept in the
// background (not counted), so it plays offline too, answered in the parts the player
// asks for (206). Not before it is played: a reading can be 20 MB of someone's data.
const CACHE = "thu-vien-v4";
const PAGES = /^\\/(l|van-ban)\\//;
const AUDIO = /^\\/van-ban\\/[^/]+\\/nghe\\/\\d+\\/$/;
const DOCUMENT = /^\\/van-ban\\/[^/]+\\/$/;
const STATIC = /^\\/static\\//;
const MARK = {"X-Chuprong-Prefetch": "offline"};
const OFFLINE = "__OFFLINE__";
const PRECACHE = __PRECACHE__;

function ours(url) {
  return url.origin === location.origin && (PAGES.test(url.pathname) || STATIC.test(url.pathname));
}

function normal(url) {
  if (STATIC.test(url.pathname)) return url.href;
  let path = url.pathname;
  if (!path.endsWith("/") && !/\\.[a-z0-9]+$/i.test(path)) path += "/";
  const q = path.startsWith("/l/") ? url.searchParams.get("q") : null;
  const jrai = DOCUMENT.test(path) && url.searchParams.get("ngon-ngu") === "jra";
  const search = q ? "?q=" + encodeURIComponent(q) : jrai ? "?ngon-ngu=jra" : "";
  return url.origin + path + search;
}

function keepable(url, response) {
  if (!response.ok || response.type !== "basic" || response.redirected) return false;
  const control = (response.headers.get("Cache-Control") || "").toLowerCase();
  if (/private|no-store/.test(control)) return false;
  return STATIC.test(url.pathname) || /(^|[ ,])public([ ,]|$)/.test(control);
}

function copy(cache, url) {
  return fetch(new Request(url.href, {headers: MARK, cache: "no-store"})).then((response) =>
    keepable(url, response) ? cache.put(normal(url), response) : null
  ).catch(() => null);
}

self.addEventListener("install", (event) => event.waitUntil(
  caches.open(CACHE).then((cache) => Promise.all(
    PRECACHE.map((href) => copy(cache, new URL(href, location.origin)))))
    .then(() => self.skipWaiting())));
self.addEventListener("activate", (event) => event.waitUntil(
  caches.keys().then((names) => Promise.all(
    names.filter((name) => name.startsWith("thu-vien-") && name !== CACHE)
      .map((name) => caches.delete(name))))
    .then(() => self.clients.claim())));

self.addEventListener("message", (event) => {
  const urls = ((event.data && event.data.keep) || [])
    .map((href) => new URL(href, location.origin)).filter(ours);
  event.waitUntil(caches.open(CACHE).then((cache) => Promise.all(urls.map(
    (url) => copy(cache, url)))));
});

const keeping = new Set();  // audio copies under way, each made once

function keepAudio(url) {
  const key = normal(url);
  if (keeping.has(key)) return Promise.resolve();
  keeping.add(key);
  return caches.open(CACHE).then((cache) => cache.match(key).then((hit) =>
    hit ? null : copy(cache, url))).finally(() => keeping.delete(key));
}

function part(request, whole) {
  // The part of a kept reading that a player asks for (Range), as a 206; else all of it.
  const range = /^bytes=(\\d*)-(\\d*)$/.exec(request.headers.get("Range") || "");
  if (!range) return whole;
  return whole.blob().then((blob) => {
    const size = blob.size;
    let start = Number(range[1]);
    let end = range[2] === "" ? size - 1 : Math.min(Number(range[2]), size - 1);
    if (range[1] === "") [start, end] = [Math.max(size - Number(range[2]), 0), size - 1];
    if (start >= size || end < start) {
      return new Response(null, {status: 416, headers: {"Content-Range": "bytes */" + size}});
    }
    return new Response(blob.slice(start, end + 1), {status: 206, headers: {
      "Content-Type": whole.headers.get("Content-Type") || "application/octet-stream",
      "Content-Range": "bytes " + start + "-" + end + "/" + size,
      "Content-Length": String(end - start + 1),
      "Accept-Ranges": "bytes",
    }});
  });
}

function listen(event, url) {
  return fetch(event.request).then((response) => {
    if (response.ok) event.waitUntil(keepAudio(url));
    return response;
  }).catch(() => caches.match(normal(url), {ignoreVary: true}).then((whole) =>
    whole ? part(event.request, whole) : Response.error()));
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== location.origin) return;
  if (AUDIO.test(url.pathname)) {
    event.respondWith(listen(event, url));
    return;
  }
  const page = event.request.mode === "navigate";
  if (!ours(url) && !(page && url.pathname.startsWith("/phap-luat/"))) return;
  event.respondWith(
    fetch(event.request).then((response) => {
      if (ours(url) && keepable(url, response)) {
        const kept = response.clone();
        caches.open(CACHE).then((cache) => cache.put(normal(url), kept));
      }
      return response;
    }).catch(() => caches.match(normal(url), {ignoreVary: true}).then((hit) => hit ||
      (page ? caches.match(OFFLINE, {ignoreVary: true}) : null)).then(
      (hit) => hit || Response.error()))
  );
});
"""


def _service_worker_script() -> str:
    offline = reverse("legal_library:offline")
    precache = [offline, static("css/site.css"), static("js/library.js"), static("js/offline.js")]
    return SERVICE_WORKER.replace("__OFFLINE__", offline).replace(
        "__PRECACHE__", json.dumps(precache)
    )


@require_GET
def service_worker(request):
    response = HttpResponse(_service_worker_script(), content_type="application/javascript")
    response["Service-Worker-Allowed"] = "/"
    patch_cache_control(response, public=True, max_age=3600)
    return response
