from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views

admin.site.site_header = _("Chư Prông digital commune: officers")
admin.site.site_title = _("Chư Prông portal")
admin.site.index_title = _("Administration")
# A database that cannot be reached answers the 503 page (views.server_error).
handler500 = "chuprong.views.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("xa/<slug:slug>/", views.commune_detail, name="commune_detail"),
    path("healthz", views.healthz, name="healthz"),
    path("", include("market.urls")),
    path("accounts/login/", views.LoginView.as_view(), name="account_login"),
    path("accounts/email/", views.email_management_closed, name="account_email"),
    path("accounts/", include("allauth.urls")),
    path("ngon-ngu/<str:code>/", views.set_language, name="set_language"),
    path("", include("legal_library.urls")),
    path("", include("volunteers.urls")),
    path("", include("trainings.urls")),
    path("", include("chuprong.report_urls")),
    path("admin/", admin.site.urls),
]
