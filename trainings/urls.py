from django.urls import path

from . import views

app_name = "trainings"

urlpatterns = [
    # Public: the calendar and the page a certificate's QR code opens.
    path("tap-huan/lich/", views.calendar, name="calendar"),
    path("chung-nhan/<str:code>/", views.verify_certificate, name="verify"),
    # A session's QR code: a signed-in volunteer checks in.
    path("diem-danh/<str:code>/", views.check_in, name="check_in"),
    # Officers and branch secretaries.
    path("tap-huan/", views.session_list, name="session_list"),
    path("tap-huan/ky-nang/", views.skills, name="skills"),
    path("tap-huan/moi/", views.session_new, name="session_new"),
    path("tap-huan/<int:pk>/", views.session_detail, name="session_detail"),
    path("tap-huan/<int:pk>/diem-danh/", views.attendance_sheet, name="attendance_sheet"),
    path(
        "tap-huan/<int:pk>/diem-danh/<int:attendance_pk>/xoa/",
        views.attendance_remove,
        name="attendance_remove",
    ),
    path("tap-huan/<int:pk>/ma-qr/", views.checkin_screen, name="checkin_screen"),
    path("tap-huan/<int:pk>/ma-qr.svg", views.checkin_qr, name="checkin_qr"),
    path("tap-huan/<int:pk>/danh-sach-ky.pdf", views.sign_in_sheet, name="sign_in_sheet"),
    path(
        "tap-huan/<int:pk>/diem-danh.xlsx",
        views.attendance_export,
        {"fmt": "xlsx"},
        name="attendance_xlsx",
    ),
    path(
        "tap-huan/<int:pk>/diem-danh.csv",
        views.attendance_export,
        {"fmt": "csv"},
        name="attendance_csv",
    ),
    path("tap-huan/<int:pk>/nhap/", views.attendance_import, name="attendance_import"),
    path("tap-huan/chung-nhan/<int:pk>.pdf", views.certificate, name="certificate"),
]
