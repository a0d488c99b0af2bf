"""Records every commune shares (banks, schedules, categories, synonyms): only a superuser
or a province officer changes them, and each change made in the admin is in the audit
history. Training topics left that list (issue 16): a topic is the province's or a
commune's own, and a commune officer adds their commune's but never changes the
province's (tests/trainings/test_topics.py); the province's are still changed here."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.urls import reverse
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from core import selectors
from core.models import AuditEntry
from core.roles import PROVINCE_WIDE_MODELS, PROVINCE_WIDE_PERMISSIONS, ROLE_PERMISSIONS, Role
from legal_library.models import Category, SearchSynonym
from market.models import Bank
from tests.admin_forms import form_data
from tests.factories import UserFactory
from trainings.models import Topic

pytestmark = pytest.mark.django_db

# Roles that may change province-wide records.
PROVINCE_ROLES: set[str] = {Role.PROVINCE_OFFICER}


@pytest.fixture
def superuser(db):
    return UserFactory(
        username="quantri", full_name="Quản Trị Tỉnh", is_staff=True, is_superuser=True
    )


def _an_object(label: str):
    model = apps.get_model(label)
    existing = model.objects.first()
    if existing is not None:
        return existing
    from django.utils import timezone
    from django_celery_beat.models import ClockedSchedule, IntervalSchedule, SolarSchedule

    made = {
        IntervalSchedule: lambda: IntervalSchedule.objects.create(every=5, period="minutes"),
        ClockedSchedule: lambda: ClockedSchedule.objects.create(clocked_time=timezone.now()),
        SolarSchedule: lambda: SolarSchedule.objects.create(
            event="sunrise", latitude="13.5", longitude="108.0"
        ),
        CrontabSchedule: lambda: CrontabSchedule.objects.create(minute="0", hour="6"),
        SearchSynonym: lambda: SearchSynonym.objects.create(phrase="sổ đỏ", expands_to="đất"),
    }
    return made[model]()


def test_no_commune_role_carries_a_province_wide_permission():
    for role, names in ROLE_PERMISSIONS.items():
        if role not in PROVINCE_ROLES:
            assert not set(names) & set(PROVINCE_WIDE_PERMISSIONS), role


def test_the_roles_in_the_database_lost_those_permissions(officer):
    granted = set(
        Group.objects.get(name="commune_officer").permissions.values_list(
            "content_type__app_label", "codename"
        )
    )
    for name in PROVINCE_WIDE_PERMISSIONS:
        assert tuple(name.split(".")) not in granted, name
        assert not officer.has_perm(name), name
    # what an officer needs to pick a bank, see the schedules, the topics and categories
    for name in ["market.view_bank", "django_celery_beat.view_periodictask"]:
        assert officer.has_perm(name)


@pytest.mark.parametrize("label", PROVINCE_WIDE_MODELS)
def test_an_officer_cannot_add_change_or_delete_them(client, officer, label):
    obj = _an_object(label)
    model = type(obj)
    obj.refresh_from_db()
    app, name = label.split(".")
    count = model.objects.count()
    client.force_login(officer)
    add = reverse(f"admin:{app}_{name}_add")
    change = reverse(f"admin:{app}_{name}_change", args=[obj.pk])
    delete = reverse(f"admin:{app}_{name}_delete", args=[obj.pk])
    assert client.get(add).status_code == 404
    assert client.post(add, {"name": "Mới", "bin": "970499"}).status_code == 404
    seen = client.get(change)
    # seen read-only (without a save button) where officers pick it, else missing
    assert seen.status_code in (200, 404)
    if seen.status_code == 200:
        assert 'name="_save"' not in seen.content.decode()
    posted = client.post(change, {"bin": "970499", "name": "Đổi", "enabled": ""})
    assert posted.status_code == 404
    assert client.post(delete, {"post": "yes"}).status_code == 404
    assert model.objects.count() == count
    obj_after = model.objects.get(pk=obj.pk)
    assert [getattr(obj_after, f.attname) for f in model._meta.concrete_fields] == [
        getattr(obj, f.attname) for f in model._meta.concrete_fields
    ]
    assert not AuditEntry.objects.exists()


def _post_change(client, obj, **changes):
    app, name = obj._meta.app_label, obj._meta.model_name
    url = reverse(f"admin:{app}_{name}_change", args=[obj.pk])
    data = form_data(client.get(url).content.decode())
    for field, value in changes.items():
        data[field] = [value] if value is not None else []
        if value is None:
            del data[field]
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].errors
    return response


def test_the_province_officer_holds_every_province_wide_permission(province_officer):
    for name in PROVINCE_WIDE_PERMISSIONS:
        assert province_officer.has_perm(name), name


@pytest.mark.parametrize("who", ["superuser", "province_officer"])
def test_their_changes_are_in_the_audit_history(client, who, officer, request):
    owner = request.getfixturevalue(who)
    client.force_login(owner)
    bank = Bank.objects.get(bin="970436")
    _post_change(client, bank, bin="970499")
    entry = AuditEntry.objects.get(content_type__model="bank")
    assert entry.changes == {"bin": ["970436", "970499"]}
    assert entry.actor == owner and entry.action == "update"

    topic = Topic.objects.first()
    _post_change(client, topic, name="Chủ đề mới")
    category = Category.objects.first()
    _post_change(client, category, name="Chuyên mục mới")

    task = PeriodicTask.objects.get(task="chuprong.monthly_reports")
    _post_change(client, task, enabled=None)  # switched off
    entry = AuditEntry.objects.get(content_type__model="periodictask")
    assert entry.changes == {"enabled": [True, False]}

    crontab = task.crontab
    _post_change(client, crontab, hour="9")
    assert AuditEntry.objects.filter(content_type__model="crontabschedule").get().changes == {
        "hour": ["6", "9"]
    }

    # the bulk actions of the periodic tasks' list are recorded too
    response = client.post(
        reverse("admin:django_celery_beat_periodictask_changelist"),
        {"action": "enable_tasks", "_selected_action": [task.pk]},
    )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(content_type__model="periodictask").count() == 2

    kinds = {e.content_type.model for e in AuditEntry.objects.all()}
    assert kinds == {"bank", "topic", "category", "periodictask", "crontabschedule"}
    # every commune's officers read what was changed in the records they all share
    assert set(selectors.audit_entries_for_user(officer)) == set(AuditEntry.objects.all())
