"""Residents' requests (issue 15 §3, Decree 13/2023/NĐ-CP): an officer of the resident's
commune finds them, shows or downloads what is kept (audited), and erases it, with the
history of visits deleted before; notes go with the name and phone, on request and when
the lifetime ends."""

import datetime
import io
import json

import openpyxl
import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import override_settings
from django.urls import reverse

from core import audit
from core.models import AuditEntry
from tests.volunteers.factories import CampaignFactory, VolunteerFactory
from volunteers import selectors, services, spreadsheets
from volunteers.models import AssistanceRecord

pytestmark = pytest.mark.django_db

MAI, PHONE = "Bà Nguyễn Thị Mai", "0912345678"
TODAY = datetime.date(2026, 12, 2)
OLD = datetime.date(2025, 6, 10)  # older than 12 months on TODAY
RECENT = datetime.date(2026, 11, 5)
DESK = "/tinh-nguyen/du-lieu-nguoi-dan/"


def _visit(village, volunteers, day=RECENT, *, name="", phone="", year=None, notes="", **kw):
    return services.assistance_record(
        helped_on=day,
        village=village,
        volunteers=volunteers,
        services=kw.pop("given", None) or {"vneid_created": "done"},
        resident_name=name,
        resident_phone=phone,
        resident_birth_year=year,
        resident_consented=bool(name or phone),
        notes=notes,
        actor=None,
        **kw,
    ).record


@pytest.fixture
def residents(commune, village_a, village_b, other_village, volunteer_a):
    """Mai (1958) seen twice, once in lower case; a namesake born 1960; a phone-only
    visit with Mai's phone; someone else; and a Mai of another commune."""
    campaign = CampaignFactory(
        commune=commune, starts_on=datetime.date(2026, 11, 1), ends_on=datetime.date(2026, 11, 30)
    )
    volunteer_b = VolunteerFactory(village=village_b, full_name="Siu Thị Hoa")
    other = VolunteerFactory(village=other_village)
    a, b = [volunteer_a], [volunteer_b]
    return {
        "mai": _visit(
            village_a,
            a,
            name=MAI,
            phone=PHONE,
            year=1958,
            campaign=campaign,
            notes="Con gái là Rơ Châm H'Nga",
            given={"vneid_created": "done", "payment_app": "follow_up"},
        ),
        "mai_again": _visit(
            village_b, b, datetime.date(2026, 11, 20), name="bà nguyễn thị mai", year=1958
        ),
        "namesake": _visit(village_a, a, name=MAI, year=1960),
        "phone_only": _visit(village_b, b, phone=PHONE),
        "someone": _visit(village_a, a, name="Ông Ksor Y Bih", year=1970),
        "other_commune": _visit(other_village, [other], name=MAI, phone=PHONE, year=1958),
    }


def _history(*records):
    content_type = ContentType.objects.get_for_model(AssistanceRecord)
    return AuditEntry.objects.filter(
        content_type=content_type, object_id__in=[str(r.pk) for r in records]
    )


def _text(entries) -> str:
    return json.dumps([[e.changes, e.object_repr, e.note] for e in entries], ensure_ascii=False)


# ------------------------------------------------------------------ finding the resident


@pytest.mark.parametrize("query", ["0912 345 678", "+84912345678"])
def test_an_officer_finds_the_residents_of_a_phone_written_any_way(officer, residents, query):
    found = selectors.resident_search(officer, query)
    assert [(f.name, f.birth_year, f.phones, f.visits) for f in found] == [
        ("", None, [PHONE], 1),  # the phone-only visit is its own resident (the newest)
        (MAI, 1958, [PHONE], 1),
    ]


def test_a_name_without_diacritics_finds_each_resident_once(officer, residents):
    found = selectors.resident_search(officer, "nguyen MAI")
    assert sorted((f.birth_year, f.visits, tuple(f.villages)) for f in found) == [
        (1958, 2, ("Làng Kte", "Thôn 3")),
        (1960, 1, ("Thôn 3",)),
    ]
    assert selectors.resident_search(officer, "nguyen hoa") == []
    assert selectors.resident_search(officer, "!!") == []


@pytest.mark.parametrize("persona", ["other_officer", "secretary_a", "volunteer"])
def test_nobody_else_finds_the_communes_residents(request, persona, residents):
    user = request.getfixturevalue(persona)
    found = selectors.resident_search(user, "nguyen thi mai")
    assert [f.pk for f in found] == (
        [residents["other_commune"].pk] if persona == "other_officer" else []
    )
    with pytest.raises(selectors.Http404):
        selectors.resident_visits(user, residents["mai"].pk)


