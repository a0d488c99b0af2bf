from django.urls import path

from . import views

app_name = "legal_library"

urlpatterns = [
    path("l/<str:code>/", views.point_page, name="point"),
    path("l/<str:code>/ap-phich.pdf", views.poster_one, name="poster"),
    path("l/<str:code>/c/<slug:category>/", views.point_page, name="point_category"),
    path("van-ban/<slug:slug>/", views.document_page, name="document"),
    path("phap-luat/", views.point_list, name="point_list"),
    path("phap-luat/tim/", views.search, name="search"),
    path("phap-luat/ap-phich.pdf", views.posters_all, name="posters"),
    path("phap-luat/thong-ke/", views.stats, name="stats"),
    path("sw.js", views.service_worker, name="service_worker"),
]
