"""Demo data for the embedded default: Chư Prông commune and its 32 villages.

Idempotent: every row is found by its natural key (commune name and province,
village code, username) and updated, so loading twice duplicates nothing.
Village names are illustrative; replace them with the commune's official list.
"""

from dataclasses import dataclass

from django.db import transaction

from core import services
from core.models import Commune, User, Village
from core.roles import Role

PROVINCE = "Gia Lai"
PROVINCE_EMAIL = "tinhdoan@example.invalid"  # the demo's address for sent reports
COMMUNE = "Chư Prông"
INTRO = (
    "Đoàn Thanh niên xã Chư Prông tập huấn đoàn viên thành “tuyên truyền viên số”, "
    "cùng Tổ công nghệ số cộng đồng đi “từng ngõ, gõ từng nhà, rà từng người” để "
    "giúp bà con dùng dịch vụ công trực tuyến, thanh toán không dùng tiền mặt, "
    "ứng dụng định danh điện tử VNeID và đọc tủ sách pháp luật ngay trên điện thoại."
)
LANG_NAMES = [
    "Làng Kte",
    "Làng Klăh",
    "Làng Grôn",
    "Làng Phăm Klăh",
    "Làng Sơn",
    "Làng Bang",
    "Làng Bàu",
    "Làng Dư",
    "Làng Mrông Yố",
    "Làng Jút",
    "Làng Tung Ke",
    "Làng Kênh",
]
THON_COUNT = 20
OFFICER_USERNAME = "canbo"
# A second commune of the province, with a little data of its own (issue 16), and the
# province officer who reads both.
SECOND_COMMUNE = "Ia Boòng"
SECOND_INTRO = (
    "Chi đoàn các thôn, làng xã Ia Boòng cùng Tổ công nghệ số cộng đồng hướng dẫn bà con "
    "cài VNeID, nộp hồ sơ trực tuyến và thanh toán bằng mã QR tại chợ xã."
)
SECOND_VILLAGES = [
    ("HB", "Thôn Hòa Bình", "thon"),
    ("BO", "Làng Bô", "lang"),
    ("IB", "Làng Ia Boòng", "lang"),
]
PROVINCE_OFFICER_USERNAME = "canbotinh"


@dataclass(frozen=True)
class DemoResult:
    commune: Commune
    village_count: int
    officer: User | None


@transaction.atomic
def demo_load(*, officer_password: str | None = None) -> DemoResult:
    province = services.province_upsert(name=PROVINCE, report_email=PROVINCE_EMAIL)
    commune = services.commune_upsert(name=COMMUNE, province=province, intro=INTRO)
    rows = [(f"T{n:02d}", f"Thôn {n}", "thon") for n in range(1, THON_COUNT + 1)]
    rows += [(f"L{n:02d}", name, "lang") for n, name in enumerate(LANG_NAMES, start=1)]
    for position, (code, name, kind) in enumerate(rows, start=1):
        services.village_upsert(commune=commune, code=code, name=name, kind=kind, position=position)

    officer = None
    if officer_password:
        officer = User.objects.filter(username=OFFICER_USERNAME).first()
        if officer is None:
            officer = services.user_create(
                username=OFFICER_USERNAME,
                role=Role.COMMUNE_OFFICER,
                full_name="Cán bộ Đoàn xã (demo)",
                email="canbo@example.invalid",
                password=officer_password,
                commune=commune,
            )
        else:
            officer.set_password(officer_password)
            officer.save(update_fields=["password"])
    return DemoResult(commune=commune, village_count=commune.villages.count(), officer=officer)


def demo_user(
    *, username: str, role: Role, full_name: str, password: str, village: Village
) -> User:
    """A program's demo account in ``village`` (created once; its password set again on
    every load): the demo volunteer, the demo vendor."""
    user = User.objects.filter(username=username).first()
    if user is None:
        return services.user_create(
            username=username,
            role=role,
            full_name=full_name,
            email=f"{username}@example.invalid",
            password=password,
            commune=village.commune,
            village=village,
        )
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


@transaction.atomic
def second_commune_load() -> Commune:
    """The demo's second commune of the province and its three villages (idempotent)."""
    province = services.province_upsert(name=PROVINCE, report_email=PROVINCE_EMAIL)
    commune = services.commune_upsert(name=SECOND_COMMUNE, province=province, intro=SECOND_INTRO)
    for position, (code, name, kind) in enumerate(SECOND_VILLAGES, start=1):
        services.village_upsert(commune=commune, code=code, name=name, kind=kind, position=position)
    return commune


def province_officer_load(*, password: str) -> User:
    """The demo province officer (reads every commune of Gia Lai, keeps the province's
    lists and documents); created once, its password set again on every load."""
    user = User.objects.filter(username=PROVINCE_OFFICER_USERNAME).first()
    if user is None:
        return services.user_create(
            username=PROVINCE_OFFICER_USERNAME,
            role=Role.PROVINCE_OFFICER,
            full_name="Cán bộ Tỉnh đoàn (demo)",
            email=f"{PROVINCE_OFFICER_USERNAME}@example.invalid",
            password=password,
            province=services.province_upsert(name=PROVINCE, report_email=PROVINCE_EMAIL),
        )
    user.set_password(password)
    user.save(update_fields=["password"])
    return user