def test_the_residents_visits_are_the_same_name_and_year_or_without_a_name_the_phone(
    officer, residents
):
    visits = selectors.resident_visits(officer, residents["mai_again"].pk)
    assert [v.pk for v in visits] == [residents["mai"].pk, residents["mai_again"].pk]
    visits = selectors.resident_visits(officer, residents["phone_only"].pk)
    assert [v.pk for v in visits] == [residents["phone_only"].pk]


def test_an_anonymous_visit_is_nobodys_page(officer, village_a, volunteer_a):
    record = _visit(village_a, [volunteer_a], year=1950)
    with pytest.raises(selectors.Http404):
        selectors.resident_visits(officer, record.pk)


def test_the_desk_page_searches_and_links_each_resident(client, officer, residents):
    client.force_login(officer)
    page = client.get(DESK, {"q": "nguyen thi mai"})
    assert page.status_code == 200
    assert page["Cache-Control"] == "private, no-store"
    text = page.content.decode()
    assert f'href="{DESK}{residents["mai"].pk}/"' not in text  # the newest visit links
    assert f'href="{DESK}{residents["mai_again"].pk}/"' in text
    assert f'href="{DESK}{residents["namesake"].pk}/"' in text
    assert "Ksor" not in text
    assert client.get(DESK).status_code == 200  # no search yet: the form alone


# ------------------------------------------------------------------ access on request


def test_the_residents_page_shows_everything_kept_and_is_audited(
    client, officer, residents, django_assert_num_queries
):
    client.force_login(officer)
    # session, user, roles, permissions (2), the visit, its resident's visits with services
    # and volunteers (3), one history entry per visit in a savepoint (2 + 2), the menu's vendor
    with django_assert_num_queries(14):
        page = client.get(f"{DESK}{residents['mai'].pk}/")
    text = page.content.decode()
    for shown in (
        MAI,
        "bà nguyễn thị mai",
        PHONE,
        "1958",
        "Thôn 3",
        "Làng Kte",
        "05/11/2026",
        "20/11/2026",
        "Con gái là Rơ Châm H&#x27;Nga",
        "Cần theo dõi tiếp",
        residents["mai"].campaign.name,
        "Siu Thị Hoa",
    ):
        assert shown in text, shown
    assert "1960" not in text and "Ksor" not in text
    entries = _history(residents["mai"], residents["mai_again"]).filter(action="update")
    assert [(e.actor, e.changes, e.note) for e in entries] == [
        (officer, {}, "Đã xem dữ liệu được lưu về người dân theo yêu cầu của họ.")
    ] * 2
    assert not _history(residents["namesake"], residents["someone"]).filter(action="update")


def test_the_export_holds_every_visit_of_the_resident_and_is_audited(client, officer, residents):
    client.force_login(officer)
    response = client.get(f"{DESK}{residents['mai_again'].pk}/tai-ve.xlsx")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert "du-lieu-nguoi-dan.xlsx" in response["Content-Disposition"]
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    rows = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    header = rows.index(next(r for r in rows if r and r[0] == "Ngày"))
    assert rows[header] == spreadsheets.RESIDENT_COLUMNS
    assert {"Họ và tên", "Số điện thoại", "Ghi chú"} <= set(rows[header])
    data = rows[header + 1 :]
    assert len(data) == 2
    first, second = data
    assert first[0].date() == RECENT and second[0].date() == datetime.date(2026, 11, 20)
    assert first[1] == "Thôn 3"
    assert "VNeID" in first[2] and "Cần theo dõi tiếp" in first[2]
    assert first[3] == residents["mai"].campaign.name
    assert first[4] == residents["mai"].volunteers.get().full_name
    assert (first[6], first[7], first[8], first[9], first[11]) == (
        MAI,
        1958,
        PHONE,
        "có",
        "Con gái là Rơ Châm H'Nga",
    )
    assert (second[1], second[4], second[6]) == ("Làng Kte", "Siu Thị Hoa", "bà nguyễn thị mai")
    flat = json.dumps(rows, default=str, ensure_ascii=False)
    assert "1960" not in flat and "Ksor" not in flat
    entries = _history(residents["mai"], residents["mai_again"]).filter(action="update")
    assert {(e.actor_id, e.note) for e in entries} == {
        (officer.pk, "Đã tải về dữ liệu được lưu về người dân theo yêu cầu của họ.")
    }
    assert entries.count() == 2


# ------------------------------------------------------------------ erasure from the desk


