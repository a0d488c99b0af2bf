from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("xa/<slug:slug>/", views.commune_detail, name="commune_detail"),
    path("tinh/<slug:slug>/", views.province_detail, name="province_detail"),
    path("healthz", views.healthz, name="healthz"),
    path("tinh-nguyen/", views.volunteer_home, name="volunteer_home"),
    path("accounts/login/", views.LoginView.as_view(), name="account_login"),
    path("accounts/email/", views.email_management_closed, name="account_email"),
    path("ngon-ngu/<str:code>/", views.set_language, name="set_language"),
    # sign-in accounts made by commune officers, and the one-time link they hand over
    path("tai-khoan/", views.logins, name="logins"),
    path("tai-khoan/bi-thu/", views.login_secretary_create, name="login_secretary_create"),
    path(
        "tai-khoan/tinh-nguyen/<int:pk>/",
        views.login_volunteer_create,
        name="login_volunteer_create",
    ),
    path("tai-khoan/tieu-thuong/<int:pk>/", views.login_vendor_create, name="login_vendor_create"),
    path("tai-khoan/<int:pk>/lien-ket/", views.login_handover, name="login_handover"),
    path("tai-khoan/<int:pk>/lien-ket/moi/", views.login_link_issue, name="login_link_issue"),
    path("tai-khoan/<int:pk>/lien-ket/qr.svg", views.login_handover_qr, name="login_handover_qr"),
    path("dang-nhap/<str:uidb64>/<str:token>/", views.sign_in_link, name="sign_in_link"),
]
