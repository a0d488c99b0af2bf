import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError

from market import qr, services
from market.models import Bank, PaymentAccount, Vendor, VendorStatusChange
from market.services import AccountData

pytestmark = pytest.mark.django_db


def test_bank_directory_is_loaded_with_current_names():
    assert Bank.objects.count() == 71
    assert Bank.objects.get(bin="970406").short_name == "Vikki Bank"
    assert Bank.objects.get(bin="970414").short_name == "MBV"
    assert Bank.objects.get(bin="970454").short_name == "BVBank"
    assert Bank.objects.get(bin="971025").short_name == "MoMo"


def test_bank_style_names():
    assert services.bank_style_name("  Lê Thị   Bưởi ") == "LE THI BUOI"
    assert services.bank_style_name("Đặng Văn Ước") == "DANG VAN UOC"


def test_register_keeps_status_history_and_makes_a_long_random_key(market_a, vcb, officer):
    vendor = services.vendor_register(
        market=market_a,
        full_name="  Nguyễn   Thị Hồng ",
        stall="A1",
        accounts=[AccountData(bank=vcb, account_number="123456789", holder_name="Nguyễn Thị Hồng")],
        actor=officer,
    )
    assert vendor.full_name == "Nguyễn Thị Hồng"
    assert vendor.village == market_a.village
    assert len(vendor.token) >= 16  # 12 random bytes = 96 bits
    account = vendor.accounts.get()
    assert (account.holder_name, account.is_primary) == ("NGUYEN THI HONG", True)
    services.vendor_set_status(vendor=vendor, status=Vendor.Status.ONBOARDING, actor=officer)
    services.vendor_update(vendor=vendor, status=Vendor.Status.CASHLESS, actor=officer)
    history = list(vendor.status_changes.values_list("status", flat=True))
    assert history == ["not_yet", "onboarding", "cashless"]
    assert vendor.status_changed_at == vendor.status_changes.last().changed_at


def test_tokens_differ(market_a):
    tokens = {services.new_token() for _ in range(1000)}
    assert len(tokens) == 1000


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("1234/5678", "chữ cái và chữ số"),
        ("12345678901234567890", "19"),
        ("123#456", "chữ cái và chữ số"),
    ],
)
def test_bad_account_numbers_are_refused_in_vietnamese(vendor_a, vcb, number, message):
    with pytest.raises(ValidationError) as info:
        services.account_add(
            vendor=vendor_a,
            data=AccountData(bank=vcb, account_number=number, holder_name="X"),
            actor=None,
        )
    assert message in " ".join(info.value.messages)
    assert vendor_a.accounts.count() == 2


def test_one_primary_account(vendor_a, vcb):
    first = vendor_a.accounts.get(is_primary=True)
    new = services.account_add(
        vendor=vendor_a,
        data=AccountData(
            bank=vcb, account_number="99999999", holder_name="Le Thi Buoi", is_primary=True
        ),
        actor=None,
    )
    assert list(vendor_a.accounts.filter(is_primary=True)) == [new]
    first.refresh_from_db()
    assert not first.is_primary


def test_the_same_account_twice_is_refused(vendor_a, vcb):
    with pytest.raises(ValidationError):
        services.account_add(
            vendor=vendor_a,
            data=AccountData(bank=vcb, account_number="1023456789", holder_name="X"),
            actor=None,
        )


def test_reissuing_the_key_revokes_the_old_one_and_its_cached_images(
    vendor_a, officer, django_capture_on_commit_callbacks
):
    old = vendor_a.token
    image = qr.render(vendor_a.accounts.first().payload, "png")
    qr.store(old, "primary", "png", image, stamp=qr.stamp_of(vendor_a.updated_at))
    assert qr.cached(old, "primary", "png") == image
    with django_capture_on_commit_callbacks(execute=True):
        services.vendor_reissue_token(vendor=vendor_a, actor=officer)
    assert vendor_a.token != old
    assert qr.cached(old, "primary", "png") is None
    assert cache.get(qr.stamp_key(old)) == qr.REVOKED
    assert not Vendor.objects.filter(token=old).exists()


def test_stall_numbers_are_unique_in_a_market(market_a):
    services.vendor_register(market=market_a, full_name="A", stall="C1", actor=None)
    with pytest.raises(ValidationError):
        services.vendor_register(market=market_a, full_name="B", stall="c1", actor=None)
    assert Vendor.objects.filter(market=market_a).count() == 1
    assert not VendorStatusChange.objects.filter(vendor__full_name="B").exists()
    assert not PaymentAccount.objects.exists()
