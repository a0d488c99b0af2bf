"""Every choice of every admin form is limited to what the officer may see.

Part of the access table (``tests/test_access.py``): ``admin.site._registry`` is
walked, so a new admin, inline or relation is covered without a row here. For
every form field of a relation (foreign key, one-to-one, many-to-many; drop-down,
``filter_horizontal``, raw id or autocomplete) of every admin and inline an officer
may add or change:

- the related model says what a user may pick (``core.admin_base.choices``),
  else ``test_every_admin_choice_is_declared`` fails;
- the officer's form offers nothing of another commune, a POST of another commune's
  record is refused ("Select a valid choice") and nothing is saved;
- a raw-id label and the autocomplete view name nobody out of scope.

Records of another commune are made per related model in ``THEIRS``; a related
model that is neither there nor shared fails ``test_admin_forms_refuse_another_communes_choice``.
"""

import datetime
import json
from decimal import Decimal

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from core import admin_base
from core.roles import ROLE_PERMISSIONS
from reports.services import baseline_set, target_set
from tests.admin_forms import form_data, options_of
from tests.factories import UserFactory, VillageFactory
from tests.legal_library.factories import PointFactory
from tests.market.factories import MarketFactory, VendorFactory
from tests.trainings.factories import AttendanceFactory, TrainingSessionFactory
from tests.volunteers.factories import AssistanceRecordFactory, CampaignFactory, VolunteerFactory

pytestmark = pytest.mark.django_db

# Admins of other packages that only superusers open: no role has a permission on them.
SUPERUSER_ONLY = {"auth.group", "account.emailaddress"}
# Related models every commune shares: any of them may be picked (nothing to refuse).
SHARED = {
    "market.bank",
    "trainings.topic",
    "legal_library.category",
    "legal_library.document",
    "legal_library.issuer",
    "contenttypes.contenttype",
    "django_celery_beat.periodictask",
    "django_celery_beat.crontabschedule",
    "django_celery_beat.intervalschedule",
    "django_celery_beat.clockedschedule",
    "django_celery_beat.solarschedule",
}


def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def _relation_fields(model_admin, request):
    """(inline model or None, field name, related model) of each relation in the forms."""
    found = []
    form = model_admin.get_form(request, None)
    for name, field in form.base_fields.items():
        if hasattr(field, "queryset"):
            found.append((None, name, field.queryset.model))
    for cls in model_admin.get_inlines(request, None):
        inline = cls(model_admin.model, admin.site)
        formset = inline.get_formset(request, None)
        for name, field in formset.form.base_fields.items():
            if name == formset.fk.name or not hasattr(field, "queryset"):
                continue
            found.append((inline, name, field.queryset.model))
    return found


def _officer_admins(officer):
    """Admins an officer may add or change in (view-only forms post nothing)."""
    request = _request(officer)
    for model, model_admin in admin.site._registry.items():
        if model_admin.has_add_permission(request) or model_admin.has_change_permission(request):
            yield model, model_admin


def test_every_admin_is_the_projects_or_superusers_only():
    staff_permissions = {name for names in ROLE_PERMISSIONS.values() for name in names}
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        if label in SUPERUSER_ONLY:
            assert not any(
                p.startswith(f"{model._meta.app_label}.")
                and p.endswith(f"_{model._meta.model_name}")
                for p in staff_permissions
            ), label
            continue
        assert isinstance(model_admin, admin_base.ProjectAdmin), label


def test_every_admin_choice_is_declared(officer):
    """A new relation in an admin form must say what an officer may pick of its model."""
    unscoped = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.label_lower in SUPERUSER_ONLY:
            continue
        for inline, name, related in _relation_fields(model_admin, _request(officer)):
            if not admin_base.is_declared(related):
                where = inline.model._meta.label_lower if inline else model._meta.label_lower
                unscoped.append(f"{where}.{name} → {related._meta.label_lower}")
    assert unscoped == []


# ------------------------------------------------------------------ forms of an officer


