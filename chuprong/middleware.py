from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


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
