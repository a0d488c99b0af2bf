"""Issue 15 §1: visits typed on the phone without signal reach the server once.

The phone's outbox (static/js/visits.js) sends its waiting visits in batches to
``/tinh-nguyen/dong-bo/``; each carries the id it was given on the phone, and the
answer is per visit: stored, already stored, or refused with the reasons. The page's
own form carries such an id too, so a double tap or a resent form is saved once.
"""

import json
import uuid

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from tests.factories import UserFactory
from tests.volunteers.factories import VolunteerFactory
from tests.volunteers.test_pages import _post_visit
from volunteers import services, sync
from volunteers.models import AssistanceRecord

pytestmark = pytest.mark.django_db

SYNC = "/tinh-nguyen/dong-bo/"


def visit(village, volunteers, *, services_ticked=("vneid_activated",), **extra):
    """One outbox item, as the phone keeps it: an id and the form's [name, value] pairs."""
    fields = [
        ["helped_on", timezone.localdate().isoformat()],
        ["village", str(village.pk)],
        *[["volunteers", str(v.pk)] for v in volunteers],
        *[[f"svc_{s}", "on"] for s in services_ticked],
        *[[f"out_{s}", "done"] for s in services_ticked],
        ["resident_name", ""],
        ["campaign", ""],
        *[[name, value] for name, value in extra.items()],
    ]
    return {"id": str(uuid.uuid4()), "fields": fields}


