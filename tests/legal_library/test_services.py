import datetime as dt

import pytest

from core.roles import Role
from legal_library import services
from legal_library.models import Document, LibraryPoint
from tests.factories import UserFactory, VillageFactory
from tests.legal_library.conftest import save

pytestmark = pytest.mark.django_db


def test_a_document_gets_a_vietnamese_slug_safe_html_and_folded_search_text(law):
    assert law.slug == "luat-hon-nhan-va-gia-dinh"
    assert "<h2>Điều kiện kết hôn</h2>" in law.body_html
    assert "<strong>tự nguyện</strong>" in law.body_html
    assert "hon nhan va gia dinh" in law.search_text and "tu nguyen" in law.search_text
    assert law.status == Document.Status.IN_FORCE
    assert law.published_at and law.updated_at


def test_same_titles_get_distinct_slugs(marriage):
    first = save(title="Hướng dẫn", published=True)
    second = save(title="Hướng  dẫn", published=True)
    assert (first.slug, second.slug) == ("huong-dan", "huong-dan-2")


def test_published_changes_are_kept_as_revisions(law, officer, commune):
    # a second officer of the commune (a branch secretary keeps no document)
    secretary_a = UserFactory(username="canboxa2", role=Role.COMMUNE_OFFICER, commune=commune)
    first_update = law.updated_at
    before = services.snapshot_of(law)
    law.summary = "Tóm tắt mới."
    services.document_save(document=law, actor=secretary_a, before=before)
    revisions = list(law.revisions.order_by("number"))
    assert [r.number for r in revisions] == [1, 2]
    assert revisions[0].changed_by == officer
    assert revisions[1].changed_by == secretary_a
    assert revisions[1].changes == {
        "summary": ["Nam từ đủ 20 tuổi, nữ từ đủ 18 tuổi mới được kết hôn.", "Tóm tắt mới."]
    }
    law.refresh_from_db()
    assert law.updated_at > first_update


def test_saving_without_a_change_makes_no_revision(law):
    services.document_save(document=law, actor=None, before=services.snapshot_of(law))
    assert law.revisions.count() == 1


def test_a_draft_makes_no_revision_until_published(officer):
    draft = save(title="Dự thảo", body="x", commune=officer.commune)
    assert draft.revisions.count() == 0 and draft.updated_at is None
    services.document_set_published(document=draft, published=True, actor=officer)
    assert draft.revisions.get().changes["published"] == [False, True]


def test_status_follows_dates_and_replacement():
    today = dt.date(2026, 11, 25)
    doc = Document(effective_on=dt.date(2027, 1, 1))
    assert services.status_on(doc, today) == "not_yet"
    doc.effective_on = dt.date(2020, 1, 1)
    assert services.status_on(doc, today) == "in_force"
    doc.expires_on = dt.date(2026, 11, 24)
    assert services.status_on(doc, today) == "expired"


def test_the_daily_task_moves_documents_as_dates_pass(law):
    from legal_library.tasks import refresh_document_status

    law.effective_on = dt.date(2026, 12, 1)
    law.status = "not_yet"
    law.save()
    assert services.documents_refresh_status(today=dt.date(2026, 11, 30)) == 0
    assert services.documents_refresh_status(today=dt.date(2026, 12, 1)) == 1
    law.refresh_from_db()
    assert law.status == "in_force"
    assert law.revisions.order_by("-number").first().changes == {"status": ["not_yet", "in_force"]}
    law.expires_on = dt.date(2000, 1, 1)
    law.save()
    assert refresh_document_status.apply().get() == 1  # runs here, with or without a broker
    law.refresh_from_db()
    assert law.status == "expired"


def test_expanding_to_every_village_is_safe_to_run_twice(commune, officer):
    villages = VillageFactory.create_batch(32, commune=commune)
    for village in villages[:8]:
        services.point_create(
            village=village, name=f"Điểm {village.name}", code=village.code, actor=officer
        )
    created = services.points_expand(commune=commune, actor=officer)
    assert len(created) == 24
    assert services.points_expand(commune=commune, actor=officer) == []
    assert LibraryPoint.objects.filter(village__commune=commune).count() == 32
    assert {p.code for p in created} == {v.code.upper() for v in villages[8:]}


def test_expanding_another_commune_with_the_same_village_codes(commune, other_commune):
    a = VillageFactory(commune=commune, code="T01")
    b = VillageFactory(commune=other_commune, code="T01")
    services.points_expand(commune=commune, actor=None)
    services.points_expand(commune=other_commune, actor=None)
    assert a.library_points.get().code == "T01"
    assert b.library_points.get().code == f"T01-{other_commune.pk}"


def test_bulk_assignment_to_points(point_a, law, land_law):
    point_a.shows_all = False
    point_a.save()
    assert services.point_add_documents(point=point_a, documents=[law, land_law], actor=None) == 2
    assert (
        services.point_add_documents(point=point_a, documents=[law], pinned=True, actor=None) == 0
    )
    assert point_a.entries.get(document=law).pinned


@pytest.mark.parametrize("code", ["t03", "T03", "t03 "])
def test_point_codes_are_unique_whatever_the_case(point_a, other_village, code):
    """Another commune's officer cannot open "t03" beside the printed /l/T03/."""
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        services.point_create(village=other_village, name="Tủ sách lạ", code=code, actor=None)
    assert "chữ hoa và chữ thường" in " ".join(caught.value.messages)
    assert list(LibraryPoint.objects.values_list("code", flat=True)) == ["T03"]


@pytest.mark.django_db(transaction=True)
def test_the_migration_renames_codes_that_already_differ_only_in_case(village_a):
    """Codes made before the constraint: the first point keeps its code, later ones get
    a suffix, and the migration goes through."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("legal_library", "0003_report_indexes")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("legal_library", "LibraryPoint")
    for name, code in [
        ("gốc", "T01-2"),
        ("chiếm", "t01-2"),
        ("thứ ba", "T01-2-2"),
        ("dài", "ABCDEFGHIJKL"),
        ("dài 2", "abcdefghijkl"),
    ]:
        old.objects.create(village_id=village_a.pk, name=name, code=code)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    codes = dict(LibraryPoint.objects.values_list("name", "code"))
    assert codes == {
        "gốc": "T01-2",
        "chiếm": "t01-2-3",  # "t01-2-2" would clash with "T01-2-2"
        "thứ ba": "T01-2-2",
        "dài": "ABCDEFGHIJKL",
        "dài 2": "abcdefghij-2",
    }


def test_text_too_complex_to_render_is_kept_as_plain_paragraphs(client):
    """From a door other than the admin's form (which refuses it): saved, never stuck."""
    document = save(title="Văn bản lạ", body="[" * 50_000 + "\n\n<b>Điều 1</b>", published=True)
    assert document.body_html.startswith("<p>[[[") and "&lt;b&gt;Điều 1" in document.body_html
    assert "dieu" in document.search_text
    response = client.get(f"/van-ban/{document.slug}/")
    assert response.status_code == 200 and "&lt;b&gt;Điều 1" in response.content.decode()
