"""Demo markets and vendors for the embedded default (idempotent: matched by market name and stall).

The demo tells the program's story: vendors onboarded month by month since June
2023, each with the status history that got them there; 18 of the 25 take
cashless payment (72%, "more than 70%"), 11 of them confirmed receiving transfers
by a follow-up in the last 90 days, one answered "no" (no signal), one stopped
(fees) and is back to "not yet", and a few follow-ups are due. Nguyễn Thị Hồng
(A01) can sign in with a demo password; Rơ Mah H'Bia (A02) has two banks and a wallet.

The account numbers are fictional on purpose. They must never be a public
example's (shared/VIETQR.md's reference payloads, a bank's sample code, a
README example): such a number may be a real person's account, and a printed
demo poster would send them money. Every demo number starts with six zeros,
which no bank or wallet issues (wallet accounts are phone numbers, and no phone
number starts 000); they still make valid VietQR codes. A test holds this.
"""

import datetime
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone

from core.demo import demo_user
from core.models import Commune
from core.roles import Role

from . import services
from .models import Bank, Market, Vendor, VendorFollowUp

MARKETS = [
    ("T01", "Trung tâm thương mại xã Chư Prông", "Đường Hùng Vương, Thôn 1"),
    ("T03", "Chợ tạm Thôn 3", "Sân văn hóa Thôn 3"),
]
# What every demo account number looks like (see above): six zeros, then digits.
FICTIONAL_ACCOUNT = r"000000\d{4}"
VENDOR_USERNAME = "tieuthuong"  # the vendor who signs in (with a demo password)

YES, NO, STOPPED = (
    VendorFollowUp.Answer.YES,
    VendorFollowUp.Answer.NO,
    VendorFollowUp.Answer.STOPPED,
)
R = VendorFollowUp.Reason


class DemoVendor(NamedTuple):
    market: int  # index in MARKETS
    stall: str
    name: str
    goods: str
    month: str  # "YYYY-MM": registered on the 3rd, onboarding on the 10th, cashless on the 20th
    reached: str  # how far onboarding got: "not_yet", "onboarding" or "cashless"
    accounts: list[tuple[str, str, str]]  # (BIN, account number, label)
    followups: list[tuple[int, str, str]] = []  # (days ago, answer, reason), oldest first


# fmt: off
VENDORS = [
    DemoVendor(0, "A01", "Nguyễn Thị Hồng", "Rau củ quả", "2023-06", "cashless",
               [("970436", "0000001001", "")], [(200, YES, ""), (25, YES, "")]),
    DemoVendor(0, "A02", "Rơ Mah H'Bia", "Cà phê, hồ tiêu", "2023-07", "cashless",
               [("970405", "0000002001", ""), ("970415", "0000002003", ""),
                ("971025", "0000002002", "MoMo")], [(150, YES, ""), (40, YES, "")]),
    DemoVendor(0, "A03", "Trần Văn Đức", "Thịt heo", "2023-08", "cashless",
               [("970422", "0000003001", "")], [(100, YES, "")]),
    DemoVendor(0, "A04", "Phạm Thị Ngọc Ánh", "Tạp hóa", "2023-10", "cashless",
               [("970418", "0000006001", "")], [(60, YES, "")]),
    DemoVendor(0, "A05", "Ksor H'Lan", "Gạo, nếp", "2023-11", "cashless",
               [("970436", "0000007001", "")], [(10, NO, R.NO_SIGNAL)]),
    DemoVendor(0, "A06", "Hoàng Văn Nam", "Cá khô", "2024-01", "cashless",
               [("970415", "0000008001", "")]),
    DemoVendor(0, "A07", "Đinh Thị Mai", "Quần áo", "2024-03", "cashless",
               [("970422", "0000009001", "")], [(45, YES, "")]),
    DemoVendor(0, "A08", "Lê Văn Tùng", "Điện thoại, sim thẻ", "2024-05", "cashless",
               [("970448", "0000001011", "")], [(300, YES, ""), (70, YES, "")]),
    DemoVendor(0, "B01", "Kpă Thị Lan", "Vải thổ cẩm", "2024-06", "not_yet", []),
    DemoVendor(0, "B02", "Nay H'Nhi", "Măng, rau rừng", "2024-08", "cashless",
               [("971005", "0000001111", "ViettelMoney")]),
    DemoVendor(0, "B03", "Võ Thị Thu", "Bánh mì", "2024-09", "cashless",
               [("970436", "0000001211", "")], [(200, YES, ""), (45, STOPPED, R.FEES)]),
    DemoVendor(0, "B04", "Nguyễn Văn Hải", "Giày dép", "2025-01", "cashless",
               [("970418", "0000001311", "")], [(30, YES, "")]),
    DemoVendor(0, "B05", "Rah Lan Thị Hoa", "Chè, bánh", "2025-04", "onboarding",
               [("970405", "0000001411", "")]),
    DemoVendor(0, "B06", "Trương Thị Lệ", "Hoa quả", "2025-06", "cashless",
               [("970436", "0000001511", "")], [(15, YES, "")]),
    DemoVendor(0, "B07", "Y Sun Niê", "Thuốc nam", "2026-01", "not_yet", []),
    DemoVendor(1, "01", "Lê Thị Bưởi", "Trái cây", "2024-02", "cashless",
               [("970415", "0000004001", "")], [(20, YES, "")]),
    DemoVendor(1, "02", "Đặng Văn Ước", "Cá đồng", "2024-11", "cashless",
               [("970418", "0000005001", "")]),
    DemoVendor(1, "03", "Siu Thị Nga", "Bánh, kẹo", "2025-03", "onboarding", []),
    DemoVendor(1, "04", "Rơ Châm H'Yên", "Gà, vịt", "2025-08", "cashless",
               [("970405", "0000001611", "")], [(50, YES, "")]),
    DemoVendor(1, "05", "Phan Văn Lợi", "Thịt bò", "2025-09", "cashless",
               [("970436", "0000001711", "")]),
    DemoVendor(1, "06", "Ksor Y Blu", "Đồ nhựa", "2025-11", "cashless",
               [("971025", "0000001811", "MoMo")], [(35, YES, "")]),
    DemoVendor(1, "07", "Đỗ Thị Hạnh", "Bún, phở", "2026-03", "cashless",
               [("970422", "0000001911", "")]),
    DemoVendor(1, "08", "H'Mai Ayun", "Rượu cần", "2026-05", "cashless",
               [("970415", "0000002011", "")], [(5, YES, "")]),
    DemoVendor(1, "09", "Trần Văn Bình", "Sửa xe", "2026-07", "not_yet", []),
    DemoVendor(1, "10", "Lò Thị Xuân", "Đậu, mè", "2026-09", "not_yet", []),
]
# fmt: on


