import pytest

from core.roles import Role
from market.models import Bank
from market.services import AccountData, market_create, vendor_register
from tests.factories import UserFactory


@pytest.fixture
def vcb(db):
    return Bank.objects.get(bin="970436")


@pytest.fixture
def market_a(village_a):
    return market_create(village=village_a, name="Chợ tạm Thôn 3", actor=None)


@pytest.fixture
def market_b(village_b):
    return market_create(village=village_b, name="Chợ Làng Kte", actor=None)


@pytest.fixture
def vendor_a(market_a, vcb, vendor):
    """The vendor persona's stall at market A, with a Vietcombank and a MoMo account."""
    v = vendor_register(
        market=market_a,
        full_name="Lê Thị Bưởi",
        stall="A12",
        goods="Trái cây",
        accounts=[
            AccountData(
                bank=vcb,
                account_number="1023456789",
                holder_name="Lê Thị Bưởi",
                holder_confirmed=True,
            ),
            AccountData(
                bank=Bank.objects.get(bin="971025"),
                account_number="0912345678",
                holder_name="Lê Thị Bưởi",
                label="MoMo",
                holder_confirmed=True,
            ),
        ],
        actor=None,
    )
    v.user = vendor
    v.save(update_fields=["user"])
    return v


@pytest.fixture
def vendor_b_user(village_b):
    return UserFactory(username="tieuthuong_b", role=Role.VENDOR, village=village_b)


@pytest.fixture
def vendor_b(market_b, vcb, vendor_b_user):
    v = vendor_register(
        market=market_b,
        full_name="Đặng Văn Ước",
        stall="B01",
        accounts=[
            AccountData(
                bank=vcb,
                account_number="2023456789",
                holder_name="Đặng Văn Ước",
                holder_confirmed=True,
            )
        ],
        actor=None,
    )
    v.user = vendor_b_user
    v.save(update_fields=["user"])
    return v
