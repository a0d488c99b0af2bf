"""Responses of the vendor's public addresses, built alike by the views and by the
early middleware that serves them from the cache (market/early.py)."""

from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control

from .qr import QRImage

PAGE_SECONDS = 300
FOREVER = 60 * 60 * 24 * 365


def vendor_headers(response: HttpResponse) -> HttpResponse:
    # The key is the secret: never let a shared cache keep the page.
    patch_cache_control(response, private=True, max_age=PAGE_SECONDS)
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


def vendor_page_response(html: bytes) -> HttpResponse:
    return vendor_headers(HttpResponse(html))


def image_response(
    request, image: QRImage, *, filename: str | None = None
) -> HttpResponse | HttpResponseNotModified:
    """A code's image with its ETag (304 when the phone has it); ``filename`` makes it a
    download."""
    if request.headers.get("If-None-Match") == image.etag:
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(image.content, content_type=image.content_type)
    response["ETag"] = image.etag
    # A "v" parameter is the payload's hash: that URL's content never changes.
    max_age = FOREVER if request.GET.get("v") else PAGE_SECONDS
    patch_cache_control(response, private=True, max_age=max_age)
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response
