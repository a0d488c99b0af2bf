from django.urls import path, register_converter

from . import views


class TokenConverter:
    regex = r"[A-Za-z0-9_-]{8,32}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class ImageFormatConverter:
    regex = r"png|svg"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(TokenConverter, "token")
register_converter(ImageFormatConverter, "imgfmt")

app_name = "market"

urlpatterns = [
    # The vendor's own page, public to whoever holds its key.
    path("v/", views.vendor_me, name="vendor_me"),
    path("v/<token:token>/", views.vendor_page, name="vendor_page"),
    path("v/<token:token>/qr.<imgfmt:fmt>", views.vendor_qr, name="vendor_qr"),
    path(
        "v/<token:token>/a/<int:account_id>/qr.<imgfmt:fmt>",
        views.vendor_qr,
        name="account_qr",
    ),
    # Officer pages.
    path("cho/", views.market_list, name="market_list"),
    path("cho/<int:pk>/", views.market_detail, name="market_detail"),
    path("cho/<int:pk>/ap-phich.pdf", views.market_posters, name="market_posters"),
    path("cho/<int:pk>/nguoi-ban.xlsx", views.market_export, name="market_export"),
    path("cho/<int:pk>/nhap/", views.market_import, name="market_import"),
    # The market workspace on a phone: officers, and volunteers of the market's village.
    path("cho/<int:pk>/nguoi-ban-moi/", views.vendor_new, name="vendor_new"),
    path("cho/nguoi-ban/<int:pk>/", views.vendor_workspace, name="vendor_workspace"),
    path("cho/nguoi-ban/<int:pk>/trao-trang/", views.vendor_handover, name="vendor_handover"),
    path("cho/nguoi-ban/<int:pk>/trang-thai/", views.vendor_status, name="vendor_status"),
    # Follow-ups: "is the vendor still receiving transfers?" (officers and volunteers)
    path("cho/theo-doi/", views.followups, name="followups"),
    path("cho/<int:pk>/theo-doi/", views.followups, name="market_followups"),
    path("cho/nguoi-ban/<int:pk>/ap-phich.pdf", views.vendor_posters, name="vendor_posters"),
    path(
        "cho/nguoi-ban/<int:pk>/them-tai-khoan/",
        views.vendor_account_add,
        name="vendor_account_add",
    ),
    path("cho/nguoi-ban/<int:pk>/doi-lien-ket/", views.vendor_reissue, name="vendor_reissue"),
    # the vendor (signed in) or an officer: the ceiling of amounts, the price-tag sheet
    path("cho/nguoi-ban/<int:pk>/muc-xac-nhan/", views.vendor_ceiling, name="vendor_ceiling"),
    path("cho/nguoi-ban/<int:pk>/the-gia/", views.vendor_price_tags, name="vendor_price_tags"),
]
