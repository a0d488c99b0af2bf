"""An account another vendor holds is refused at every door (issue 11, item 4).

A photo of a neighbour's code makes a poster that pays the neighbour: the
services refuse the account with a message naming the other vendor (only if the
officer may see them), and an officer may save it anyway only with a written
reason, which the vendor's history keeps.
"""

import io

import pytest
import qrcode
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from core.models import AuditEntry
from market import banking, selectors, services, spreadsheets, vietqr
from market.models import Bank, PaymentAccount
from market.services import AccountData
from tests.core.test_audit import admin_form_data

pytestmark = pytest.mark.django_db

NEIGHBOUR = "2023456789"  # vendor_b's Vietcombank account (tests/market/conftest.py)
REASON = "Hai vợ chồng cùng bán, dùng chung một tài khoản"


def _data(bank, number=NEIGHBOUR, **extra) -> AccountData:
    return AccountData(bank=bank, account_number=number, holder_name="Lê Thị Bưởi", **extra)


def _account_entries(vendor):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(PaymentAccount), owner_id=str(vendor.pk)
    )


# ------------------------------------------------------------------ the service


def test_another_vendors_account_is_refused_naming_that_vendor(vendor_a, vendor_b, vcb, officer):
    entries = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as info:
        services.account_add(vendor=vendor_a, data=_data(vcb), actor=officer)
    (message, hint) = info.value.message_dict["account_number"]
    assert "Đặng Văn Ước" in message and "Chợ Làng Kte" in message
    assert "đã là tài khoản của" in message
    assert "lý do" in hint.lower()
    assert vendor_a.accounts.count() == 2
    assert AuditEntry.objects.count() == entries  # nothing half-saved


@pytest.mark.parametrize(
    "number", ["2023 456 789", "2023-456-789", "2023.456.789", "\u00a02023456789 "]
)
def test_the_same_account_written_otherwise_is_the_same_account(vendor_a, vendor_b, vcb, number):
    assert banking.clean_account_number(number) == NEIGHBOUR
    with pytest.raises(ValidationError, match="Đặng Văn Ước"):
        services.account_add(vendor=vendor_a, data=_data(vcb, number), actor=None)


def test_letters_in_any_case_are_the_same_account(vendor_a, market_b, officer):
    bidv = Bank.objects.get(bin="970418")
    services.vendor_register(
        market=market_b,
        full_name="Siu Thị Nga",
        stall="B9",
        accounts=[_data(bidv, "V0000DEMO0001")],
        actor=None,
    )
    with pytest.raises(ValidationError, match="Siu Thị Nga"):
        services.account_add(vendor=vendor_a, data=_data(bidv, "v0000demo0001"), actor=officer)


def test_the_same_number_at_another_bank_is_another_account(vendor_a, vendor_b, officer):
    services.account_add(vendor=vendor_a, data=_data(Bank.objects.get(bin="970415")), actor=officer)
    assert vendor_a.accounts.filter(account_number=NEIGHBOUR).exists()


def test_a_vendor_of_another_commune_is_not_named(vendor_a, vcb, officer, other_village):
    elsewhere = services.market_create(village=other_village, name="Chợ Ia Boòng", actor=None)
    services.vendor_register(
        market=elsewhere,
        full_name="Nay Thị Bí Mật",
        accounts=[_data(vcb, "5550001111")],
        actor=None,
    )
    with pytest.raises(ValidationError) as info:
        services.account_add(vendor=vendor_a, data=_data(vcb, "5550001111"), actor=officer)
    text = " ".join(info.value.messages)
    assert "một người bán ở xã khác" in text
    assert "Nay Thị Bí Mật" not in text and "Ia Boòng" not in text


def test_a_branch_secretary_is_not_told_who_in_another_village(vendor_a, vendor_b, secretary_a):
    (holder,) = selectors.holders_of("970436", NEIGHBOUR, user=secretary_a)
    assert not holder.visible
    message = services.held_elsewhere_message(holder, commune_id=vendor_a.market.village.commune_id)
    assert "Đặng Văn Ước" not in message and "thôn khác" in message


def test_an_officer_may_confirm_with_a_written_reason_kept_in_the_history(
    vendor_a, vendor_b, vcb, officer
):
    account = services.account_add(
        vendor=vendor_a, data=_data(vcb), actor=officer, override_reason=f"  {REASON} "
    )
    assert account.account_number == NEIGHBOUR
    entry = _account_entries(vendor_a).get(object_id=str(account.pk))
    assert entry.action == "create" and entry.actor == officer
    assert REASON in entry.note


@pytest.mark.parametrize("reason", ["vợ chồng", "   ", "x" * 14])
def test_a_reason_too_short_is_refused(vendor_a, vendor_b, vcb, officer, reason):
    with pytest.raises(ValidationError):
        services.account_add(
            vendor=vendor_a, data=_data(vcb), actor=officer, override_reason=reason
        )
    assert not vendor_a.accounts.filter(account_number=NEIGHBOUR).exists()


@pytest.mark.parametrize("persona", ["volunteer", "vendor", "secretary_a", None])
def test_only_an_officer_may_confirm(request, vendor_a, vendor_b, vcb, persona):
    actor = request.getfixturevalue(persona) if persona else None
    with pytest.raises(ValidationError) as info:
        services.account_add(vendor=vendor_a, data=_data(vcb), actor=actor, override_reason=REASON)
    assert "override_reason" in info.value.message_dict
    assert not vendor_a.accounts.filter(account_number=NEIGHBOUR).exists()


# ------------------------------------------------------------------ every door


