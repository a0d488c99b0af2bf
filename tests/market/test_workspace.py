"""The market workspace on a phone: register a vendor with the first account in one
screen, add accounts, hand over the page, the status in one tap with who helped."""

import base64
import io

import pytest
import qrcode
from django.core.exceptions import ValidationError
from django.utils.html import escape

from core.models import AuditEntry
from kit import qr as kit_qr
from market import services, vietqr
from market.models import PaymentAccount, Vendor, VendorStatusChange
from market.services import AccountData
from tests.factories import VillageFactory
from tests.volunteers.factories import VolunteerFactory

pytestmark = pytest.mark.django_db

NAME = "Nguyễn Thị Hồng Nhung"


def _register_post(**changes) -> dict:
    post = {
        "full_name": NAME,
        "stall": "A7",
        "goods": "Rau củ",
        "phone": "0912 345 678",
        "bank": "VCB",
        "account_number": "1023 4567-89",
        "holder_name": "",
        "holder_confirmed": "on",
        "save": "1",
    }
    post.update(changes)
    post["village"] = changes.get("village", post.get("village"))
    return {k: v for k, v in post.items() if v is not None}


def _image_of(text: str) -> io.BytesIO:
    buffer = io.BytesIO()
    qrcode.make(text).save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = "ma.png"
    return buffer


def _nothing_saved(market) -> bool:
    return (
        not market.vendors.exists()
        and not PaymentAccount.objects.filter(vendor__market=market).exists()
        and not VendorStatusChange.objects.filter(vendor__market=market).exists()
        and not AuditEntry.objects.filter(content_type__model="vendor").exists()
    )


# ------------------------------------------------------------------ services


def test_a_registration_refused_at_the_account_leaves_nothing_behind(market_a, vcb, officer):
    with pytest.raises(ValidationError) as caught:
        services.vendor_register(
            market=market_a,
            full_name=NAME,
            accounts=[AccountData(bank=vcb, account_number="12/34", holder_name=NAME)],
            actor=officer,
        )
    assert "account_number" in caught.value.error_dict
    assert _nothing_saved(market_a)


def test_a_vendor_lives_in_a_village_of_the_markets_commune(market_a, other_village, officer):
    with pytest.raises(ValidationError) as caught:
        services.vendor_register(
            market=market_a, full_name=NAME, village=other_village, actor=officer
        )
    assert "village" in caught.value.error_dict
    assert _nothing_saved(market_a)


def test_a_stall_has_one_vendor(market_a, vendor_a, officer):
    with pytest.raises(ValidationError) as caught:
        services.vendor_register(market=market_a, full_name=NAME, stall="a12", actor=officer)
    assert "stall" in caught.value.error_dict


def test_the_status_history_keeps_who_helped(vendor_a, volunteer_a, officer):
    services.vendor_set_status(
        vendor=vendor_a, status=Vendor.Status.CASHLESS, helped_by=volunteer_a, actor=officer
    )
    change = vendor_a.status_changes.order_by("-changed_at", "-pk").first()
    assert (change.status, change.helped_by, change.changed_by) == (
        "cashless",
        volunteer_a,
        officer,
    )
    vendor_a.refresh_from_db()
    assert vendor_a.status == Vendor.Status.CASHLESS


@pytest.mark.parametrize("which", ["other_village", "inactive"])
def test_the_helper_is_an_active_volunteer_of_the_markets_village(
    vendor_a, village_b, village_a, officer, which
):
    helper = (
        VolunteerFactory(village=village_b)
        if which == "other_village"
        else VolunteerFactory(village=village_a, active=False)
    )
    with pytest.raises(ValidationError) as caught:
        services.vendor_set_status(
            vendor=vendor_a, status=Vendor.Status.CASHLESS, helped_by=helper, actor=officer
        )
    assert "helped_by" in caught.value.error_dict
    vendor_a.refresh_from_db()
    assert vendor_a.status == Vendor.Status.NOT_YET
    assert vendor_a.status_changes.count() == 1


