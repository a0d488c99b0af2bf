from django.urls import path

from . import views

app_name = "volunteers"

urlpatterns = [
    path("tinh-nguyen/ghi-nhan/", views.visit_new, name="visit_new"),
    path("tinh-nguyen/dong-bo/", views.visit_sync, name="visit_sync"),
    path("tinh-nguyen/sw.js", views.service_worker, name="service_worker"),
    path("tinh-nguyen/app.webmanifest", views.manifest, name="manifest"),
    path("tinh-nguyen/lich-su/", views.my_history, name="history"),
    path("tinh-nguyen/ho-tro/", views.record_list, name="record_list"),
    path("tinh-nguyen/ho-tro/<int:pk>/", views.record_detail, name="record_detail"),
    path("tinh-nguyen/ho-tro/<int:pk>/sua/", views.visit_edit, name="visit_edit"),
    path("tinh-nguyen/ho-tro/<int:pk>/xoa/", views.visit_delete, name="visit_delete"),
    path("tinh-nguyen/can-theo-doi/", views.follow_ups, name="follow_ups"),
    path("tinh-nguyen/can-theo-doi/<int:pk>/xong/", views.follow_up_close, name="follow_up_close"),
    path("tinh-nguyen/chien-dich/", views.campaign_list, name="campaign_list"),
    path("tinh-nguyen/chien-dich/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("tinh-nguyen/doan-vien/", views.volunteer_list, name="volunteer_list"),
    path("tinh-nguyen/doan-vien.xlsx", views.volunteer_export, name="volunteer_export"),
    path("tinh-nguyen/doan-vien/nhap/", views.volunteer_import, name="volunteer_import"),
    path("tinh-nguyen/du-lieu-nguoi-dan/", views.resident_desk, name="resident_desk"),
    path(
        "tinh-nguyen/du-lieu-nguoi-dan/chinh-sach/", views.resident_policy, name="resident_policy"
    ),
    path("tinh-nguyen/du-lieu-nguoi-dan/<int:pk>/", views.resident_detail, name="resident_detail"),
    path(
        "tinh-nguyen/du-lieu-nguoi-dan/<int:pk>/tai-ve.xlsx",
        views.resident_export,
        name="resident_export",
    ),
    path(
        "tinh-nguyen/du-lieu-nguoi-dan/<int:pk>/xoa/", views.resident_erase, name="resident_erase"
    ),
]
