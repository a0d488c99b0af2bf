"""Whose a document is (issue 16): a commune's own, shown at that commune's points only,
or the province's (no commune), shown at every point beside the commune's own. Commune
officers keep their commune's, province officers the province's, through every door
(``services.document_save``: the admin, its actions, the spreadsheet import)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from legal_library import selectors, services, spreadsheets
from legal_library.models import Document
from tests.legal_library.conftest import save
from tests.legal_library.test_import import _row, _xlsx
from tests.legal_library.test_pages import get

pytestmark = pytest.mark.django_db


@pytest.fixture
def point_b(other_village):
    return services.point_create(village=other_village, name="Tủ sách B", code="B01", actor=None)


@pytest.fixture
def documents(officer, other_officer, province_officer, marriage):
    """The province's law, Chư Prông's own notice and Ia Boòng's own notice."""
    return {
        "province": save(
            actor=province_officer, categories=[marriage], title="Luật Hôn nhân tỉnh",
            summary="Hôn nhân.", published=True,
        ),
        "own": save(
            actor=officer, categories=[marriage], title="Thông báo hôn nhân Chư Prông",
            summary="Hôn nhân xã nhà.", published=True,
        ),
        "other": save(
            actor=other_officer, categories=[marriage], title="Thông báo hôn nhân Ia Boòng",
            summary="Hôn nhân xã bên.", published=True,
        ),
    }  # fmt: skip


def _titles(response) -> str:
    return response.content.decode()


def test_saved_documents_have_their_keepers_owner(documents, commune, other_commune):
    assert documents["province"].commune is None
    assert documents["own"].commune == commune and documents["other"].commune == other_commune


def test_a_point_shows_the_provinces_and_its_communes_never_anothers(
    client, point_a, point_b, documents
):
    for url in ("/l/T03/", "/l/T03/c/hon-nhan-gia-dinh/", "/l/T03/?q=hon+nhan"):
        html = _titles(get(client, url))
        assert "Luật Hôn nhân tỉnh" in html and "Thông báo hôn nhân Chư Prông" in html, url
        assert "Ia Boòng" not in html, url
    for url in ("/l/B01/", "/l/B01/?q=hon+nhan"):
        html = _titles(get(client, url))
        assert "Luật Hôn nhân tỉnh" in html and "Thông báo hôn nhân Ia Boòng" in html, url
        assert "Thông báo hôn nhân Chư Prông" not in html, url


def test_a_point_that_shows_only_its_chosen_documents_never_gets_anothers(
    point_a, point_b, documents
):
    with pytest.raises(ValidationError):
        services.point_add_documents(point=point_a, documents=[documents["other"]], actor=None)
    services.point_add_documents(
        point=point_a, documents=[documents["province"], documents["own"]], actor=None
    )
    point_a.shows_all = False
    shown = {d.title for d in selectors.point_documents(point_a)}
    assert shown == {"Luật Hôn nhân tỉnh", "Thông báo hôn nhân Chư Prông"}


def test_another_communes_document_opens_without_the_points_way_back(
    client, point_a, point_b, documents
):
    other = documents["other"]
    html = _titles(get(client, f"/van-ban/{other.slug}/?diem=T03"))
    assert "Thông báo hôn nhân Ia Boòng" in html and "Tủ sách pháp luật Thôn 3" not in html
    own = _titles(get(client, f"/van-ban/{documents['own'].slug}/?diem=T03"))
    assert "Tủ sách pháp luật Thôn 3" in own
    province = _titles(get(client, f"/van-ban/{documents['province'].slug}/?diem=B01"))
    assert "Tủ sách B" in province


def test_the_library_search_is_the_provinces_and_the_communes_asked(
    client, documents, commune, other_commune
):
    """From a commune's pages (?xa=): the province's and that commune's own. Without a
    commune: every published document (all are public; a villager who opens the search
    alone still finds their commune's notices)."""

    def found(**params):
        response = get(client, "/phap-luat/tim/", data={"q": "hon nhan", **params})
        return {d.title for d in response.context["documents"]}

    everything = {
        "Luật Hôn nhân tỉnh",
        "Thông báo hôn nhân Chư Prông",
        "Thông báo hôn nhân Ia Boòng",
    }
    assert found() == everything
    assert found(xa=commune.slug) == {"Luật Hôn nhân tỉnh", "Thông báo hôn nhân Chư Prông"}
    assert found(xa=other_commune.slug) == {"Luật Hôn nhân tỉnh", "Thông báo hôn nhân Ia Boòng"}
    assert found(xa="khong-co") == everything
    assert found(xa="x" * 300) == everything


