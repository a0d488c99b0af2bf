from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("xa/<slug:slug>/", views.commune_detail, name="commune_detail"),
    path("healthz", views.healthz, name="healthz"),
    path("tinh-nguyen/", views.volunteer_home, name="volunteer_home"),
    path("accounts/login/", views.LoginView.as_view(), name="account_login"),
    path("accounts/email/", views.email_management_closed, name="account_email"),
    path("ngon-ngu/<str:code>/", views.set_language, name="set_language"),
]
