"""The full legal status: four statuses with dates, relations between documents both ways,
the nightly task following dates and relations, the compatibility ``replaced_by``."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from core.models import AuditEntry
from legal_library import selectors, services
from legal_library.models import Document, DocumentRelation, Issuer
from legal_library.tasks import refresh_document_status
from tests.legal_library.conftest import save

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = dt.timedelta(days=1)


def relate(source, kind, target, effective_on=None, actor=None):
    return services.relation_save(
        relation=DocumentRelation(
            from_document=source, kind=kind, to_document=target, effective_on=effective_on
        ),
        actor=actor,
    )


@pytest.fixture
def old_land_law(officer):
    return save(
        actor=officer,
        title="Luật Đất đai",
        number="45/2013/QH13",
        effective_on=dt.date(2014, 7, 1),
        published=True,
    )


def test_every_type_of_the_issue_is_offered_and_old_values_stay_valid():
    labels = {str(label) for _value, label in Document.Type.choices}
    assert {
        "Hiến pháp", "Bộ luật", "Luật", "Nghị quyết", "Pháp lệnh", "Nghị định", "Quyết định",
        "Chỉ thị", "Thông tư", "Công văn", "Hướng dẫn", "Tài liệu tuyên truyền",
    } <= labels  # fmt: skip
    for old in ["law", "decree", "circular", "decision", "guidance", "leaflet"]:
        assert old in Document.Type.values
    assert [str(label) for _v, label in Document.Status.choices] == [
        "Chưa có hiệu lực", "Còn hiệu lực", "Hết hiệu lực một phần", "Hết hiệu lực toàn bộ",
    ]  # fmt: skip


def test_a_replacement_in_force_expires_the_old_one_and_sets_its_successor(
    old_land_law, land_law, officer
):
    relate(land_law, "replaces", old_land_law, effective_on=TODAY, actor=officer)
    old_land_law.refresh_from_db()
    assert old_land_law.status == "expired"
    assert old_land_law.replaced_by == land_law == old_land_law.successor
    entry = AuditEntry.objects.filter(object_repr__contains="thay thế").get()
    assert entry.actor == officer


def test_a_replacement_from_a_later_date_waits_for_the_nightly_task(old_land_law, land_law):
    relate(land_law, "replaces", old_land_law, effective_on=TODAY + DAY)
    old_land_law.refresh_from_db()
    assert (old_land_law.status, old_land_law.replaced_by) == ("in_force", None)
    assert services.documents_refresh_status(today=TODAY) == 0
    assert services.documents_refresh_status(today=TODAY + DAY) == 1
    old_land_law.refresh_from_db()
    assert (old_land_law.status, old_land_law.replaced_by) == ("expired", land_law)
    assert old_land_law.revisions.order_by("-number").first().changes == {
        "status": ["in_force", "expired"],
        "replaced_by_id": [None, land_law.pk],
    }
    assert services.documents_refresh_status(today=TODAY + DAY) == 0  # idempotent


def test_an_amendment_makes_it_partly_expired_with_its_date(law, land_law):
    relate(land_law, "amends", law, effective_on=TODAY + DAY)
    assert refresh_document_status.apply(kwargs={}).get() == 0
    assert services.documents_refresh_status(today=TODAY + DAY) == 1
    law.refresh_from_db()
    assert (law.status, law.partly_expired_on) == ("partly_expired", TODAY + DAY)


def test_a_relation_without_a_date_starts_with_the_other_documents_date(law, land_law):
    land_law.effective_on = TODAY + 2 * DAY
    services.document_save(document=land_law, actor=None, before=services.snapshot_of(land_law))
    relate(land_law, "replaces", law)
    law.refresh_from_db()
    assert law.status == "in_force"
    assert services.documents_refresh_status(today=TODAY + 2 * DAY) == 2  # both move
    law.refresh_from_db()
    assert law.status == "expired"


def test_removing_the_relation_puts_the_status_back(law, land_law, officer):
    relation = relate(land_law, "replaces", law)
    services.relation_remove(relation=relation, actor=officer)
    law.refresh_from_db()
    assert (law.status, law.replaced_by) == ("in_force", None)


def test_not_yet_in_force_becomes_in_force_on_its_date(officer):
    draft = save(title="Nghị định mới", effective_on=TODAY + DAY, published=True)
    assert draft.status == "not_yet"
    assert services.documents_refresh_status(today=TODAY + DAY) == 1
    draft.refresh_from_db()
    assert draft.status == "in_force"


def test_a_document_cannot_relate_to_itself_nor_twice_the_same_way(law, land_law):
    with pytest.raises(ValidationError):
        relate(law, "replaces", law)
    relate(land_law, "guides", law)
    with pytest.raises(ValidationError):
        relate(land_law, "guides", law)


def test_several_relations_read_both_ways_with_number_title_and_date(old_land_law, land_law, law):
    relate(land_law, "replaces", old_land_law, effective_on=dt.date(2024, 8, 1))
    relate(land_law, "amends", law)
    guide = save(title="Hướng dẫn đăng ký đất", published=False)
    relate(guide, "guides", land_law)
    old = [str(s) for s in selectors.relation_sentences(old_land_law)]
    assert old == [
        f'Được thay thế bởi <a href="/van-ban/{land_law.slug}/">Luật Đất đai số 31/2024/QH15</a>'
        " từ 01/08/2024"
    ]
    new = [str(s) for s in selectors.relation_sentences(land_law)]
    assert new == [
        "Được hướng dẫn thi hành bởi Hướng dẫn đăng ký đất",  # not published: no link
        f'Sửa đổi, bổ sung <a href="/van-ban/{law.slug}/">Luật Hôn nhân và gia đình số '
        "52/2014/QH13</a>",  # from when this one comes into force: no date known
        f'Thay thế <a href="/van-ban/{old_land_law.slug}/">Luật Đất đai số 45/2013/QH13</a>'
        " từ 01/08/2024",
    ]


def test_the_document_page_shows_the_relations(client, old_land_law, land_law):
    relate(land_law, "replaces", old_land_law, effective_on=dt.date(2024, 8, 1))
    html = client.get(f"/van-ban/{old_land_law.slug}/").content.decode()
    assert "Hết hiệu lực toàn bộ" in html
    assert "Được thay thế bởi" in html and "Luật Đất đai số 31/2024/QH15</a> từ 01/08/2024" in html
    html = client.get(f"/van-ban/{land_law.slug}/").content.decode()
    assert "Thay thế" in html and "Luật Đất đai số 45/2013/QH13</a> từ 01/08/2024" in html


def test_titles_are_escaped_in_the_sentences(land_law):
    odd = save(title="<b>Luật</b> & cũ", published=True)
    relate(land_law, "replaces", odd)
    (sentence,) = selectors.relation_sentences(land_law)
    assert "&lt;b&gt;Luật&lt;/b&gt; &amp; cũ" in sentence and "<b>" not in sentence


@pytest.mark.django_db(transaction=True)
def test_the_migration_turns_replaced_by_into_relations():
    before = [("legal_library", "0004_point_codes_unique_any_case")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("legal_library", "Document")
    new_law = old.objects.create(title="Luật mới", slug="luat-moi")
    old.objects.create(title="Luật cũ", slug="luat-cu", replaced_by=new_law)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    relation = DocumentRelation.objects.get()
    assert (relation.from_document.slug, relation.kind, relation.to_document.slug) == (
        "luat-moi",
        "replaces",
        "luat-cu",
    )


@pytest.mark.parametrize("typed", ["52/2014/QH13", "52-2014-qh13", " 52 / 2014 / QH13 "])
def test_a_number_already_stored_is_refused_by_the_service(law, typed):
    with pytest.raises(ValidationError) as refused:
        save(title="Bản trùng", number=typed, published=True)
    (message,) = refused.value.message_dict["number"]
    assert "52/2014/QH13" in message and "Luật Hôn nhân và gia đình" in message
    assert Document.objects.filter(title="Bản trùng").count() == 0


def test_a_document_keeps_its_own_number_and_other_numbers_are_free(law):
    law.summary = "Khác."
    services.document_save(document=law, actor=None, before=services.snapshot_of(law))
    assert save(title="Luật khác", number="52/2015/QH13").number_key == "522015qh13"


def test_the_admin_refuses_a_stored_number_with_a_link_to_it(client, officer, law):
    client.force_login(officer)
    response = client.post(
        "/admin/legal_library/document/add/",
        {
            "title": "Bản trùng",
            "number": "52-2014-QH13",
            "doc_type": "law",
            "relations_out-TOTAL_FORMS": "0",
            "relations_out-INITIAL_FORMS": "0",
            "audios-TOTAL_FORMS": "0",
            "audios-INITIAL_FORMS": "0",
            "revisions-TOTAL_FORMS": "0",
            "revisions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Số hiệu này đã có:" in html
    assert f'<a href="/admin/legal_library/document/{law.pk}/change/">' in html
    assert not Document.objects.filter(title="Bản trùng").exists()


def test_an_officer_deletes_a_document_and_it_is_audited(client, officer, law, land_law):
    relate(land_law, "replaces", law)
    client.force_login(officer)
    response = client.post(f"/admin/legal_library/document/{law.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Document.objects.filter(pk=law.pk).exists()
    assert not DocumentRelation.objects.exists()
    entry = AuditEntry.objects.filter(action="delete", object_repr=str(law)).get()
    assert entry.actor == officer


def test_an_officer_unpublishes_with_the_action_and_it_is_audited(client, officer, law):
    client.force_login(officer)
    client.post(
        "/admin/legal_library/document/",
        {"action": "unpublish", "_selected_action": [law.pk]},
    )
    law.refresh_from_db()
    assert not law.published
    assert AuditEntry.objects.filter(object_repr=str(law), actor=officer).count() >= 1
    assert law.revisions.order_by("-number").first().changes == {"published": [True, False]}


def test_the_list_of_issuers_is_seeded_and_found_whatever_the_diacritics(officer):
    names = set(Issuer.objects.values_list("name", flat=True))
    assert {"Quốc hội", "Chính phủ", "Thủ tướng Chính phủ", "Bộ Tư pháp", "Bộ Công an"} <= names
    assert {"Hội đồng nhân dân tỉnh Gia Lai", "Ủy ban nhân dân xã Chư Prông"} <= names
    seeded = Issuer.objects.count()
    commune = services.issuer_for_name(name="ubnd xa chu prong", actor=officer)
    assert commune.name == "Ủy ban nhân dân xã Chư Prông"
    new = services.issuer_for_name(name="Sở  Tư pháp tỉnh Gia Lai", actor=officer)
    assert (new.name, Issuer.objects.count()) == ("Sở Tư pháp tỉnh Gia Lai", seeded + 1)
    assert AuditEntry.objects.filter(object_repr="Sở Tư pháp tỉnh Gia Lai", actor=officer).exists()


def test_the_document_page_shows_its_issuer(client, law):
    law.issuer = Issuer.objects.get(name="Quốc hội")
    law.save()
    html = client.get(f"/van-ban/{law.slug}/").content.decode()
    assert '<dd lang="vi">Quốc hội</dd>' in html  # Vietnamese content keeps lang="vi"


def test_an_officer_adds_an_issuer_in_the_admin(client, officer):
    client.force_login(officer)
    response = client.post(
        "/admin/legal_library/issuer/add/",
        {"name": "Ủy ban nhân dân xã Ia Boòng", "short_name": "UBND xã Ia Boòng", "position": 200},
    )
    assert response.status_code == 302
    assert Issuer.objects.filter(short_name="UBND xã Ia Boòng").exists()


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_typed_issuers_to_the_list():
    before = [("legal_library", "0004_point_codes_unique_any_case")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("legal_library", "Document")
    old.objects.create(title="A", slug="a", issuing_body="ubnd  xa Chu Prong")
    old.objects.create(title="B", slug="b", issuing_body="UBND tỉnh Gia Lai")
    old.objects.create(title="C", slug="c", issuing_body="Sở Tư pháp")
    old.objects.create(title="D", slug="d", issuing_body="")
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    issuers = dict(Document.objects.values_list("slug", "issuer__name"))
    assert issuers == {
        "a": "Ủy ban nhân dân xã Chư Prông",
        "b": "Ủy ban nhân dân tỉnh Gia Lai",
        "c": "Sở Tư pháp",
        "d": None,
    }
