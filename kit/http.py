"""Small response helpers shared by the apps' views."""

import functools

from django.conf import settings
from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def public_url(request, path: str) -> str:
    """The address printed on paper or in a QR code: PUBLIC_BASE_URL when set."""
    base = settings.PUBLIC_BASE_URL.rstrip("/")
    return base + path if base else request.build_absolute_uri(path)


def file_response(content: bytes, filename: str, content_type: str, *, inline: bool = False):
    """A download (or an inline PDF) with an ASCII file name."""
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    return file_response(content, filename, "application/pdf", inline=True)


def int_param(value: str | None) -> int | None:
    """A positive id from a query string, or None for anything else."""
    return int(value) if value and value.isdigit() and len(value) < 10 else None


# ------------------------------------------------------------------ caching of private pages

PRIVATE_NO_STORE = "private, no-store"


def private_no_store(view):
    """For pages with residents' personal data (names, phones, years of birth): no
    browser, proxy or shared phone keeps a copy (``Cache-Control: private, no-store``),
    whatever else marked the response."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = PRIVATE_NO_STORE
        return response

    return wrapped


class PrivateByDefaultMiddleware:
    """A signed-in visitor's response that says nothing of caching is ``private,
    no-store``: officers' pages show vendors' accounts and phones, volunteers' phones,
    and a page added tomorrow is covered without remembering a decorator. Responses
    that say how they may be cached (the library's and the vendor's pages) keep it.
    A request without a session cookie is not signed in: its user is not looked up
    (so public pages get no ``Vary: Cookie``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            settings.SESSION_COOKIE_NAME in request.COOKIES
            and not response.has_header("Cache-Control")
            and getattr(request, "user", None) is not None
            and request.user.is_authenticated
        ):
            response["Cache-Control"] = PRIVATE_NO_STORE
        return response