def _on(month: str, day: int) -> datetime.datetime:
    year, number = (int(part) for part in month.split("-"))
    return timezone.make_aware(
        datetime.datetime.combine(datetime.date(year, number, day), datetime.time(9))
    )


@transaction.atomic
def demo_load(commune: Commune, *, vendor_password: str | None = None) -> int:
    """Load the demo markets and vendors of ``commune``; with ``vendor_password`` the
    first vendor can sign in as ``VENDOR_USERNAME``. Returns the number of vendors."""
    villages = {v.code: v for v in commune.villages.all()}
    markets = []
    for code, name, address in MARKETS:
        market = Market.objects.filter(village__commune=commune, name=name).first()
        if market is None:
            market = services.market_create(
                village=villages[code], name=name, address=address, actor=None
            )
        markets.append(market)
    for data in VENDORS:
        market = markets[data.market]
        if not Vendor.objects.filter(market=market, stall=data.stall).exists():
            _vendor(market, data)
    if vendor_password:
        _demo_user(Vendor.objects.get(market=markets[0], stall=VENDORS[0].stall), vendor_password)
    return Vendor.objects.filter(market__in=markets).count()


def _vendor(market: Market, data: DemoVendor) -> None:
    """Register the vendor as it happened: its status history, then its follow-ups."""
    registered = _on(data.month, 3)
    vendor = services.vendor_register(
        market=market,
        full_name=data.name,
        stall=data.stall,
        goods=data.goods,
        onboarded_by="Đoàn viên Chi đoàn Thôn 3" if data.market else "Tổ công nghệ số cộng đồng",
        accounts=[
            services.AccountData(
                bank=Bank.objects.get(bin=bin_),
                account_number=number,
                holder_name=data.name,
                label=label,
                holder_confirmed=True,
            )
            for bin_, number, label in data.accounts
        ],
        actor=None,
        at=registered,
    )
    # demo only: the record was made when the story says, not today (reports count it so)
    Vendor.objects.filter(pk=vendor.pk).update(created_at=registered)
    steps = [(Vendor.Status.ONBOARDING, 10), (Vendor.Status.CASHLESS, 20)]
    for status, day in steps[: ["not_yet", "onboarding", "cashless"].index(data.reached)]:
        services.vendor_set_status(
            vendor=vendor, status=status, actor=None, at=_on(data.month, day)
        )
    now = timezone.now()
    for days_ago, answer, reason in data.followups:
        services.followup_answer(
            vendor=vendor,
            answer=answer,
            reason=reason,
            actor=None,
            at=now - datetime.timedelta(days=days_ago),
        )


def _demo_user(vendor: Vendor, password: str) -> None:
    user = demo_user(
        username=VENDOR_USERNAME,
        role=Role.VENDOR,
        full_name=vendor.full_name,
        password=password,
        village=vendor.market.village,
    )
    if vendor.user_id != user.pk:
        services.vendor_update(vendor=vendor, user=user, actor=None)


SECOND_MARKET = ("HB", "Chợ xã Ia Boòng", "Thôn Hòa Bình, xã Ia Boòng")
SECOND_VENDORS = [
    ("Rơ Châm H'Bia", "A1", "Rau củ", "0071000654321"),
    ("Ksor Thị Lan", "A2", "Cá khô, mắm", "0071000765432"),
    ("Nguyễn Văn Tâm", "B1", "Tạp hóa", ""),
]


@transaction.atomic
def second_commune_load(commune: Commune) -> int:
    """The second commune's market and its three vendors (two take a VietQR code)."""
    code, name, address = SECOND_MARKET
    market = Market.objects.filter(village__commune=commune, name=name).first()
    if market is None:
        village = commune.villages.get(code=code)
        market = services.market_create(village=village, name=name, address=address, actor=None)
    for full_name, stall, goods, account in SECOND_VENDORS:
        if Vendor.objects.filter(market=market, stall=stall).exists():
            continue
        accounts = [
            services.AccountData(
                bank=Bank.objects.get(bin="970436"),
                account_number=account,
                holder_name=full_name,
                holder_confirmed=True,
            )
        ]
        services.vendor_register(
            market=market,
            full_name=full_name,
            stall=stall,
            goods=goods,
            accounts=accounts if account else [],
            status=Vendor.Status.CASHLESS if account else Vendor.Status.NOT_YET,
            actor=None,
        )
    return Vendor.objects.filter(market=market).count()
