from django.urls import path

from reports import views, views_public

app_name = "reports"

urlpatterns = [
    path("bao-cao/", views.dashboard, name="dashboard"),
    path("bao-cao/chi-tieu/", views.goals, name="goals"),
    path("bao-cao/tinh/", views.province_dashboard, name="province"),
    path("bao-cao/tinh/tai/xlsx/", views.province_download, name="province_download"),
    path("bao-cao/lap/", views.report_request, name="request"),
    path("bao-cao/<int:pk>/", views.report_detail, name="detail"),
    path("bao-cao/<int:pk>/trang-thai/", views.report_status, name="status"),
    path("bao-cao/<int:pk>/tai/<str:fmt>/", views.report_download, name="download"),
    path("bao-cao/<int:pk>/gui/", views.report_send, name="send"),
    path("bao-cao/<int:pk>/nhan/", views.report_receive, name="receive"),
    path("bao-cao/tinh/nhan/", views.province_inbox, name="province_inbox"),
]

# the public progress pages (reports/views_public.py): anyone, no sign-in
urlpatterns += [
    path("xa/<slug:slug>/tien-do/", views_public.commune_progress, name="public_commune"),
    path("tinh/<slug:slug>/tien-do/", views_public.province_progress, name="public_province"),
]
