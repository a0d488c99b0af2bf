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
    assert Village.objects.count() == 32