def _add_row(data: dict, bank, number: str, reason: str = "") -> dict:
    index = int(data["accounts-TOTAL_FORMS"])
    data.update(
        {
            "accounts-TOTAL_FORMS": str(index + 1),
            f"accounts-{index}-bank": str(bank.pk),
            f"accounts-{index}-account_number": number,
            f"accounts-{index}-holder_name": "Lê Thị Bưởi",
            f"accounts-{index}-override_reason": reason,
        }
    )
    return data


def test_the_admin_inline_refuses_it_then_takes_it_with_a_reason(
    client, officer, vendor_a, vendor_b, vcb
):
    client.force_login(officer)
    url = f"/admin/market/vendor/{vendor_a.pk}/change/"
    data = _add_row(admin_form_data(client.get(url)), vcb, "2023 456-789")
    refused = client.post(url, data)
    assert refused.status_code == 200  # the form again, with the error on the row
    html = refused.content.decode()
    assert "Đặng Văn Ước" in html and "Lý do" in html
    assert vendor_a.accounts.count() == 2
    index = int(data["accounts-TOTAL_FORMS"]) - 1
    data[f"accounts-{index}-override_reason"] = REASON
    saved = client.post(url, data)
    assert saved.status_code == 302
    account = vendor_a.accounts.get(account_number=NEIGHBOUR)
    assert REASON in _account_entries(vendor_a).get(object_id=str(account.pk)).note


def test_changing_an_account_in_the_admin_to_anothers_is_refused(
    client, officer, vendor_a, vendor_b
):
    client.force_login(officer)
    url = f"/admin/market/vendor/{vendor_a.pk}/change/"
    data = admin_form_data(client.get(url))
    index = next(i for i in range(2) if data[f"accounts-{i}-account_number"] == "1023456789")
    data[f"accounts-{index}-account_number"] = NEIGHBOUR
    assert client.post(url, data).status_code == 200
    assert not vendor_a.accounts.filter(account_number=NEIGHBOUR).exists()
    # editing other fields of an account leaves it alone
    data = admin_form_data(client.get(url))
    data[f"accounts-{index}-label"] = "Vietcombank"
    assert client.post(url, data).status_code == 302


def test_a_new_vendor_in_the_admin_with_anothers_account_is_refused(
    client, officer, market_a, vendor_b, vcb
):
    client.force_login(officer)
    data = {
        "market": market_a.pk,
        "full_name": "Người Mới",
        "stall": "N1",
        "village": market_a.village_id,
        "status": "not_yet",
        "amount_ceiling": "10000000",
        "accounts-TOTAL_FORMS": "0",
        "accounts-INITIAL_FORMS": "0",
        "status_changes-TOTAL_FORMS": "0",
        "status_changes-INITIAL_FORMS": "0",
    }
    _add_row(data, vcb, NEIGHBOUR)
    response = client.post("/admin/market/vendor/add/", data)
    assert response.status_code == 200 and "Đặng Văn Ước" in response.content.decode()
    assert not market_a.vendors.filter(stall="N1").exists()


def test_the_phone_form_refuses_it_and_then_offers_the_reason(
    client, officer, vendor_a, vendor_b, vcb
):
    client.force_login(officer)
    url = f"/cho/nguoi-ban/{vendor_a.pk}/them-tai-khoan/"
    post = {"bank": vcb.bin, "account_number": NEIGHBOUR, "holder_name": "Lê Thị Bưởi", "save": "1"}
    refused = client.post(url, post)
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "Đặng Văn Ước" in html
    assert '<textarea name="override_reason"' in html  # the reason box, now offered
    assert client.post(url, {**post, "override_reason": REASON}).status_code == 302
    assert vendor_a.accounts.filter(account_number=NEIGHBOUR).exists()


def test_a_photo_of_the_neighbours_code_is_read_but_not_saved(
    client, officer, vendor_a, vendor_b, vcb
):
    buffer = io.BytesIO()
    qrcode.make(vietqr.build(bin="970436", account=NEIGHBOUR)).save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = "ma.png"
    client.force_login(officer)
    url = f"/cho/nguoi-ban/{vendor_a.pk}/them-tai-khoan/"
    read = client.post(url, {"photo": buffer, "read": "1", "holder_name": "Lê Thị Bưởi"})
    initial = read.context["form"].initial
    saved = client.post(
        url,
        {
            "bank": initial["bank"],
            "account_number": initial["account_number"],
            "holder_name": "Lê Thị Bưởi",
            "save": "1",
        },
    )
    assert saved.status_code == 400 and "Đặng Văn Ước" in saved.content.decode()
    assert vendor_a.accounts.count() == 2


def test_the_import_shows_it_as_a_row_error(client, officer, market_a, vendor_b):
    csv = (
        "Họ và tên,Quầy,Ngân hàng,Số tài khoản,Chủ tài khoản\n"
        "Mới Một,M1,Vietcombank,2023-456-789,Moi Mot\n"
        "Mới Hai,M2,Vietcombank,3033456789,Moi Hai\n"
    ).encode()
    rows = spreadsheets.check_rows(spreadsheets.read_rows(csv, "a.csv"), market_a, user=officer)
    assert [r.ok for r in rows] == [False, True]
    assert "Đặng Văn Ước" in rows[0].errors[0]
    upload = io.BytesIO(csv)
    upload.name = "a.csv"
    client.force_login(officer)
    preview = client.post(f"/cho/{market_a.pk}/nhap/", {"file": upload})
    assert "Đặng Văn Ước" in preview.content.decode()
    client.post(
        f"/cho/{market_a.pk}/nhap/", {"import_id": preview.context["import_id"], "confirm": "clean"}
    )
    assert not PaymentAccount.objects.filter(account_number=NEIGHBOUR, vendor__market=market_a)
    assert market_a.vendors.filter(stall="M2").exists()