def test_a_cached_point_page_follows_a_new_document_of_its_commune_only(
    client, point_a, point_b, documents, officer, other_officer, django_capture_on_commit_callbacks
):
    assert "Thông báo mới" not in _titles(get(client, "/l/T03/"))  # cached now
    with django_capture_on_commit_callbacks(execute=True):
        save(actor=other_officer, title="Thông báo mới Ia Boòng", published=True)
        save(actor=officer, title="Thông báo mới Chư Prông", published=True)
    html = _titles(get(client, "/l/T03/"))
    assert "Thông báo mới Chư Prông" in html and "Thông báo mới Ia Boòng" not in html


@pytest.mark.parametrize(
    ("who", "owner", "allowed"),
    [
        ("officer", "own", True),
        ("officer", "province", False),
        ("officer", "other", False),
        ("other_officer", "own", False),
        ("province_officer", "province", True),
        ("province_officer", "own", False),
        ("secretary_a", "own", False),
        ("volunteer", "province", False),
    ],
)
def test_the_service_lets_only_the_keepers_change_a_document(
    request, documents, who, owner, allowed
):
    actor = request.getfixturevalue(who)
    document = documents[owner]
    before = services.snapshot_of(document)
    document.summary = "Đã sửa."
    if allowed:
        services.document_save(document=document, actor=actor, before=before)
    else:
        with pytest.raises(PermissionDenied):
            services.document_save(document=document, actor=actor, before=before)
        with pytest.raises(PermissionDenied):
            services.document_set_published(document=document, published=False, actor=actor)
    document.refresh_from_db()
    assert (document.summary == "Đã sửa.") is allowed


def test_a_document_cannot_be_moved_to_another_owner(documents, officer, other_commune):
    own = documents["own"]
    before = services.snapshot_of(own)
    own.commune = None  # made province-wide by a commune officer
    with pytest.raises(PermissionDenied):
        services.document_save(document=own, actor=officer, before=before)
    own.commune = other_commune
    with pytest.raises(PermissionDenied):
        services.document_save(document=own, actor=officer, before=before)


def test_the_admin_lists_and_changes_the_officers_own(client, officer, documents):
    client.force_login(officer)
    listed = client.get(reverse("admin:legal_library_document_changelist"))
    titles = {d.title for d in listed.context["cl"].result_list}
    assert titles == {"Luật Hôn nhân tỉnh", "Thông báo hôn nhân Chư Prông"}
    other = reverse("admin:legal_library_document_change", args=[documents["other"].pk])
    missing = client.get(other)  # the admin's "no such record", as for any other commune's
    assert missing.status_code in (302, 404) and "Ia Boòng" not in missing.content.decode()
    province = reverse("admin:legal_library_document_change", args=[documents["province"].pk])
    seen = client.get(province)
    assert seen.status_code == 200 and 'name="_save"' not in seen.content.decode()
    assert client.post(province, {"title": "Đổi"}).status_code == 404
    # the actions skip what the officer does not keep
    changelist = reverse("admin:legal_library_document_changelist")
    pks = [documents["province"].pk, documents["own"].pk]
    client.post(changelist, {"action": "unpublish", "_selected_action": pks})
    assert dict(Document.objects.filter(pk__in=pks).values_list("title", "published")) == {
        "Luật Hôn nhân tỉnh": True,
        "Thông báo hôn nhân Chư Prông": False,
    }


@pytest.mark.parametrize(("who", "owner"), [("officer", "commune"), ("province_officer", None)])
def test_a_document_added_in_the_admin_is_its_keepers(client, request, who, owner):
    user = request.getfixturevalue(who)
    client.force_login(user)
    response = client.post(
        reverse("admin:legal_library_document_add"),
        {
            "title": "Văn bản mới",
            "doc_type": "law",
            "status": "in_force",
            "relations_out-TOTAL_FORMS": "0",
            "relations_out-INITIAL_FORMS": "0",
            "audios-TOTAL_FORMS": "0",
            "audios-INITIAL_FORMS": "0",
            "revisions-TOTAL_FORMS": "0",
            "revisions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].errors
    expected = request.getfixturevalue(owner) if owner else None
    assert Document.objects.get(title="Văn bản mới").commune == expected


def test_an_import_refuses_a_row_that_would_change_the_provinces(officer, documents):
    Document.objects.filter(pk=documents["province"].pk).update(
        number="9/2020/QH14", number_key="92020qh14"
    )
    content = _xlsx([_row(number="9/2020/QH14", title="Đổi"), _row(number="10/2020/QH14")])
    rows = spreadsheets.check_rows(
        spreadsheets.read_rows(content, "a.xlsx"),
        selectors.points_for_user(officer),
        owner_id=officer.commune_id,
    )
    assert not rows[0].ok and "của tỉnh" in " ".join(rows[0].errors)
    result = services.documents_import(
        rows=rows, only_clean=True, actor=officer, commune=officer.commune
    )
    assert [d.number for d in result.created] == ["10/2020/QH14"]
    assert result.created[0].commune == officer.commune
    documents["province"].refresh_from_db()
    assert documents["province"].title == "Luật Hôn nhân tỉnh"