@pytest.fixture
def world(commune, village_a, other_commune, other_village, officer):
    """Commune A's records (pages to open) and another commune's (choices to refuse)."""
    other_user = UserFactory(username="nguoi_xa_khac", full_name="Y Blốc Người Xã Khác")
    other_user.commune = other_commune
    other_user.save(update_fields=["commune"])
    mine_volunteer = VolunteerFactory(village=village_a, full_name="Ksor Đoàn Viên Nhà")
    campaign = CampaignFactory(commune=commune)
    campaign.villages.set([village_a])
    session = TrainingSessionFactory(commune=commune)
    mine = {
        "chuprong.village": village_a,
        "market.market": MarketFactory(village=village_a),
        "market.vendor": VendorFactory(market=MarketFactory(village=village_a)),
        "legal_library.librarypoint": PointFactory(village=village_a),
        "volunteers.volunteer": mine_volunteer,
        "volunteers.campaign": campaign,
        "volunteers.assistancerecord": AssistanceRecordFactory(
            village=village_a, volunteers=[mine_volunteer], campaign=campaign
        ),
        "trainings.trainingsession": session,
        "reports.indicatortarget": target_set(
            commune=commune,
            indicator="market.cashless_share",
            year=2026,
            value=Decimal(70),
            actor=None,
        ),
        "reports.indicatorbaseline": baseline_set(
            commune=commune,
            indicator="library.points_active",
            value=Decimal(8),
            as_of=datetime.date(2023, 6, 1),
            actor=None,
        ),
    }
    AttendanceFactory(session=session, volunteer=mine_volunteer)
    their_volunteer = VolunteerFactory(village=other_village, full_name="Siu Đoàn Viên Xã Khác")
    theirs = {
        "chuprong.commune": other_commune,
        "chuprong.village": VillageFactory(commune=other_commune, name="Thôn Xã Khác Hai"),
        "chuprong.user": other_user,
        "market.market": MarketFactory(village=other_village, name="Chợ Xã Khác"),
        "market.vendor": VendorFactory(
            market=MarketFactory(village=other_village), full_name="Người Bán Xã Khác"
        ),
        "legal_library.librarypoint": PointFactory(village=other_village, name="Tủ Xã Khác"),
        "volunteers.volunteer": their_volunteer,
        "volunteers.campaign": CampaignFactory(commune=other_commune, name="Chiến dịch Xã Khác"),
        "volunteers.assistancerecord": AssistanceRecordFactory(
            village=other_village, volunteers=[their_volunteer]
        ),
        "trainings.trainingsession": TrainingSessionFactory(
            commune=other_commune, title="Lớp Xã Khác"
        ),
    }
    return {"mine": mine, "theirs": theirs}


@pytest.fixture
def cases(officer):
    """Every (admin model, inline model, field) an officer may set: read from the registry."""
    found = []
    for model, model_admin in _officer_admins(officer):
        for inline, name, _related in _relation_fields(model_admin, _request(officer)):
            label = inline.model._meta.label_lower if inline else None
            found.append((model._meta.label_lower, label, name))
    return sorted(found, key=str)


EXPECTED_AT_LEAST = {
    ("chuprong.village", None, "commune"),
    ("market.vendor", None, "user"),
    ("market.vendor", None, "market"),
    ("volunteers.assistancerecord", None, "campaign"),
    ("volunteers.assistancerecord", None, "volunteers"),
    ("volunteers.campaign", None, "villages"),
    ("volunteers.volunteer", None, "user"),
    ("trainings.trainingsession", "trainings.attendance", "volunteer"),
    ("trainings.trainingsession", "trainings.attendance", "village"),
}


def test_the_walk_finds_the_relations(cases):
    assert set(cases) >= EXPECTED_AT_LEAST


def _prefixed(response, inline_label, name):
    if inline_label is None:
        return name
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.model._meta.label_lower == inline_label:
            return inline.formset.forms[0].add_prefix(name)
    raise AssertionError(f"no {inline_label} rows on the page")


def _field_of(model, inline_label, name):
    from django.apps import apps

    target = apps.get_model(inline_label) if inline_label else model
    return target._meta.get_field(name)


def _stored(obj, inline_label, name):
    if inline_label is None:
        field = obj._meta.get_field(name)
        obj.refresh_from_db()
        if field.many_to_many:
            return sorted(getattr(obj, name).values_list("pk", flat=True))
        return getattr(obj, field.attname)
    from django.apps import apps

    rows = apps.get_model(inline_label)._default_manager.order_by("pk")
    return list(rows.values_list(name, flat=True))


def _add_refuses(client, obj, key, theirs, case):
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_add")
    html = client.get(url).content.decode()
    assert key in form_data(html) or key in options_of(html, key) or f'name="{key}"' in html, case
    assert str(theirs.pk) not in options_of(html, key), f"{case}: offered"
    data = form_data(html)
    data[key] = [str(theirs.pk)]
    count = type(obj)._default_manager.count()
    refused = client.post(url, data)
    assert refused.status_code == 200, f"{case}: saved"
    assert refused.context["errors"], f"{case}: no error shown"
    assert type(obj)._default_manager.count() == count, f"{case}: added"


def test_admin_forms_refuse_another_communes_choice(client, officer, world, cases):
    from django.apps import apps

    client.force_login(officer)
    missing = []
    for where, inline_label, name in cases:
        field = _field_of(apps.get_model(where), inline_label, name)
        related = field.related_model._meta.label_lower
        if related in SHARED:
            continue
        obj = world["mine"].get(where)
        assert obj is not None, f"no record of commune A for the {where} admin: add it to world"
        theirs = world["theirs"].get(related)
        if theirs is None:
            missing.append(related)
            continue
        case = f"{where} {inline_label or ''} {name} → {related}"
        url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
        page = client.get(url)
        assert page.status_code == 200, case
        html = page.content.decode()
        key = _prefixed(page, inline_label, name)
        if inline_label is None and key not in form_data(html):
            # fixed once made (read-only on the change page): refused on the add page
            _add_refuses(client, obj, key, theirs, case)
            continue
        assert str(theirs.pk) not in options_of(html, key), f"{case}: offered"
        assert str(theirs) not in html, f"{case}: named on the page"
        data = form_data(html)
        assert client.post(url, data).status_code == 302, f"{case}: the form as shown is refused"
        before = _stored(obj, inline_label, name)
        data[key] = [str(theirs.pk)]
        refused = client.post(url, data)
        assert refused.status_code == 200, f"{case}: saved"
        errors = refused.context["errors"]
        assert errors, f"{case}: no error shown"
        assert _stored(obj, inline_label, name) == before, f"{case}: changed"
    assert missing == [], "add a record of another commune to THEIRS in world()"


