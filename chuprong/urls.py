from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# the deployment's place (PORTAL_AREA), read when a page is drawn
admin.site.site_header = lazy(
    lambda: gettext("%(area)s digital transformation: officers") % {"area": settings.PORTAL_AREA},
    str,
)()
admin.site.site_title = lazy(
    lambda: gettext("%(area)s portal") % {"area": settings.PORTAL_AREA}, str
)()
admin.site.index_title = _("Administration")
# A database that cannot be reached answers the 503 page (portal.views.server_error).
handler500 = "portal.views.server_error"

urlpatterns = [
    # the home and commune pages, health, sign-in, language (before allauth's own)
    path("", include("portal.urls")),
    path("", include("market.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("legal_library.urls")),
    path("", include("volunteers.urls")),
    path("", include("trainings.urls")),
    path("", include("reports.urls")),
    path("admin/", admin.site.urls),
]
