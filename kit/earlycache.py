"""Anonymous pages answered from the cache before the session, authentication and
messages layers run (settings.MIDDLEWARE puts ``EarlyCachedPageMiddleware`` before
SessionMiddleware).

Each app registers, in its ``AppConfig.ready()``, the paths it can answer early and
a function that answers one from its cache (``register``); kit imports no app. Only
a GET without a session cookie (so nobody signed in, no message waiting in the
session) and with no query parameter but those the entry names is tried; the
function gets the request, the path's match and the visitor's language (chosen as
``VietnameseFirstLocaleMiddleware`` chooses it) and returns a response, or None to
let the request go on to the view (nothing cached, a stale entry, a revoked key).
Whatever it answers must be what its view would answer an anonymous visitor: the
function checks its own staleness (a stamp, a version) on every request.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

Answer = Callable[[HttpRequest, re.Match, str], HttpResponse | None]


@dataclass(frozen=True)
class EarlyPage:
    path: re.Pattern
    answer: Answer
    query: frozenset[str]

    def accepts(self, request: HttpRequest) -> bool:
        if not request.META.get("QUERY_STRING"):
            return True
        if not self.query:
            return False
        lists = request.GET.lists()
        return all(name in self.query and len(values) == 1 for name, values in lists)


_pages: list[EarlyPage] = []


def register(path: re.Pattern, answer: Answer, *, query: Iterable[str] = ()) -> None:
    """Answer GETs whose path fully matches ``path`` with ``answer`` when it can;
    ``query``: the parameters it reads itself (any other sends the request to the view)."""
    if any(page.path.pattern == path.pattern for page in _pages):
        return  # ready() ran twice (tests, management commands): once is enough
    _pages.append(EarlyPage(path, answer, frozenset(query)))


class EarlyCachedPageMiddleware:
    """Sits before SessionMiddleware (settings.MIDDLEWARE); see the module docstring."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        if request.method == "GET" and settings.SESSION_COOKIE_NAME not in request.COOKIES:
            response = self._early(request)
            if response is not None:
                return response
        return self.get_response(request)

    def _early(self, request) -> HttpResponse | None:
        for page in _pages:
            match = page.path.fullmatch(request.path_info)
            if match is None:
                continue
            if not page.accepts(request):
                return None
            chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
            language = chosen if chosen in self.languages else settings.LANGUAGE_CODE
            response = page.answer(request, match, language)
            if response is not None:
                # what the layers skipped would have added (kit.middleware, common, clickjacking)
                patch_vary_headers(response, ["Cookie"])
                if not response.streaming and not response.has_header("Content-Length"):
                    response["Content-Length"] = str(len(response.content))
                response["Content-Language"] = language
                response["X-Frame-Options"] = settings.X_FRAME_OPTIONS
            return response
        return None
