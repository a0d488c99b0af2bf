from django.conf import settings
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class VietnameseFirstLocaleMiddleware:
    """Vietnamese unless the visitor chose another language with the switcher.

    Django's LocaleMiddleware also follows the browser's Accept-Language, and
    many phones sold here are set to English while their owners read
    Vietnamese. So only the language cookie (set by ``/i18n/setlang/``)
    changes the language; everyone else gets ``LANGUAGE_CODE``.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        with translation.override(language):  # and back afterwards: nothing leaks to the thread
            response = self.get_response(request)
        patch_vary_headers(response, ["Cookie"])
        response.headers.setdefault("Content-Language", language)
        return response


class RequestGuardMiddleware:
    """Refuse, with a page that says why, input no form or query should ever see.

    - A body larger than ``MAX_REQUEST_BYTES`` is refused (413) from its
      ``Content-Length``, before a byte of it is read: no 100 MB upload is
      spooled to disk or parsed only to be refused by a form afterwards. Each
      form still checks its own, smaller limit (2 MB lists, 10 MB photos,
      20 MB PDFs).
    - A NUL character in the path, the query string, a cookie or a posted field
      is refused (400). PostgreSQL cannot store NUL in text, so such a value
      reaching a query (a code in the address, an admin filter, the session
      cookie's key) would be a server error; no real input has one. Checked
      here once rather than in every view that reads a parameter. Uploaded
      files are not checked: their readers refuse binary content themselves.
    - An address longer than ``MAX_URL_LENGTH`` is refused (414), as gunicorn
      refuses it in production: the embedded default then behaves the same, and
      no search term reaches SQLite's LIKE over its 50,000-byte limit (the
      admin's search would otherwise be a 500).
    - A multipart body that cannot be parsed (a broken boundary) is a 400, not a 500.

    Sits after the locale middleware (the page is in the visitor's language) and
    before CSRF, which is the first to read the body.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.MAX_REQUEST_BYTES
        if length > limit:
            return _refused(
                request,
                _("The upload is too large: at most %(max)s MB can be sent at once.")
                % {"max": limit // (1024 * 1024)},
                status=413,
            )
        if (
            "\x00" in request.path
            or _has_nul(request.GET)
            or any("\x00" in k + v for k, v in request.COOKIES.items())
        ):
            return _refused(request, NUL_MESSAGE)
        if len(request.path) + len(request.META.get("QUERY_STRING", "")) > settings.MAX_URL_LENGTH:
            return _refused(request, _("The address is too long."), status=414)
        if request.method == "POST":
            try:
                post = request.POST
            except MultiPartParserError:
                return _refused(request, _("The form data could not be read. Send it again."))
            if _has_nul(post):
                return _refused(request, NUL_MESSAGE)
        return self.get_response(request)


NUL_MESSAGE = gettext_lazy(
    "The request contains a null character, which is not allowed. Remove it and try again."
)


def _has_nul(query) -> bool:
    return any(
        "\x00" in key or any("\x00" in value for value in values) for key, values in query.lists()
    )


def _refused(request, message, status: int = 400):
    return render(request, "refused.html", {"message": message}, status=status)
