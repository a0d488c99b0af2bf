"""An admin save meets the checks of the service that owns the model (``core.admin_base``):
a ModelAdmin's own form (``ProjectAdmin.get_form``) and each row of an inline
(``ProjectForms.get_formset``) run ``service_errors`` once their fields are valid."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.admin_forms import form_data
from tests.trainings.factories import AttendanceFactory, TrainingSessionFactory
from trainings.models import Attendance, TrainingSession

pytestmark = pytest.mark.django_db


def _vietnamese(message: str) -> str:
    with translation.override("vi"):
        return translation.gettext(message)


def _change(client, obj) -> tuple[str, dict[str, list[str]]]:
    url = reverse(f"admin:trainings_{obj._meta.model_name}_change", args=[obj.pk])
    return url, form_data(client.get(url).content.decode())


def test_a_session_that_ends_before_it_starts_is_refused(client, officer, session_a):
    client.force_login(officer)
    url, data = _change(client, session_a)
    ends = [name for name in data if name.startswith("ends_at")]
    for name in ends:
        data[name] = data[name.replace("ends_at", "starts_at")]

    response = client.post(url, data)

    assert response.status_code == 200
    assert _vietnamese("The session must end after it starts.") in response.content.decode()
    session_a.refresh_from_db()
    assert session_a.ends_at > session_a.starts_at


def test_the_same_session_saves_when_it_ends_after_it_starts(client, officer, session_a):
    client.force_login(officer)
    url, data = _change(client, session_a)
    data["title"] = ["Tập huấn VNeID"]

    response = client.post(url, data)

    assert response.status_code == 302
    assert TrainingSession.objects.get(pk=session_a.pk).title == "Tập huấn VNeID"


def test_an_attendance_row_of_another_branch_is_refused(
    client, officer, village_a, volunteer_a, volunteer_b
):
    session = TrainingSessionFactory(commune=village_a.commune, village=village_a)
    row = AttendanceFactory(session=session, volunteer=volunteer_a)
    client.force_login(officer)
    url, data = _change(client, session)
    (volunteer_field,) = [n for n in data if n.endswith("-volunteer")]
    data[volunteer_field] = [str(volunteer_b.pk)]

    response = client.post(url, data)

    assert response.status_code == 200
    refusal = _vietnamese("%(name)s is not a volunteer of this session's branch.")
    assert refusal % {"name": volunteer_b.full_name} in response.content.decode()
    assert Attendance.objects.get(pk=row.pk).volunteer == volunteer_a
