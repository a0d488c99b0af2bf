import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from core.demo import OFFICER_USERNAME, demo_load
from core.models import Commune, User, Village
from core.roles import Role

pytestmark = pytest.mark.django_db


def test_demo_data_is_idempotent():
    first = demo_load(officer_password="mot-mat-khau-dai")
    second = demo_load(officer_password="mot-mat-khau-dai")
    assert first.commune == second.commune
    assert Commune.objects.count() == 1
    assert Village.objects.count() == 32
    assert Village.objects.filter(kind="lang").count() == 12
    assert User.objects.filter(username=OFFICER_USERNAME).count() == 1
    officer = second.officer
    assert officer.groups.get().name == Role.COMMUNE_OFFICER
    assert officer.is_staff and officer.commune == first.commune
    assert first.commune.slug == "chu-prong"


def test_demo_without_officer_creates_no_account():
    demo_load()
    assert not User.objects.exists()


def test_demo_officer_only_with_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=1"):
        call_command("load_demo", "--with-officer")
    assert not User.objects.exists()
    call_command("load_demo")
    assert Village.objects.filter(commune__slug="chu-prong").count() == 32


def test_make_run_prints_the_address_it_serves(settings):
    """`make run PORT=8102` hands the same HOST:PORT to the demo loader and to runserver."""
    root = Path(__file__).resolve().parents[2]
    plan = subprocess.run(
        ["make", "-n", "-B", "run", "HOST=0.0.0.0", "PORT=8102"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "load_demo --with-officer --address 0.0.0.0:8102" in plan
    assert "runserver 0.0.0.0:8102" in plan

    settings.DEBUG = True
    out = StringIO()
    call_command("load_demo", "--with-officer", "--address", "0.0.0.0:8102", stdout=out)
    printed = out.getvalue()
    assert "http://0.0.0.0:8102/accounts/login/" in printed
    assert "http://0.0.0.0:8102/admin/" in printed
    assert ":8000" not in printed


def test_the_demo_has_a_second_commune_and_a_province_officer(settings, client):
    """Ia Boòng, with its own villages, market, point, notice, session and visits; the
    province officer canbotinh signs in with the demo password (issue 16)."""
    from legal_library.models import Document, LibraryPoint
    from market.models import Vendor
    from portal.management.commands.load_demo import DEMO_PASSWORD
    from trainings.models import TrainingSession
    from volunteers.models import AssistanceRecord

    settings.DEBUG = True
    for _run in range(2):  # idempotent
        call_command("load_demo", "--with-officer", stdout=StringIO())
    second = Commune.objects.get(slug="ia-boong")
    assert second.province == Commune.objects.get(slug="chu-prong").province
    assert second.villages.count() == 3
    assert Vendor.objects.filter(market__village__commune=second).count() == 3
    assert LibraryPoint.objects.filter(village__commune=second).count() == 1
    assert Document.objects.filter(commune=second).count() == 1
    assert TrainingSession.objects.filter(commune=second).count() == 1
    assert AssistanceRecord.objects.filter(village__commune=second).count() == 3
    officer = User.objects.get(username="canbotinh")
    assert (
        officer.groups.get().name == Role.PROVINCE_OFFICER and officer.province == second.province
    )
    assert client.login(username="canbotinh", password=DEMO_PASSWORD)
    # Chư Prông's points never show Ia Boòng's own notice
    chu_prong_point = LibraryPoint.objects.filter(village__commune__slug="chu-prong").first()
    assert "Ia Boòng" not in client.get(f"/l/{chu_prong_point.code}/").content.decode()
