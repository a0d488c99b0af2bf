"""Public pages of the legal library (light, cached, no JavaScript needed) and officer tools."""

import datetime as dt
import hashlib

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required, permission_required
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import counting, selectors, services
from .posters import PointPoster, render_point_posters

PAGE_SECONDS = 60 * 60
BROWSER_SECONDS = 300


def _cached_page(request, key: str, build) -> tuple[int | None, str | None]:
    """(object id, html) of a public page, from the cache when it is current.

    ``build()`` returns (object id, html) or (None, None) when there is no such
    page. Cached entries carry the library's version, which every change bumps.
    """
    found = cache.get_many([services.VERSION_KEY, key])
    version = found.get(services.VERSION_KEY, 1)
    entry = found.get(key)
    if entry and entry[0] == version:
        return entry[1], entry[2]
    object_id, html = build()
    if object_id is not None:
        cache.set(key, (version, object_id, html), PAGE_SECONDS)
    return object_id, html


def _public_response(html: str, request) -> HttpResponse:
    response = HttpResponse(html)
    response["ETag"] = '"' + hashlib.sha256(html.encode()).hexdigest()[:32] + '"'
    if request.user.is_authenticated:
        patch_cache_control(response, private=True, no_cache=True)
    else:
        patch_cache_control(response, public=True, max_age=BROWSER_SECONDS)
    return response


def _anonymous(request) -> bool:
    return not request.user.is_authenticated


@require_GET
def point_page(request, code: str):
    """A point's page: its documents by category, pinned and recently updated first."""
    query = request.GET.get("q", "").strip()
    key = f"library:point:{code.lower()}:{get_language()}"

    def build():
        point = selectors.point_by_code(code)
        if point is None:
            return None, None
        context = {"point": point, "cacheable": True}
        if point.active:
            context["documents"] = documents = list(selectors.point_documents(point))
            context["sections"] = selectors.by_category(
                documents, pinned_name=_("Pinned"), other_name=_("Other documents")
            )
        return point.pk, render_to_string("legal_library/point.html", context, request)

    if _anonymous(request) and not query:
        point_id, html = _cached_page(request, key, build)
        if point_id is None:
            raise Http404
        if counting.countable(request):
            counting.record(counting.VISIT, point_id)
        return _public_response(html, request)

    point = selectors.point_by_code(code)
    if point is None:
        raise Http404
    if counting.countable(request):
        counting.record(counting.VISIT, point.pk)
    context = {"point": point, "query": query}
    if point.active:
        within = selectors.point_documents(point)
        context["documents"] = (
            list(selectors.search_documents(query, within)) if query else list(within)
        )
        context["searched"] = bool(query)
    return _public_response(render_to_string("legal_library/point.html", context, request), request)


@require_GET
def document_page(request, slug: str):
    """A document, readable on a small phone, with its legal status first."""
    if request.GET.get("xem-truoc") and request.user.is_authenticated:
        document = selectors.document_for_preview(request.user, slug)
        if document is None:
            raise Http404
        return render(
            request, "legal_library/document.html", {"document": document, "preview": True}
        )

    point_code = request.GET.get("diem", "")[:12]
    key = f"library:document:{slug}:{point_code.lower()}:{get_language()}"

    def build():
        document = selectors.published_document(slug)
        if document is None:
            return None, None
        point = selectors.point_by_code(point_code) if point_code else None
        html = render_to_string(
            "legal_library/document.html",
            {"document": document, "point": point, "cacheable": True},
            request,
        )
        return document.pk, html

    document_id, html = _cached_page(request, key, build) if _anonymous(request) else build()
    if document_id is None:
        raise Http404
    if counting.countable(request):
        counting.record(counting.READ, document_id)
    return _public_response(html, request)


@require_GET
def search(request):
    """Search every published document; case and diacritics do not matter."""
    query = request.GET.get("q", "").strip()
    documents = list(selectors.search_documents(query)[:50]) if query else []
    return render(
        request,
        "legal_library/search.html",
        {
            "query": query,
            "documents": documents,
            "too_short": bool(query) and not selectors.search_terms(query),
        },
    )


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
        province_name=point.village.commune.province,
    )


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@login_required
@permission_required("legal_library.view_librarypoint", raise_exception=True)
@require_GET
def posters_all(request):
    points = list(selectors.points_for_user(request.user).filter(active=True))
    if not points:
        raise Http404
    return _pdf(
        render_point_posters([_poster(request, p) for p in points]), "tu-sach-phap-luat.pdf"
    )


@login_required
@permission_required("legal_library.view_librarypoint", raise_exception=True)
@require_GET
def poster_one(request, code: str):
    point = selectors.points_for_user(request.user).filter(code__iexact=code).first()
    if point is None:
        raise Http404
    return _pdf(render_point_posters([_poster(request, point)]), f"tu-sach-{point.code}.pdf")


@staff_member_required
@permission_required("legal_library.view_pointdailycount", raise_exception=True)
@require_GET
def stats(request):
    """Visits per point, reads per document and per category for a chosen period."""
    today = timezone.localdate()
    try:
        start = dt.date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        start = today - dt.timedelta(days=29)
    try:
        end = dt.date.fromisoformat(request.GET.get("to", ""))
    except ValueError:
        end = today
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
// Keeps the legal library readable when the connection drops: every library page
// that was opened (and the documents of a point that was opened) is kept, and
// shown from here when the network fails. Pages always come from the network first.
const CACHE = "thu-vien-v1";
const LIBRARY = /^\\/(l|van-ban|static)\\//;

self.addEventListener("install", (event) => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("message", (event) => {
  const urls = (event.data && event.data.keep) || [];
  event.waitUntil(caches.open(CACHE).then((cache) =>
    Promise.all(urls.map((url) => cache.add(url).catch(() => null)))));
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== location.origin
      || !LIBRARY.test(url.pathname)) return;
  event.respondWith(
    fetch(event.request).then((response) => {
      if (response.ok) {
        const copy = response.clone();
        caches.open(CACHE).then((cache) => cache.put(event.request, copy));
      }
      return response;
    }).catch(() => caches.match(event.request, {ignoreVary: true}).then(
      (hit) => hit || Response.error()))
  );
});
"""


@require_GET
def service_worker(request):
    response = HttpResponse(SERVICE_WORKER, content_type="application/javascript")
    response["Service-Worker-Allowed"] = "/"
    patch_cache_control(response, public=True, max_age=3600)
    return response