def test_a_raw_id_label_names_nobody_out_of_scope(client, officer, world):
    """The name beside a raw id comes from the officer's choices: ids typed one by one
    reveal nothing. (A superuser sees the name: the check can fail.)"""
    other = world["theirs"]["chuprong.user"]
    url = reverse("admin:market_vendor_add") + f"?user={other.pk}"
    client.force_login(officer)
    assert other.full_name not in client.get(url).content.decode()
    client.force_login(UserFactory(username="quantri", is_staff=True, is_superuser=True))
    assert other.full_name in client.get(url).content.decode()


def test_the_autocomplete_view_names_nobody_out_of_scope(client, officer, world, cases):
    client.force_login(officer)
    from django.apps import apps

    for where, inline_label, name in cases:
        model = apps.get_model(inline_label or where)
        model_admin = admin.site._registry.get(model) or next(
            inline
            for inline in admin.site._registry[apps.get_model(where)].inlines
            if inline.model is model
        )
        if name not in getattr(model_admin, "autocomplete_fields", ()):
            continue
        related = model._meta.get_field(name).related_model._meta.label_lower
        theirs = world["theirs"][related]
        response = client.get(
            "/admin/autocomplete/",
            {
                "app_label": model._meta.app_label,
                "model_name": model._meta.model_name,
                "field_name": name,
                "term": "",
            },
        )
        if response.status_code != 200:
            assert response.status_code in (403, 404), where  # may not look up that model
            continue
        ids = {r["id"] for r in json.loads(response.content)["results"]}
        assert str(theirs.pk) not in ids, f"{where}.{name}"
        assert str(theirs) not in response.content.decode()


# ------------------------------------------------------------------ the services' checks


@pytest.fixture
def superuser(db):
    return UserFactory(username="quantri", is_staff=True, is_superuser=True)


def _post(client, obj, changes: dict[str, list[str]]):
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    page = client.get(url)
    data = {**form_data(page.content.decode()), **changes}
    return client.post(url, data)


def _errors(response) -> dict:
    assert response.status_code == 200, "saved"
    errors = dict(response.context["adminform"].form.errors)
    for inline in response.context["inline_admin_formsets"]:
        for form in inline.formset.forms:
            errors.update({form.add_prefix(k): v for k, v in form.errors.items()})
    return errors


def test_an_admin_save_meets_the_services_checks(client, superuser, world, village_b):
    """What the field pages refuse, the admin refuses too (even a superuser's choices)."""
    import datetime

    client.force_login(superuser)
    mine, theirs = world["mine"], world["theirs"]
    record = mine["volunteers.assistancerecord"]
    campaign = mine["volunteers.campaign"]
    checks = [
        # a visit: volunteers of the commune, a village the campaign covers, its dates
        (record, {"volunteers": [str(theirs["volunteers.volunteer"].pk)]}, "volunteers"),
        (record, {"village": [str(village_b.pk)]}, "village"),
        (
            record,
            {"helped_on": [f"{campaign.starts_on - datetime.timedelta(days=1):%d/%m/%Y}"]},
            "helped_on",
        ),
        (record, {"campaign": [str(theirs["volunteers.campaign"].pk)]}, "campaign"),
        # a campaign's villages are its commune's
        (campaign, {"villages": [str(theirs["chuprong.village"].pk)]}, "villages"),
        # a session's village, and each attendee, are of its commune
        (
            mine["trainings.trainingsession"],
            {"village": [str(theirs["chuprong.village"].pk)]},
            "village",
        ),
        (
            mine["trainings.trainingsession"],
            {"attendances-0-volunteer": [str(theirs["volunteers.volunteer"].pk)]},
            "attendances-0-volunteer",
        ),
        (
            mine["trainings.trainingsession"],
            {"attendances-0-village": [str(theirs["chuprong.village"].pk)]},
            "attendances-0-village",
        ),
    ]
    for obj, changes, field in checks:
        response = _post(client, obj, changes)
        assert field in _errors(response), (obj, changes)
    record.refresh_from_db()
    assert list(record.volunteers.all()) == [world["mine"]["volunteers.volunteer"]]
    assert record.campaign == campaign


def test_no_list_names_another_communes_records(client, officer, world):
    """Every changelist an officer opens, with its filters on relations (campaign,
    village, market...), names nothing of another commune."""
    request = _request(officer)
    client.force_login(officer)
    names = [str(obj) for obj in world["theirs"].values()]
    opened = 0
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_view_or_change_permission(request):
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for name in names:
            assert name not in html, f"{url} names {name!r}"
        opened += 1
    assert opened >= 10