def test_the_erase_page_asks_first_and_erases_only_the_ticked_visits(client, officer, residents):
    client.force_login(officer)
    url = f"{DESK}{residents['mai'].pk}/xoa/"
    page = client.get(url).content.decode()
    assert page.count('type="checkbox"') == 2 and page.count("checked") == 2
    assert AssistanceRecord.objects.filter(resident_name=MAI).count() == 3  # nothing yet
    assert client.post(url, {}).status_code == 400  # nothing ticked
    # a visit of another resident posted in is not a choice: nothing is erased
    assert client.post(url, {"records": [residents["someone"].pk]}).status_code == 400
    response = client.post(url, {"records": [residents["mai"].pk]}, follow=True)
    assert response.redirect_chain == [(DESK, 302)]
    assert "Đã xoá tên, số điện thoại và ghi chú khỏi 1 lượt hỗ trợ" in response.content.decode()
    kept = {k: AssistanceRecord.objects.get(pk=r.pk) for k, r in residents.items()}
    assert (kept["mai"].resident_name, kept["mai"].resident_phone, kept["mai"].notes) == (
        "",
        "",
        "",
    )
    assert kept["mai_again"].resident_name == "bà nguyễn thị mai"  # unticked
    assert kept["phone_only"].resident_phone == PHONE
    assert kept["other_commune"].resident_name == MAI
    text = _text(_history(residents["mai"]))
    assert MAI not in text and PHONE not in text and "H'Nga" not in text


# ------------------------------------------------------------------ deleted visits' history


def _delete(record, actor=None):
    """What the admin does: the delete entry (with the values before), then the delete."""
    pk = record.pk
    audit.record_delete(actor=actor, obj=record)
    record.delete()
    record.pk = pk  # to find its history


def test_erasure_redacts_the_history_of_the_residents_visits_deleted_before(
    officer, residents, village_a, village_b, other_village, volunteer_a
):
    gone_by_name = _visit(
        village_a, [volunteer_a], name="BÀ NGUYỄN THỊ MAI", year=1958, notes="ở nhờ"
    )
    gone_no_year = _visit(
        village_b, [VolunteerFactory(village=village_b)], name="bà Nguyễn Thị Mai"
    )
    gone_by_phone = _visit(village_a, [volunteer_a], phone=PHONE, notes="gọi lại sau")
    gone_namesake = _visit(village_a, [volunteer_a], name=MAI, year=1960)
    gone_elsewhere = _visit(
        other_village, [VolunteerFactory(village=other_village)], name=MAI, year=1958
    )
    gone_someone = _visit(village_a, [volunteer_a], name="Ông Ksor Y Bih", year=1970)
    gone = [gone_by_name, gone_no_year, gone_by_phone, gone_namesake, gone_elsewhere, gone_someone]
    for record in gone:
        _delete(record, officer)
    assert MAI.upper() in _text(_history(gone_by_name))  # today: the name stays

    visits = selectors.resident_visits(officer, residents["mai"].pk)
    assert services.resident_data_erase(records=visits, actor=officer) == 2

    for record in (gone_by_name, gone_no_year, gone_by_phone):
        entries = _history(record)
        assert entries.count() == 2  # created, deleted
        text = _text(entries)
        for secret in ("MAI", "Mai", PHONE, "ở nhờ", "gọi lại sau"):
            assert secret not in text, (record, secret)
        deleted = entries.get(action="delete")
        assert deleted.object_repr.startswith("Ẩn danh ")
        assert "[đã xoá]" in text
        assert deleted.changes["helped_on"] == [RECENT.isoformat(), None]
    # another person, another commune: their history is theirs
    assert "1960" in _text(_history(gone_namesake)) and MAI in _text(_history(gone_namesake))
    assert MAI in _text(_history(gone_elsewhere))
    assert "Ksor" in _text(_history(gone_someone))
    # the ServiceGiven rows of the deleted visits named nobody and are unchanged
    assert AssistanceRecord.objects.get(pk=residents["namesake"].pk).resident_name == MAI


