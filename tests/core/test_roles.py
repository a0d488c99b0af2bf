import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from core import selectors, services
from core.models import Village
from core.roles import ROLE_PERMISSIONS, Role, sync_roles
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_data_migration_created_every_role_with_its_permissions():
    for role in Role:
        group = Group.objects.get(name=role)
        granted = {
            f"{app}.{codename}"
            for app, codename in group.permissions.values_list(
                "content_type__app_label", "codename"
            )
        }
        assert granted == set(ROLE_PERMISSIONS[role])


def test_sync_roles_is_idempotent():
    sync_roles(apps)
    sync_roles(apps)
    assert Group.objects.filter(name__in=list(Role)).count() == len(Role)


def test_role_permissions(officer, secretary_a, volunteer, vendor):
    assert officer.has_perm("chuprong.change_village")
    assert officer.has_perm("chuprong.view_commune")
    assert not officer.has_perm("chuprong.delete_commune")
    assert secretary_a.has_perm("chuprong.view_village")
    assert not secretary_a.has_perm("chuprong.change_village")
    assert not volunteer.has_perm("chuprong.view_village")
    assert not vendor.has_perm("chuprong.view_village")


def test_villages_for_user_keeps_each_commune_and_village_apart(
    officer,
    other_officer,
    secretary_a,
    secretary_b,
    volunteer,
    village_a,
    village_b,
    other_village,
    django_user_model,
    django_assert_num_queries,
):
    assert set(selectors.villages_for_user(officer)) == {village_a, village_b}
    assert set(selectors.villages_for_user(other_officer)) == {other_village}
    assert list(selectors.villages_for_user(secretary_a)) == [village_a]
    assert list(selectors.villages_for_user(secretary_b)) == [village_b]
    assert list(selectors.villages_for_user(volunteer)) == []
    superuser = UserFactory(is_superuser=True)
    assert set(selectors.villages_for_user(superuser)) == set(Village.objects.all())
    from django.contrib.auth.models import AnonymousUser

    assert list(selectors.villages_for_user(AnonymousUser())) == []


def test_an_inactive_officer_sees_nothing(officer):
    officer.is_active = False
    assert list(selectors.villages_for_user(officer)) == []


def test_user_create_scopes_and_validates(commune, village_a, other_village):
    officer = services.user_create(
        username="moi",
        role=Role.COMMUNE_OFFICER,
        full_name="Ksor Thị Hạnh",
        commune=commune,
        password="mat-khau-rat-dai-2026",
    )
    assert officer.is_staff and officer.commune == commune
    assert officer.groups.get().name == Role.COMMUNE_OFFICER
    assert officer.check_password("mat-khau-rat-dai-2026")

    secretary = services.user_create(username="bt", role=Role.VILLAGE_SECRETARY, village=village_a)
    assert (secretary.commune, secretary.village, secretary.is_staff) == (commune, village_a, False)
    assert not secretary.has_usable_password()

    with pytest.raises(ValidationError, match="Cán bộ xã phải được gắn với một xã"):
        services.user_create(username="x1", role=Role.COMMUNE_OFFICER)
    with pytest.raises(ValidationError, match="phải được gắn với một thôn, làng"):
        services.user_create(username="x2", role=Role.VILLAGE_SECRETARY, commune=commune)
    with pytest.raises(ValidationError, match="không thuộc xã"):
        services.user_create(
            username="x3", role=Role.VILLAGE_SECRETARY, commune=commune, village=other_village
        )


def test_user_create_keeps_phone_numbers_unique(village_a):
    services.user_create(username="a", role=Role.VOLUNTEER, village=village_a, phone="0912345678")
    with pytest.raises(ValidationError):
        services.user_create(
            username="b", role=Role.VOLUNTEER, village=village_a, phone="0912345678"
        )
    # Any number of users may have no phone at all.
    services.user_create(username="c", role=Role.VOLUNTEER, village=village_a)
    services.user_create(username="d", role=Role.VOLUNTEER, village=village_a)


def test_vietnamese_names_of_any_length(village_a):
    name = "Nguyễn Thị Hồng Nhung Phương Thảo " * 20
    user = services.user_create(
        username="ten-dai", role=Role.VOLUNTEER, village=village_a, full_name=name.strip()
    )
    user.refresh_from_db()
    assert user.get_full_name() == name.strip()
    assert user.get_short_name() == "Thảo"
    assert str(user) == name.strip()


def test_admin_village_list_is_scoped_to_the_officers_commune(
    client, officer, village_a, village_b, other_village, django_assert_num_queries
):
    client.force_login(officer)
    with django_assert_num_queries(8):
        response = client.get("/admin/chuprong/village/")
    assert response.status_code == 200
    names = [v.name for v in response.context["cl"].result_list]
    assert sorted(names) == sorted([village_a.name, village_b.name])
    # Another commune's village is not found, not forbidden.
    response = client.get(f"/admin/chuprong/village/{other_village.pk}/change/")
    assert response.status_code == 302  # admin redirects "does not exist" to its index
    response = client.get(f"/admin/chuprong/village/{village_a.pk}/change/")
    assert response.status_code == 200


def test_secretary_and_volunteer_cannot_use_the_admin(client, secretary_a, volunteer):
    for user in (secretary_a, volunteer):
        client.force_login(user)
        assert client.get("/admin/").status_code == 302


def test_each_app_declares_the_permissions_and_audited_models_of_its_own_models():
    """Apps declare what they add in their AppConfig; the core only collects them."""
    from django.apps import apps

    for config in apps.get_app_configs():
        own = {config.label} | ({"django_celery_beat"} if config.label == "chuprong" else set())
        for names in getattr(config, "role_permissions", {}).values():
            assert {name.split(".")[0] for name in names} <= own, config.label
        for label in [
            *getattr(config, "audited", {}),
            *getattr(config, "province_wide_models", ()),
        ]:
            assert label.split(".")[0] in own, (config.label, label)
