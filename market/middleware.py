"""The counter screen at the speed of a cached image: the anonymous visitor's plain
vendor page and its code images, answered from the cache before the session,
authentication and messages layers run.

Only a GET without a query string and without a session cookie is answered here
(so nobody signed in, no message waiting, no amount asked for); anything else, and
anything not in the cache, goes on to the view. The vendor's stamp is read from the
shared cache on every request (market/qr.py): a reissued key or a deleted vendor
stops answering here at once, and a missing stamp sends the request to the view,
which checks the key in the database.
"""

import re

from django.conf import settings
from django.utils.cache import patch_vary_headers

from . import pages, qr
from .urls import ImageFormatConverter, TokenConverter

PATHS = re.compile(
    rf"/v/(?P<token>{TokenConverter.regex})/"
    rf"(?:(?:a/(?P<account>[0-9]{{1,9}})/)?qr\.(?P<fmt>{ImageFormatConverter.regex}))?"
)


class CounterCacheMiddleware:
    """Sits before SessionMiddleware (settings.MIDDLEWARE); see the module docstring."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        if (
            request.method == "GET"
            and not request.META.get("QUERY_STRING")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and (match := PATHS.fullmatch(request.path_info)) is not None
        ):
            response = self._from_cache(request, match)
            if response is not None:
                return response
        return self.get_response(request)

    def _from_cache(self, request, match: re.Match):
        token, fmt = match["token"], match["fmt"]
        if fmt is not None:
            image = qr.cached(token, match["account"] or "primary", fmt)
            return None if image is None else pages.image_response(request, image)
        # the language as VietnameseFirstLocaleMiddleware chooses it: the cookie, or Vietnamese
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.languages else settings.LANGUAGE_CODE
        html = qr.cached_page(token, language)
        if html is None:
            return None
        response = pages.vendor_page_response(html)
        patch_vary_headers(response, ["Cookie"])
        response["Content-Language"] = language
        response["X-Frame-Options"] = settings.X_FRAME_OPTIONS
        return response