def test_a_helper_who_leaves_keeps_the_history(vendor_a, volunteer_a, officer):
    services.vendor_set_status(
        vendor=vendor_a, status=Vendor.Status.ONBOARDING, helped_by=volunteer_a, actor=officer
    )
    volunteer_a.delete()  # SET_NULL: the status change stays
    assert vendor_a.status_changes.filter(status="onboarding", helped_by=None).exists()


# ------------------------------------------------------------------ registering


def test_the_register_page_offers_the_banks_and_the_communes_villages_only(
    client, officer, market_a, village_b, other_village
):
    client.force_login(officer)
    response = client.get(f"/cho/{market_a.pk}/nguoi-ban-moi/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'list="id_bank-list"' in html and '<datalist id="id_bank-list">' in html
    assert '<option value="Vietcombank (970436)">' in html
    villages = list(response.context["form"].fields["village"].queryset)
    assert market_a.village in villages and village_b in villages
    assert other_village not in villages and "Thôn Hòa Bình" not in html
    assert response.context["form"]["village"].value() == market_a.village_id


def test_registering_a_vendor_and_the_first_account_in_one_post(
    client, officer, market_a, village_b
):
    client.force_login(officer)
    response = client.post(
        f"/cho/{market_a.pk}/nguoi-ban-moi/", _register_post(village=village_b.pk)
    )
    vendor = market_a.vendors.get()
    assert response.status_code == 302
    assert response["Location"] == f"/cho/nguoi-ban/{vendor.pk}/trao-trang/#ma-trang"
    assert (vendor.full_name, vendor.stall, vendor.phone, vendor.village) == (
        NAME,
        "A7",
        "0912345678",
        village_b,
    )
    account = vendor.accounts.get()
    assert (account.bank.bin, account.account_number, account.holder_name) == (
        "970436",
        "1023456789",  # spaces and dashes stripped
        "NGUYEN THI HONG NHUNG",  # the vendor's name in bank style, left empty
    )
    assert account.is_primary and account.holder_confirmed
    assert vendor.status_changes.get().changed_by == officer


def test_save_and_add_another_account_goes_to_the_account_page(client, officer, market_a):
    client.force_login(officer)
    post = _register_post(village=market_a.village_id, another="1", save=None)
    response = client.post(f"/cho/{market_a.pk}/nguoi-ban-moi/", post)
    vendor = market_a.vendors.get()
    assert response["Location"] == f"/cho/nguoi-ban/{vendor.pk}/them-tai-khoan/"


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"full_name": ""}, "full_name", "bắt buộc"),
        ({"bank": "Ngân hàng Ma"}, "bank", "Không có ngân hàng nào tên"),
        ({"bank": "CIMB"}, "bank", "có thể là nhiều ngân hàng"),
        ({"phone": "12345"}, "phone", "số điện thoại Việt Nam"),
        ({"account_number": "12/34"}, "account_number", ""),  # refused by the service
        ({"account_number": ""}, "account_number", "bắt buộc"),
    ],
)
def test_bad_input_is_explained_in_vietnamese_at_the_field_and_at_the_top(
    client, officer, market_a, changes, field, words
):
    client.force_login(officer)
    response = client.post(
        f"/cho/{market_a.pk}/nguoi-ban-moi/", _register_post(village=market_a.village_id, **changes)
    )
    assert response.status_code == 400
    form = response.context["form"]
    error = form.errors[field][0]
    assert words in error
    html = response.content.decode()
    top = html[html.index('id="form-errors"') :]
    assert "Chưa lưu" in top[:400]  # the summary opens the form
    assert f'href="#id_{field}"' in top and escape(error) in top
    assert html.count(escape(error)) >= 2  # at the top and at the field
    assert _nothing_saved(market_a)


def test_an_account_another_vendor_holds_saves_no_vendor(client, officer, market_a, vendor_b):
    client.force_login(officer)
    response = client.post(
        f"/cho/{market_a.pk}/nguoi-ban-moi/",
        _register_post(village=market_a.village_id, account_number="2023456789"),
    )
    assert response.status_code == 400
    assert "Đặng Văn Ước" in response.content.decode()
    assert '<textarea name="override_reason"' in response.content.decode()
    assert not market_a.vendors.exists()


