from django.urls import path, register_converter

from . import views
from .models import POINT_CODE


class PointCodeConverter:
    """What a point's code can be (``LibraryPoint.code``): anything else is a 404 at once."""

    regex = POINT_CODE.pattern

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(PointCodeConverter, "pointcode")

app_name = "legal_library"

urlpatterns = [
    path("l/<pointcode:code>/", views.point_page, name="point"),
    path("l/<pointcode:code>/ap-phich.pdf", views.poster_one, name="poster"),
    path("l/<pointcode:code>/c/<slug:category>/", views.point_page, name="point_category"),
    path("van-ban/<slug:slug>/", views.document_page, name="document"),
    path("van-ban/<slug:slug>/toan-van.pdf", views.document_attachment, name="attachment"),
    path("phap-luat/", views.point_list, name="point_list"),
    path("phap-luat/quay-lai/", views.back, name="back"),
    path("phap-luat/ngoai-tuyen/", views.offline, name="offline"),
    path("phap-luat/tim/", views.search, name="search"),
    path("phap-luat/ap-phich.pdf", views.posters_all, name="posters"),
    path("phap-luat/thong-ke/", views.stats, name="stats"),
    path("phap-luat/van-ban/nhap/", views.document_import, name="document_import"),
    path(
        "phap-luat/van-ban/xuat.xlsx",
        views.document_export,
        {"fmt": "xlsx"},
        name="document_export_xlsx",
    ),
    path(
        "phap-luat/van-ban/xuat.csv",
        views.document_export,
        {"fmt": "csv"},
        name="document_export_csv",
    ),
    path("sw.js", views.service_worker, name="service_worker"),
]
