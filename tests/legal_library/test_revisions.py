"""A document's revision history reads as "field: before → after", never as JSON."""

import datetime as dt

import pytest

from legal_library import selectors, services
from legal_library.models import Document, DocumentRelation

pytestmark = pytest.mark.django_db


def _edit(document, actor=None, **fields):
    before = services.snapshot_of(document)
    for name, value in fields.items():
        setattr(document, name, value)
    return services.document_save(document=document, actor=actor, before=before)


def _last_lines(document):
    revision = document.revisions.order_by("-number").first()
    return [str(change) for change in selectors.revision_changes(revision)]


def test_a_revision_reads_field_before_after_in_vietnamese(law):
    _edit(
        law,
        title="Luật Hôn nhân và gia đình 2014",
        doc_type=Document.Type.DECREE,
        effective_on=dt.date(2015, 1, 1),
        expires_on=dt.date(2025, 1, 1),
        summary="Tóm tắt mới.",
    )
    assert _last_lines(law) == [
        "Tiêu đề: Luật Hôn nhân và gia đình → Luật Hôn nhân và gia đình 2014",
        "Loại văn bản: Luật → Nghị định",
        "Có hiệu lực từ: — → 01/01/2015",
        "Có hiệu lực đến: — → 01/01/2025",
        "Tình trạng hiệu lực: Còn hiệu lực → Hết hiệu lực toàn bộ",
        "Tóm tắt dễ hiểu: Nam từ đủ 20 tuổi, nữ từ đủ 18 tuổi mới được kết hôn. → Tóm tắt mới.",
    ]


def test_a_successor_reads_as_its_title(law, land_law):
    services.relation_save(
        relation=DocumentRelation(from_document=land_law, kind="replaces", to_document=law),
        actor=None,
    )
    assert _last_lines(law) == [
        "Tình trạng hiệu lực: Còn hiệu lực → Hết hiệu lực toàn bộ",
        f"Được thay thế bởi: — → {land_law}",
    ]


def test_yes_no_and_long_texts_are_shortened(law):
    _edit(law, body="Điều 1. " + "rất dài " * 40, published=False)
    body, published = selectors.revision_changes(law.revisions.order_by("-number").first())
    assert body.before == "## Điều kiện kết hôn Hai bên **tự nguyện**."
    assert body.after.endswith("…") and len(body.after) == selectors.REVISION_CHARS
    assert (published.before, published.after) == ("có", "không")


def test_the_admin_shows_the_readable_lines_not_json(client, officer, law):
    _edit(law, summary="Tóm tắt mới.")
    client.force_login(officer)
    html = client.get(f"/admin/legal_library/document/{law.pk}/change/").content.decode()
    assert "Tóm tắt dễ hiểu: Nam từ đủ 20 tuổi" in html and "→ Tóm tắt mới." in html
    assert "&quot;summary&quot;" not in html and "[&quot;" not in html
