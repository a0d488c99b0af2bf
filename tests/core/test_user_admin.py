"""An officer never makes a superuser, staff or an officer in the admin (issue 13)."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from core.models import User
from core.roles import Role
from tests.admin_forms import form_data

pytestmark = pytest.mark.django_db


def test_an_officer_has_no_user_admin(client, officer, volunteer):
    client.force_login(officer)
    assert client.get(reverse("admin:chuprong_user_add")).status_code == 404
    assert client.get(reverse("admin:chuprong_user_change", args=[volunteer.pk])).status_code == 404
    password = reverse("admin:auth_user_password_change", args=[volunteer.pk])
    assert client.get(password).status_code == 404
    response = client.post(
        reverse("admin:chuprong_user_add"),
        {
            "username": "sieu",
            "password1": "mat-khau-rat-dai-1",
            "password2": "mat-khau-rat-dai-1",
            "is_superuser": "on",
            "is_staff": "on",
        },
    )
    assert response.status_code == 404
    assert not User.objects.filter(username="sieu").exists()


@pytest.fixture
def officer_with_user_permissions(officer):
    """An officer someone gave the user permissions to (they have none by their role)."""
    officer.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="chuprong",
            codename__in=["view_user", "add_user", "change_user"],
        )
    )
    return User.objects.get(pk=officer.pk)  # without the cached permissions


def test_even_with_user_permissions_an_officer_makes_no_one_superuser_or_officer(
    client, officer_with_user_permissions, volunteer
):
    client.force_login(officer_with_user_permissions)
    url = reverse("admin:chuprong_user_change", args=[volunteer.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = form_data(page.content.decode())
    assert "is_superuser" not in data and "groups" not in data  # shown, not editable
    officers = str(officer_with_user_permissions.groups.get().pk)
    for change in ({"is_superuser": ["on"], "is_staff": ["on"]}, {"groups": [officers]}):
        client.post(url, {**data, **change})
    volunteer.refresh_from_db()
    assert not (volunteer.is_superuser or volunteer.is_staff)
    assert set(volunteer.groups.values_list("name", flat=True)) == {Role.VOLUNTEER}


def test_with_user_permissions_an_officer_still_reaches_no_staff_account(
    client, officer_with_user_permissions, commune
):
    colleague = User.objects.create(username="canbo3", commune=commune, is_staff=True)
    colleague.groups.add(*officer_with_user_permissions.groups.all())
    superuser = User.objects.create(username="quantri", commune=commune, is_superuser=True)
    client.force_login(officer_with_user_permissions)
    for account in (colleague, superuser, officer_with_user_permissions):
        response = client.get(reverse("admin:chuprong_user_change", args=[account.pk]))
        assert response.status_code == 302, account  # "does not exist": back to the index
        assert response["Location"] == reverse("admin:index")