def test_reading_a_photo_fills_bank_and_account_and_saves_nothing(client, officer, market_a):
    client.force_login(officer)
    payload = vietqr.build(bin="970415", account="0011001932418")
    response = client.post(
        f"/cho/{market_a.pk}/nguoi-ban-moi/",
        {
            "full_name": "Lê Văn Tám",
            "stall": "B2",
            "village": market_a.village_id,
            "photo": _image_of(payload),
            "read": "1",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["bank"] == "VietinBank (970415)"
    assert form.initial["account_number"] == "0011001932418"
    assert form.initial["holder_name"] == "LE VAN TAM"
    assert form.initial["full_name"] == "Lê Văn Tám"
    assert not market_a.vendors.exists()
    # what was read resolves when saved
    saved = client.post(
        f"/cho/{market_a.pk}/nguoi-ban-moi/",
        {**{k: v for k, v in form.initial.items() if v}, "save": "1"},
    )
    assert saved.status_code == 302
    assert market_a.vendors.get().accounts.get().bank.bin == "970415"


def test_a_volunteer_of_the_village_registers_a_vendor(client, volunteer, volunteer_a, market_a):
    client.force_login(volunteer)
    url = f"/cho/{market_a.pk}/nguoi-ban-moi/"
    assert client.get(url).status_code == 200
    response = client.post(url, _register_post(village=market_a.village_id))
    assert response.status_code == 302
    assert market_a.vendors.get().status_changes.get().changed_by == volunteer


def test_a_volunteer_cannot_post_a_village_of_another_commune(
    client, volunteer, volunteer_a, market_a, other_village
):
    client.force_login(volunteer)
    response = client.post(
        f"/cho/{market_a.pk}/nguoi-ban-moi/", _register_post(village=other_village.pk)
    )
    assert response.status_code == 400
    assert response.context["form"].errors["village"]
    assert not market_a.vendors.exists()


@pytest.mark.parametrize("who", ["other_village", "no_roster_entry", "inactive", "secretary"])
def test_others_find_no_workspace(client, request, market_a, vendor_a, village_b, who):
    if who == "secretary":
        user = request.getfixturevalue("secretary_a")
    else:
        user = request.getfixturevalue("volunteer")
        if who == "other_village":
            VolunteerFactory(village=village_b, user=user)
        elif who == "inactive":
            VolunteerFactory(village=market_a.village, user=user, active=False)
    client.force_login(user)
    for url in (
        f"/cho/{market_a.pk}/nguoi-ban-moi/",
        f"/cho/nguoi-ban/{vendor_a.pk}/",
        f"/cho/nguoi-ban/{vendor_a.pk}/trao-trang/",
        f"/cho/nguoi-ban/{vendor_a.pk}/trang-thai/",
        f"/cho/nguoi-ban/{vendor_a.pk}/them-tai-khoan/",
    ):
        assert client.get(url).status_code == 404, (who, url)
    response = client.post(
        f"/cho/nguoi-ban/{vendor_a.pk}/trang-thai/", {"status": Vendor.Status.CASHLESS}
    )
    assert response.status_code == 404
    assert client.post(f"/cho/{market_a.pk}/nguoi-ban-moi/", _register_post()).status_code == 404
    vendor_a.refresh_from_db()
    assert vendor_a.status == Vendor.Status.NOT_YET and market_a.vendors.count() == 1


def test_a_volunteer_sees_the_market_page_without_the_officer_tools(
    client, volunteer, volunteer_a, market_a, vendor_a
):
    client.force_login(volunteer)
    html = client.get(f"/cho/{market_a.pk}/").content.decode()
    assert f"/cho/{market_a.pk}/nguoi-ban-moi/" in html
    assert f"/cho/nguoi-ban/{vendor_a.pk}/" in html
    assert "nguoi-ban.xlsx" not in html and "/nhap/" not in html and "/admin/" not in html
    assert client.get(f"/cho/{market_a.pk}/nguoi-ban.xlsx").status_code == 404


def test_the_officers_market_page_links_the_workspace(client, officer, market_a, vendor_a):
    client.force_login(officer)
    html = client.get(f"/cho/{market_a.pk}/").content.decode()
    assert f'href="/cho/{market_a.pk}/nguoi-ban-moi/"' in html
    assert f'href="/cho/nguoi-ban/{vendor_a.pk}/"' in html
    assert f'href="/cho/nguoi-ban/{vendor_a.pk}/trao-trang/#ma-trang"' in html


# ------------------------------------------------------------------ accounts


def test_another_account_is_added_the_same_way(client, volunteer, volunteer_a, vendor_a):
    client.force_login(volunteer)
    url = f"/cho/nguoi-ban/{vendor_a.pk}/them-tai-khoan/"
    page = client.get(url)
    assert page.context["form"]["holder_name"].value() == "LE THI BUOI"
    response = client.post(
        url,
        {
            "bank": "acb",
            "account_number": "2576-788 59",
            "holder_name": "LE THI BUOI",
            "holder_confirmed": "on",
            "save": "1",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/cho/nguoi-ban/{vendor_a.pk}/"
    assert vendor_a.accounts.filter(bank__bin="970416", account_number="257678859").exists()


def test_a_volunteer_may_not_confirm_an_account_another_vendor_holds(
    client, volunteer, volunteer_a, vendor_a, vendor_b
):
    client.force_login(volunteer)
    response = client.post(
        f"/cho/nguoi-ban/{vendor_a.pk}/them-tai-khoan/",
        {
            "bank": "970436",
            "account_number": "2023456789",
            "holder_name": "X",
            "override_reason": "Cùng một gia đình bán chung quầy",
            "save": "1",
        },
    )
    assert response.status_code == 400
    assert '<textarea name="override_reason"' not in response.content.decode()
    assert vendor_a.accounts.count() == 2


# ------------------------------------------------------------------ hand-over


def test_the_hand_over_page_shows_the_link_as_a_big_code(client, officer, vendor_a):
    client.force_login(officer)
    response = client.get(f"/cho/nguoi-ban/{vendor_a.pk}/trao-trang/")
    assert response.status_code == 200
    link = f"http://testserver/v/{vendor_a.token}/"
    html = response.content.decode()
    assert response.context["link"] == link
    assert f'value="{link}" readonly' in html  # selectable without JavaScript
    prefix = "data:image/svg+xml;base64,"
    assert response.context["qr"].startswith(prefix)
    svg = base64.b64decode(response.context["qr"].removeprefix(prefix))
    assert svg == kit_qr.render(link, "svg").content
    assert "data-copy" in html and "data-share" in html  # shown by the script
    assert "js/handover." in html and "<script>" not in html
    assert f'href="/cho/nguoi-ban/{vendor_a.pk}/ap-phich.pdf"' in html


def test_no_poster_link_before_the_holder_is_confirmed(client, officer, market_a, vcb):
    vendor = services.vendor_register(
        market=market_a,
        full_name=NAME,
        accounts=[AccountData(bank=vcb, account_number="55555555", holder_name=NAME)],
        actor=None,
    )
    client.force_login(officer)
    html = client.get(f"/cho/nguoi-ban/{vendor.pk}/trao-trang/").content.decode()
    assert "ap-phich.pdf" not in html
    assert "Xác nhận tên chủ tài khoản" in html or "xác nhận" in html.lower()


def test_a_volunteer_prints_the_poster_of_their_villages_vendor(
    client, volunteer, volunteer_a, vendor_a
):
    client.force_login(volunteer)
    response = client.get(f"/cho/nguoi-ban/{vendor_a.pk}/ap-phich.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


# ------------------------------------------------------------------ status


def test_status_in_one_tap_with_who_helped(client, volunteer, volunteer_a, teammate_a, vendor_a):
    client.force_login(volunteer)
    url = f"/cho/nguoi-ban/{vendor_a.pk}/trang-thai/"
    page = client.get(url)
    html = page.content.decode()
    assert html.count('name="status"') == 3
    assert list(page.context["form"].fields["helped_by"].queryset) == [teammate_a, volunteer_a]
    assert page.context["form"]["helped_by"].value() == volunteer_a.pk  # themselves, at first
    response = client.post(url, {"status": "cashless", "helped_by": teammate_a.pk})
    assert response.status_code == 302
    vendor_a.refresh_from_db()
    assert vendor_a.status == Vendor.Status.CASHLESS
    change = vendor_a.status_changes.get(status="cashless")
    assert (change.helped_by, change.changed_by) == (teammate_a, volunteer)
    history = client.get(url).content.decode()
    assert "Ksor Y Bim hỗ trợ" in history and "Đã dùng không tiền mặt" in history


def test_a_helper_of_another_village_cannot_be_posted(
    client, officer, vendor_a, volunteer_b, volunteer_a
):
    client.force_login(officer)
    url = f"/cho/nguoi-ban/{vendor_a.pk}/trang-thai/"
    assert "Rơ Châm Thuận" not in client.get(url).content.decode()
    response = client.post(url, {"status": "cashless", "helped_by": volunteer_b.pk})
    assert response.status_code == 400
    assert response.context["form"].errors["helped_by"]
    assert 'id="form-errors"' in response.content.decode()
    vendor_a.refresh_from_db()
    assert vendor_a.status == Vendor.Status.NOT_YET


def test_an_unknown_status_is_refused(client, officer, vendor_a):
    client.force_login(officer)
    response = client.post(f"/cho/nguoi-ban/{vendor_a.pk}/trang-thai/", {"status": "paid"})
    assert response.status_code == 400
    vendor_a.refresh_from_db()
    assert vendor_a.status == Vendor.Status.NOT_YET


# ------------------------------------------------------------------ query counts


def test_the_status_page_costs_the_same_with_a_long_history(
    client, officer, vendor_a, volunteer_a, teammate_a, django_assert_max_num_queries
):
    client.force_login(officer)
    url = f"/cho/nguoi-ban/{vendor_a.pk}/trang-thai/"
    client.get(url)
    with django_assert_max_num_queries(99) as few:
        client.get(url)
    for n in range(6):
        status = ["onboarding", "cashless"][n % 2]
        services.vendor_set_status(
            vendor=vendor_a,
            status=status,
            helped_by=[volunteer_a, teammate_a][n % 2],
            actor=officer,
        )
    with django_assert_max_num_queries(len(few)):
        response = client.get(url)
    assert response.content.decode().count('class="record"') == 7


@pytest.mark.parametrize(
    ("path", "queries"),
    [
        # session, user, permissions (2), groups (the scope), the vendor, its accounts,
        # the menu's "my QR page" (user.vendor)
        ("/cho/nguoi-ban/{pk}/", 8),
        ("/cho/nguoi-ban/{pk}/trao-trang/", 8),
        # and the village's volunteers to pick, whether the user is one of them (picked
        # at first), the history (with who changed and helped)
        ("/cho/nguoi-ban/{pk}/trang-thai/", 11),
        # and the banks
        ("/cho/nguoi-ban/{pk}/them-tai-khoan/", 9),
    ],
)
def test_workspace_pages_in_a_fixed_number_of_queries(
    client, officer, vendor_a, django_assert_num_queries, path, queries
):
    client.force_login(officer)
    url = path.format(pk=vendor_a.pk)
    client.get(url)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


def test_the_register_page_in_a_fixed_number_of_queries(
    client, officer, market_a, vendor_a, village_b, django_assert_num_queries
):
    client.force_login(officer)
    url = f"/cho/{market_a.pk}/nguoi-ban-moi/"
    client.get(url)
    # session, user, permissions (2), groups, the market, the banks, the villages,
    # the menu's "my QR page"
    with django_assert_num_queries(9):
        client.get(url)
    VillageFactory.create_batch(5, commune=market_a.village.commune)
    with django_assert_num_queries(9):
        response = client.get(url)
    assert len(response.context["form"].fields["village"].queryset) == 7
