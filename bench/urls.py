"""The project's URLs plus one minimal view: the baseline of bench/qr.py (never deployed)."""

from django.http import HttpResponse
from django.urls import include, path


def minimal(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/minimal", minimal), path("", include("chuprong.urls"))]
