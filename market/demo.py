"""Demo markets and vendors for the embedded default (idempotent: matched by market name and stall).

The account numbers are fictional on purpose. They must never be a public
example's (shared/VIETQR.md's reference payloads, a bank's sample code, a
README example): such a number may be a real person's account, and a printed
demo poster would send them money. Every demo number starts with six zeros,
which no bank or wallet issues (wallet accounts are phone numbers, and no phone
number starts 000); they still make valid VietQR codes. A test holds this.
"""

from django.db import transaction

from core.models import Commune

from . import services
from .models import Bank, Market, Vendor

MARKETS = [
    ("T01", "Trung tâm thương mại xã Chư Prông", "Đường Hùng Vương, Thôn 1"),
    ("T03", "Chợ tạm Thôn 3", "Sân văn hóa Thôn 3"),
]
# What every demo account number looks like (see above): six zeros, then digits.
FICTIONAL_ACCOUNT = r"000000\d{4}"
# market index, stall, name, goods, status, [(bin, account, label)]
VENDORS = [
    (0, "A01", "Nguyễn Thị Hồng", "Rau củ quả", "cashless", [("970436", "0000001001", "")]),
    (
        0,
        "A02",
        "Rơ Mah H'Bia",
        "Cà phê, hồ tiêu",
        "cashless",
        [("970405", "0000002001", ""), ("971025", "0000002002", "MoMo")],
    ),
    (0, "A03", "Trần Văn Đức", "Thịt heo", "onboarding", [("970422", "0000003001", "")]),
    (0, "B01", "Kpă Thị Lan", "Vải thổ cẩm", "not_yet", []),
    (1, "01", "Lê Thị Bưởi", "Trái cây", "cashless", [("970415", "0000004001", "")]),
    (1, "02", "Đặng Văn Ước", "Cá đồng", "cashless", [("970418", "0000005001", "")]),
    (1, "03", "Siu Thị Nga", "Bánh, kẹo", "onboarding", []),
]


@transaction.atomic
def demo_load(commune: Commune) -> int:
    villages = {v.code: v for v in commune.villages.all()}
    markets = []
    for code, name, address in MARKETS:
        market = Market.objects.filter(village__commune=commune, name=name).first()
        if market is None:
            market = services.market_create(
                village=villages[code], name=name, address=address, actor=None
            )
        markets.append(market)
    for index, stall, name, goods, status, accounts in VENDORS:
        market = markets[index]
        if Vendor.objects.filter(market=market, stall=stall).exists():
            continue
        services.vendor_register(
            market=market,
            full_name=name,
            stall=stall,
            goods=goods,
            status=status,
            onboarded_by="Đoàn viên Chi đoàn Thôn 3" if index else "Tổ công nghệ số cộng đồng",
            accounts=[
                services.AccountData(
                    bank=Bank.objects.get(bin=bin_),
                    account_number=number,
                    holder_name=name,
                    label=label,
                    holder_confirmed=True,
                )
                for bin_, number, label in accounts
            ],
            actor=None,
        )
    return Vendor.objects.filter(market__in=markets).count()
