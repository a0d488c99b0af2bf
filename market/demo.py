"""Demo markets and vendors for the embedded default (idempotent: matched by market name and stall).

Account numbers are made up; they build valid VietQR codes but belong to nobody.
"""

from django.db import transaction

from chuprong.models import Commune

from . import services
from .models import Bank, Market, Vendor

MARKETS = [
    ("T01", "Trung tâm thương mại xã Chư Prông", "Đường Hùng Vương, Thôn 1"),
    ("T03", "Chợ tạm Thôn 3", "Sân văn hóa Thôn 3"),
]
# market index, stall, name, goods, status, [(bin, account, label)]
VENDORS = [
    (0, "A01", "Nguyễn Thị Hồng", "Rau củ quả", "cashless", [("970436", "1023456789", "")]),
    (
        0,
        "A02",
        "Rơ Mah H'Bia",
        "Cà phê, hồ tiêu",
        "cashless",
        [("970405", "5300205123456", ""), ("971025", "0912345678", "MoMo")],
    ),
    (0, "A03", "Trần Văn Đức", "Thịt heo", "onboarding", [("970422", "0352350917", "")]),
    (0, "B01", "Kpă Thị Lan", "Vải thổ cẩm", "not_yet", []),
    (1, "01", "Lê Thị Bưởi", "Trái cây", "cashless", [("970415", "0011001932418", "")]),
    (1, "02", "Đặng Văn Ước", "Cá đồng", "cashless", [("970418", "V3CASLRPR13MT76", "")]),
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
