"""Named personas reused by every test: see CONVENTIONS.md."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.roles import Role
from tests.factories import CommuneFactory, ProvinceFactory, UserFactory, VillageFactory

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def province(db):
    return ProvinceFactory(name="Gia Lai", slug="gia-lai")


@pytest.fixture
def commune(province):
    return CommuneFactory(name="Chư Prông", slug="chu-prong", province=province)


@pytest.fixture
def village_a(commune):
    return VillageFactory(commune=commune, code="T03", name="Thôn 3")


@pytest.fixture
def village_b(commune):
    return VillageFactory(commune=commune, code="L01", name="Làng Kte", kind="lang")


@pytest.fixture
def other_commune(province):
    return CommuneFactory(name="Ia Boòng", slug="ia-boong", province=province)


@pytest.fixture
def other_village(other_commune):
    return VillageFactory(commune=other_commune, code="T01", name="Thôn Hòa Bình")


@pytest.fixture
def officer(commune):
    return UserFactory(
        username="canbo", full_name="Rơ Mah Hồng", role=Role.COMMUNE_OFFICER, commune=commune
    )


@pytest.fixture
def other_officer(other_commune):
    return UserFactory(
        username="canbo2",
        full_name="Kpă Thị Lan",
        role=Role.COMMUNE_OFFICER,
        commune=other_commune,
    )


@pytest.fixture
def province_officer(province):
    return UserFactory(
        username="canbotinh",
        full_name="Nay Thị Hoa",
        role=Role.PROVINCE_OFFICER,
        province=province,
    )


@pytest.fixture
def far_province(db):
    """A second province: its people see nothing of Gia Lai, and Gia Lai nothing of it."""
    return ProvinceFactory(
        name="Đắk Lắk", slug="dak-lak", report_email="tinhdoan.dl@example.invalid"
    )


@pytest.fixture
def far_commune(far_province):
    return CommuneFactory(name="Ea Kar", slug="ea-kar", province=far_province)


@pytest.fixture
def far_village(far_commune):
    return VillageFactory(commune=far_commune, code="T01", name="Thôn 1 Ea Kar")


@pytest.fixture
def far_province_officer(far_province):
    return UserFactory(
        username="canbotinh_dl",
        full_name="H'Hen Niê",
        role=Role.PROVINCE_OFFICER,
        province=far_province,
    )


@pytest.fixture
def secretary_a(village_a):
    return UserFactory(
        username="bithu_a",
        full_name="Nguyễn Văn Đức",
        role=Role.VILLAGE_SECRETARY,
        village=village_a,
        commune=village_a.commune,
    )


@pytest.fixture
def secretary_b(village_b):
    return UserFactory(
        username="bithu_b",
        full_name="Siu H'Bia",
        role=Role.VILLAGE_SECRETARY,
        village=village_b,
        commune=village_b.commune,
    )


@pytest.fixture
def volunteer(village_a):
    return UserFactory(
        username="tinhnguyen",
        full_name="Trần Thị Ánh",
        role=Role.VOLUNTEER,
        village=village_a,
        commune=village_a.commune,
    )


@pytest.fixture
def vendor(village_a):
    return UserFactory(
        username="tieuthuong",
        full_name="Lê Thị Bưởi",
        role=Role.VENDOR,
        village=village_a,
        commune=village_a.commune,
    )


@pytest.fixture
def vendor_b(village_b):
    """A second vendor persona: a stall at village B's market."""
    return UserFactory(
        username="tieuthuong_b",
        full_name="Đặng Văn Ước",
        role=Role.VENDOR,
        village=village_b,
        commune=village_b.commune,
    )


@pytest.fixture
def run_django():
    """Run Python in a fresh interpreter with Django set up under the given environment.

    For what one process cannot show: settings read at start-up, a database
    that cannot be reached. Returns the CompletedProcess.
    """

    def run(code: str, env: dict[str, str | None], *, setup: bool = True):
        # Start from this process's environment without what tests/settings.py added.
        dropped = {
            "DJANGO_SETTINGS_MODULE",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "SECURE_SSL_REDIRECT",
            "DEBUG",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
        full_env = {k: v for k, v in os.environ.items() if k not in dropped}
        full_env["CHUPRONG_IGNORE_DOTENV"] = "1"
        full_env["DJANGO_SETTINGS_MODULE"] = "chuprong.settings"
        for key, value in env.items():
            if value is None:
                full_env.pop(key, None)
            else:
                full_env[key] = value
        prelude = "import django\ndjango.setup()\n" if setup else ""
        return subprocess.run(
            [sys.executable, "-c", prelude + code],
            cwd=ROOT,
            env=full_env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    return run


@pytest.fixture(scope="session", autouse=True)
def _collected_static(django_db_blocker):
    """Tests use the production static storage (hashed names from a manifest)."""
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path_factory):
    """Uploads and report files of a test go to a folder of its own, never the checkout's."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters and cached pages live in the cache (Redis in CI): start clean."""
    from django.core.cache import cache

    from legal_library import views as library_views
    from market import qr

    cache.clear()
    qr.clear_local()
    library_views._local_pages.clear()
    yield


# ------------------------------------------------------------------ volunteers, trainings


@pytest.fixture
def volunteer_a(volunteer, village_a):
    """The volunteer persona's own roster entry (village A, signs in as ``volunteer``)."""
    from tests.volunteers.factories import VolunteerFactory

    return VolunteerFactory(
        village=village_a, full_name=volunteer.full_name, phone="0905111222", user=volunteer
    )


@pytest.fixture
def teammate_a(village_a):
    from tests.volunteers.factories import VolunteerFactory

    return VolunteerFactory(village=village_a, full_name="Ksor Y Bim", phone="0905333444")


@pytest.fixture
def volunteer_b(village_b):
    from tests.volunteers.factories import VolunteerFactory

    return VolunteerFactory(village=village_b, full_name="Rơ Châm Thuận", phone="0905555666")


@pytest.fixture
def campaign(commune, village_a, village_b):
    from tests.volunteers.factories import CampaignFactory

    c = CampaignFactory(commune=commune, name="Từng ngõ, gõ từng nhà, rà từng người", goal=80)
    c.villages.set([village_a, village_b])
    return c


@pytest.fixture
def session_a(commune):
    """A commune class on online public services, under way now, 30 places."""
    from tests.trainings.factories import TrainingSessionFactory

    return TrainingSessionFactory(commune=commune, capacity=30)