def send(client, items):
    response = client.post(SYNC, {"visits": items}, content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()["visits"]


def statuses(answers):
    return [a["status"] for a in answers]


@pytest.fixture
def batch(village_a, volunteer_a):
    """Three visits typed offline: two right, one without any service."""
    return [
        visit(village_a, [volunteer_a]),
        visit(village_a, [volunteer_a], resident_name="Bà Ksor H'Nhi", resident_consented="on"),
        visit(village_a, [volunteer_a], services_ticked=()),
    ]


def test_a_batch_is_answered_visit_by_visit(client, volunteer, batch):
    client.force_login(volunteer)
    answers = send(client, batch)
    assert statuses(answers) == ["stored", "stored", "refused"]
    assert [a["id"] for a in answers] == [item["id"] for item in batch]
    stored = AssistanceRecord.objects.order_by("pk")
    assert [str(r.client_id) for r in stored] == [batch[0]["id"], batch[1]["id"]]
    assert stored[1].resident_name == "Bà Ksor H'Nhi"
    assert all(r.recorded_by == volunteer for r in stored)
    refused = answers[2]
    assert refused["errors"]["__all__"] == ["Đánh dấu ít nhất một dịch vụ đã hỗ trợ người dân."]
    assert refused["reasons"] == ["Đánh dấu ít nhất một dịch vụ đã hỗ trợ người dân."]


def test_the_same_batch_sent_again_stores_nothing_new(client, volunteer, batch):
    client.force_login(volunteer)
    send(client, batch)
    again = send(client, batch)
    assert statuses(again) == ["already", "already", "refused"]
    assert AssistanceRecord.objects.count() == 2


def test_a_visit_twice_in_one_batch_is_stored_once(client, volunteer, village_a, volunteer_a):
    client.force_login(volunteer)
    item = visit(village_a, [volunteer_a])
    assert statuses(send(client, [item, item])) == ["stored", "already"]
    assert AssistanceRecord.objects.count() == 1


def test_a_replay_under_another_account_is_refused(client, volunteer, village_a, batch):
    client.force_login(volunteer)
    send(client, batch[:1])
    teammate = UserFactory(
        username="tinhnguyen2", role=Role.VOLUNTEER, village=village_a, commune=village_a.commune
    )
    VolunteerFactory(village=village_a, user=teammate)
    client.force_login(teammate)
    (answer,) = send(client, batch[:1])
    assert answer["status"] == "refused"
    assert answer["reasons"] == ["Lượt này đã được gửi từ một tài khoản khác; chưa lưu."]
    assert AssistanceRecord.objects.get().recorded_by == volunteer


def test_a_visit_of_another_communes_village_is_refused(
    client, volunteer, volunteer_a, other_village
):
    client.force_login(volunteer)
    (answer,) = send(client, [visit(other_village, [volunteer_a])])
    assert answer["status"] == "refused"
    assert "village" in answer["errors"]
    assert answer["reasons"][0].startswith("Thôn, làng: ")
    assert not AssistanceRecord.objects.exists()


def test_a_volunteer_of_another_branch_is_refused_for_a_volunteer(
    client, volunteer, village_a, volunteer_a, volunteer_b
):
    """A volunteer names their own branch's members only, as on the page."""
    client.force_login(volunteer)
    (answer,) = send(client, [visit(village_a, [volunteer_b])])
    assert answer["status"] == "refused"
    assert "volunteers" in answer["errors"]


def test_a_visit_without_an_id_is_refused_never_stored(client, volunteer, village_a, volunteer_a):
    client.force_login(volunteer)
    item = visit(village_a, [volunteer_a])
    item["id"] = "not-a-uuid"
    (answer,) = send(client, [item])
    assert answer["status"] == "refused"
    assert not AssistanceRecord.objects.exists()


def test_signed_out_the_outbox_is_told_where_to_sign_in(client, batch):
    for response in (client.get(SYNC), client.post(SYNC, {"visits": batch}, "application/json")):
        assert response.status_code == 401
        assert response.json()["sign_in"] == "/accounts/login/?next=%2Ftinh-nguyen%2F"
    assert not AssistanceRecord.objects.exists()


def test_someone_who_logs_no_visits_is_not_found(client, vendor, batch):
    client.force_login(vendor)
    assert client.get(SYNC).status_code == 404
    assert client.post(SYNC, {"visits": batch}, "application/json").status_code == 404


def test_the_post_needs_the_token_the_get_gives(volunteer, batch):
    client = Client(enforce_csrf_checks=True)
    client.force_login(volunteer)
    body = json.dumps({"visits": batch})
    assert client.post(SYNC, body, content_type="application/json").status_code == 403
    hello = client.get(SYNC).json()
    assert hello["owner"] == volunteer.pk
    response = client.post(
        SYNC, body, content_type="application/json", headers={"X-CSRFToken": hello["csrf"]}
    )
    assert response.status_code == 200
    assert AssistanceRecord.objects.count() == 2


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        json.dumps({"nothing": []}),
        json.dumps({"visits": ["a string"]}),
        json.dumps({"visits": [{"id": str(uuid.uuid4()), "fields": [["only a name"]]}]}),
        json.dumps({"visits": [{"id": str(uuid.uuid4()), "fields": []}] * (sync.MAX_BATCH + 1)}),
    ],
)
def test_what_is_not_a_batch_is_refused_whole(client, volunteer, volunteer_a, body):
    client.force_login(volunteer)
    response = client.post(SYNC, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"] == "Đây không phải một gói lượt hỗ trợ."
    assert not AssistanceRecord.objects.exists()


def test_a_batch_takes_queries_per_visit_not_per_batch_size_squared(
    client, volunteer, village_a, volunteer_a, django_assert_max_num_queries
):
    """Each visit is checked and saved on its own (its own savepoint); what the batch
    shares (who is signed in, which ids came before) is read once."""
    client.force_login(volunteer)
    send(client, [visit(village_a, [volunteer_a])])  # warm the session and the caches
    with django_assert_max_num_queries(10 + 30 * 10):
        assert (
            statuses(send(client, [visit(village_a, [volunteer_a]) for _ in range(10)]))
            == ["stored"] * 10
        )


# ------------------------------------------------------------------ the page's own form


def test_the_form_carries_a_fresh_id_each_time(client, volunteer, volunteer_a):
    client.force_login(volunteer)
    first = client.get("/tinh-nguyen/ghi-nhan/").context["form"].initial["client_id"]
    second = client.get("/tinh-nguyen/ghi-nhan/").context["form"].initial["client_id"]
    assert isinstance(first, uuid.UUID) and first != second


def test_a_form_posted_twice_is_saved_once(client, volunteer, village_a, volunteer_a):
    client.force_login(volunteer)
    client_id = str(uuid.uuid4())
    first = _post_visit(client, village_a, [volunteer_a], client_id=client_id)
    assert first["Location"] == f"/tinh-nguyen/?luu={client_id}"
    second = _post_visit(client, village_a, [volunteer_a], client_id=client_id, follow=True)
    assert AssistanceRecord.objects.count() == 1
    assert "Lượt này đã được lưu rồi." in second.content.decode()


def test_a_refused_form_keeps_its_id(client, volunteer, village_a, volunteer_a):
    client.force_login(volunteer)
    client_id = str(uuid.uuid4())
    response = _post_visit(
        client,
        village_a,
        [volunteer_a],
        client_id=client_id,
        svc_vneid_activated="",
        svc_payment_app="",
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert f'value="{client_id}"' in page and "data-bound" in page


def test_the_service_stores_an_id_once_even_when_both_pass_the_check(
    village_a, volunteer_a, volunteer
):
    """Two requests with one id at the same moment: the unique index decides."""
    client_id = uuid.uuid4()
    fields = {
        "helped_on": timezone.localdate(),
        "village": village_a,
        "volunteers": [volunteer_a],
        "services": {"vneid_activated": "done"},
        "client_id": client_id,
        "actor": volunteer,
    }
    services.assistance_record(**fields)
    with pytest.raises(services.VisitSentBefore) as raised:
        services.assistance_record(**fields)
    assert raised.value.recorded_by_id == volunteer.pk
    assert AssistanceRecord.objects.count() == 1


# ------------------------------------------------------------------ the installable app


def test_the_manifest_installs_the_volunteers_pages(client):
    manifest = client.get(reverse("volunteers:manifest"))
    assert manifest["Content-Type"] == "application/manifest+json"
    data = manifest.json()
    assert data["start_url"] == data["scope"] == "/tinh-nguyen/"
    assert data["display"] == "standalone"
    assert data["name"] == "Tình nguyện viên số Chư Prông"
    sources = {icon["sizes"]: icon["src"] for icon in data["icons"]}
    for size in (192, 512):
        assert f"/static/img/app-{size}." in sources[f"{size}x{size}"]
        assert finders.find(f"img/app-{size}.png")


def test_the_volunteer_pages_name_the_app_and_its_outbox(client, volunteer, volunteer_a):
    client.force_login(volunteer)
    for url in ("/tinh-nguyen/", "/tinh-nguyen/ghi-nhan/"):
        page = client.get(url).content.decode()
        assert 'rel="manifest" href="/tinh-nguyen/app.webmanifest"' in page, url
        assert "data-outbox" in page and "js/visits" in page, url
        assert "Đã lưu trên máy — {n} lượt chờ gửi." in page, url


def test_the_worker_keeps_the_form_and_spares_other_caches(client):
    script = client.get(reverse("volunteers:service_worker"))
    assert script["Content-Type"].startswith("application/javascript")
    text = script.content.decode()
    assert 'const FORM = "/tinh-nguyen/ghi-nhan/";' in text
    assert '"/tinh-nguyen/ghi-nhan/"' in text.split("const PRECACHE = ")[1].splitlines()[0]
    assert "name.startsWith(PREFIX) && name !== CACHE" in text


def test_the_library_worker_spares_the_volunteers_cache(client):
    """Updating the library's worker used to delete every other cache of the site."""
    text = client.get("/sw.js").content.decode()
    assert 'name.startsWith("thu-vien-") && name !== CACHE' in text


def test_a_branch_secretary_is_refused_another_villages_visit(
    client, secretary_a, village_b, volunteer_b
):
    """A branch secretary logs visits in their own village only, as on the page."""
    client.force_login(secretary_a)
    (answer,) = send(client, [visit(village_b, [volunteer_b])])
    assert answer["status"] == "refused"
    assert "village" in answer["errors"]
    assert not AssistanceRecord.objects.exists()