def test_a_deleted_visit_through_the_admin_is_redacted_too(client, officer, residents):
    record = residents["phone_only"]
    client.force_login(officer)
    response = client.post(
        f"/admin/volunteers/assistancerecord/{record.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert not AssistanceRecord.objects.filter(pk=record.pk).exists()
    assert PHONE in _text(_history(record))
    services.resident_data_erase(records=[residents["mai"]], actor=officer)
    assert PHONE not in _text(_history(record))


def test_the_erasure_and_the_deleted_visits_history_go_together_or_not_at_all(
    officer, residents, village_a, volunteer_a, monkeypatch
):
    gone = _visit(village_a, [volunteer_a], name=MAI, year=1958)
    _delete(gone)

    def broken(**kwargs):
        raise RuntimeError("the history could not be written")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        services.resident_data_erase(records=[residents["mai"]], actor=officer)
    assert AssistanceRecord.objects.get(pk=residents["mai"].pk).resident_name == MAI
    assert MAI in _text(_history(gone))


# ------------------------------------------------------------------ notes, and the lifetime


def test_the_lifetime_erases_notes_too_and_the_history_of_old_deleted_visits(
    village_a, volunteer_a
):
    old = _visit(village_a, [volunteer_a], OLD, name=MAI, year=1958, notes="Con gái là H'Nga")
    old_notes_only = _visit(village_a, [volunteer_a], OLD, year=1958, notes="nhà bà Mai")
    recent = _visit(village_a, [volunteer_a], RECENT, notes="nhà ông Bih")
    gone_old = _visit(village_a, [volunteer_a], OLD, name="Ông Ksor Y Bih", notes="gần chợ")
    gone_recent = _visit(village_a, [volunteer_a], RECENT, name="Chị Rơ Mah H'Lan")
    _delete(gone_old)
    _delete(gone_recent)

    assert services.resident_data_expire(today=TODAY) == 2
    kept = {r.pk: r for r in AssistanceRecord.objects.all()}
    assert (kept[old.pk].resident_name, kept[old.pk].notes) == ("", "")
    assert (
        kept[old_notes_only.pk].notes == "" and kept[old_notes_only.pk].personal_erased_on == TODAY
    )
    assert kept[recent.pk].notes == "nhà ông Bih"
    for record, secrets in (
        (old, [MAI, "H'Nga"]),
        (old_notes_only, ["nhà bà Mai"]),
        (gone_old, ["Ksor", "gần chợ"]),
    ):
        text = _text(_history(record))
        for secret in secrets:
            assert secret not in text, (record, secret)
    assert "H'Lan" in _text(_history(gone_recent))
    # a second night: nothing more to erase, and the deleted visit's entries stay as they are
    before = list(_history(gone_old).values_list("changes", "object_repr"))
    assert services.resident_data_expire(today=TODAY) == 0
    assert list(_history(gone_old).values_list("changes", "object_repr")) == before


def test_visits_erased_before_notes_were_erased_lose_their_notes_and_keep_their_day(
    village_a, volunteer_a
):
    record = _visit(village_a, [volunteer_a], OLD, name=MAI, notes="nhà bà Mai")
    first = datetime.date(2026, 7, 1)
    AssistanceRecord.objects.filter(pk=record.pk).update(resident_name="", personal_erased_on=first)
    assert services.resident_data_expire(today=TODAY) == 1
    record.refresh_from_db()
    assert (record.notes, record.personal_erased_on) == ("", first)


# ------------------------------------------------------------------ the officers' page


def test_the_policy_page_says_what_is_kept_why_and_for_how_long(client, officer, secretary_a):
    client.force_login(secretary_a)
    with override_settings(RESIDENT_DATA_MONTHS=6):
        text = client.get(reverse("volunteers:resident_policy")).content.decode()
    for said in (
        "Nghị định 13/2023/NĐ-CP",
        "Luật Bảo vệ dữ liệu cá nhân có hiệu lực từ ngày 01/01/2026",
        "6 tháng kể từ ngày hỗ trợ",
        "Bí thư chi đoàn: các lượt hỗ trợ trong thôn mình.",
    ):
        assert said in text
    assert f'href="{DESK}"' not in text  # the desk is the officers'
    client.force_login(officer)
    assert f'href="{DESK}"' in client.get(reverse("volunteers:resident_policy")).content.decode()


def test_the_officers_menu_links_the_desk_and_the_policy(client, officer, secretary_a):
    client.force_login(officer)
    text = client.get("/tinh-nguyen/").content.decode()
    assert DESK in text and f"{DESK}chinh-sach/" in text
    client.force_login(secretary_a)
    text = client.get("/tinh-nguyen/").content.decode()
    assert f"{DESK}chinh-sach/" in text and f'href="{DESK}"' not in text


@pytest.mark.parametrize("persona", ["secretary_a", "volunteer", "other_officer"])
def test_nobody_but_the_communes_officer_can_post_an_erasure(client, request, persona, residents):
    client.force_login(request.getfixturevalue(persona))
    record = residents["mai"]
    response = client.post(f"{DESK}{record.pk}/xoa/", {"records": [record.pk]})
    assert response.status_code == 404
    assert AssistanceRecord.objects.get(pk=record.pk).resident_name == MAI


def test_hostile_visit_ids_in_an_erasure_are_refused_not_a_server_error(client, officer, residents):
    client.force_login(officer)
    url = f"{DESK}{residents['mai'].pk}/xoa/"
    for value in ("9" * 30, "x", "-1", "1e9"):
        assert client.post(url, {"records": [value]}).status_code == 400, value
    assert AssistanceRecord.objects.filter(resident_name=MAI).count() == 3
