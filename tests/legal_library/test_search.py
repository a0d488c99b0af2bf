"""The legal library's search: numbers however typed, title before summary before text,
whole words or their beginning, synonyms, status order, a helpful page when nothing matches.

Runs on SQLite (FTS5) by default and on PostgreSQL (weighted full-text search) when
DATABASE_URL is a PostgreSQL one: the same table must hold on both.
"""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from legal_library import selectors, services
from legal_library.demo import demo_documents
from legal_library.models import Document, SearchSynonym
from legal_library.searching import FTS_TABLE, number_key
from tests.factories import UserFactory
from tests.legal_library.conftest import save

pytestmark = pytest.mark.django_db

URL = "/phap-luat/tim/"
MARRIAGE_LAW = "52/2014/QH13"
LAND_LAW = "31/2024/QH15"
ID_CARD_LAW = "26/2023/QH15"
CHILD_MARRIAGE = "Phòng, chống tảo hôn và hôn nhân cận huyết thống"

# The demo's searches and the document that must come first (its number, or its title).
TABLE = [
    ("52/2014/QH13", MARRIAGE_LAW),
    ("52/2014", MARRIAGE_LAW),
    ("52-2014-qh13", MARRIAGE_LAW),
    ("52 2014 QH13", MARRIAGE_LAW),
    ("522014qh13", MARRIAGE_LAW),  # typed joined up
    ("1262014ndcp", "126/2014/NĐ-CP"),
    ("126/2014/ND-CP", "126/2014/NĐ-CP"),
    ("126/2014/NĐ-CP", "126/2014/NĐ-CP"),
    ("126-2014-nd-cp", "126/2014/NĐ-CP"),
    ("31/2024/QH15", LAND_LAW),
    ("45/2013", "45/2013/QH13"),
    ("26/2023/qh15", ID_CARD_LAW),
    ("168/2024", "168/2024/NĐ-CP"),
    ("Luật Đất đai", LAND_LAW),  # in force before the expired 2013 law of the same title
    ("luat dat dai", LAND_LAW),
    ("dat dai 2013", "45/2013/QH13"),
    ("hon nhan", MARRIAGE_LAW),
    ("HÔN NHÂN VÀ GIA ĐÌNH", MARRIAGE_LAW),
    ("so do", "Cấp giấy chứng nhận quyền sử dụng đất lần đầu"),  # synonym
    ("CCCD", ID_CARD_LAW),  # synonym
    ("căn cước", ID_CARD_LAW),
    ("tảo hôn", CHILD_MARRIAGE),
    ("ket hon som", CHILD_MARRIAGE),  # synonym, the other way
    ("bao luc gia dinh", "13/2022/QH15"),
    ("trẻ em", "102/2016/QH13"),
    ("lua dao", "Nhận biết và phòng tránh lừa đảo qua điện thoại"),
    ("an ninh mang", "24/2018/QH14"),
    ("giao thong", "36/2024/QH15"),
    ("VNeID", "Tạo và kích hoạt tài khoản định danh điện tử VNeID"),
    ("ho khau", "68/2020/QH14"),  # synonym
    ("tam tru", "68/2020/QH14"),  # in the summary only
    ("nong do con", "168/2024/NĐ-CP"),
    ("chong", "13/2022/QH15"),  # the shortest title with the word
]


@pytest.fixture
def demo(db):
    demo_documents()


def found(query: str, scope=None) -> list[Document]:
    scope = selectors.published_documents() if scope is None else scope
    return list(selectors.search(query, scope=scope))


def name(document: Document) -> str:
    return document.number or document.title


@pytest.mark.parametrize(("query", "first"), TABLE)
def test_the_demo_table(demo, query, first):
    results = found(query)
    assert results, query
    assert name(results[0]) == first, (query, [name(d) for d in results[:5]], connection.vendor)


def test_the_table_is_big_enough():
    assert len(TABLE) >= 20


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("52/2014/QH13", "522014qh13"),
        ("52-2014-qh13", "522014qh13"),
        ("126/2014/ND-CP", "1262014ndcp"),
        ("126/2014/NĐ-CP", "1262014ndcp"),
        (" 126 / 2014 / nđ cp ", "1262014ndcp"),
    ],
)
def test_a_number_has_one_key_however_typed(typed, key):
    assert number_key(typed) == key


def test_words_match_whole_or_by_their_beginning_never_inside_another(db):
    for title in ["Phòng cháy chữa cháy", "Thông tin cơ sở", "Chống hàng giả", "Điện thoại"]:
        save(title=title, summary="Không có từ ấy.", published=True)
    marriage = save(title="Đăng ký kết hôn", published=True)
    assert found("hon") == [marriage]
    assert found("ong") == []  # inside "phòng", "thông", "chống", "không": never
    assert [d.title for d in found("thong")] == ["Thông tin cơ sở"]
    assert [d.title for d in found("dien tho")] == ["Điện thoại"]  # the last word's beginning


def test_number_then_title_then_summary_then_body(db):
    body = save(title="Văn bản D", body="Nói về cấp sổ hồng.", published=True)
    summary = save(title="Văn bản C", summary="Hồ sơ cấp sổ hồng.", published=True)
    title = save(title="Cấp sổ hồng lần đầu", published=True)
    number = save(title="Văn bản A", number="12/2020/TT-BTNMT", published=True)
    assert found("cap so hong") == [title, summary, body]
    assert found("12/2020/TT")[0] == number
    assert found("12-2020")[0] == number


def test_at_equal_relevance_in_force_then_not_yet_then_expired(db):
    today = timezone.localdate()
    common = dict(title="Quy định về chăn nuôi", published=True)
    in_force = save(**common, number="1/2020/QH14")
    not_yet = save(**common, number="2/2020/QH14", effective_on=today + dt.timedelta(days=30))
    expired = save(**common, number="3/2020/QH14", expires_on=today - dt.timedelta(days=1))
    assert expired.status == Document.Status.EXPIRED  # saved last: the most recently updated
    assert found("chan nuoi") == [in_force, not_yet, expired]


def test_synonyms_one_way_and_both_ways(db):
    certificate = save(title="Giấy chứng nhận quyền sử dụng đất", published=True)
    red_book = save(title="Hỏi đáp về sổ đỏ", published=True)
    services.synonym_add(
        phrase="Sổ đỏ", expands_to="giấy chứng nhận quyền sử dụng đất", both_ways=False, actor=None
    )
    assert found("so do") == [red_book, certificate] or found("so do") == [certificate, red_book]
    assert found("giay chung nhan quyen su dung dat") == [certificate]  # one way
    early = save(title="Kết hôn sớm ở vùng cao", published=True)
    child = save(title="Phòng chống tảo hôn", published=True)
    services.synonym_add(phrase="tảo hôn", expands_to="kết hôn sớm", both_ways=True, actor=None)
    assert set(found("tao hon")) == {early, child} == set(found("ket hon som"))


def test_only_published_documents_and_only_the_scope(db, point_a):
    shown = save(title="Luật Trồng trọt", published=True)
    save(title="Luật Trồng trọt (dự thảo)", published=False)
    assert found("trong trot") == [shown]
    point_a.shows_all = False
    point_a.save()
    assert found("trong trot", scope=selectors.point_documents(point_a)) == []


def test_the_index_follows_edits_and_deletes(db, client):
    document = save(title="Luật Lâm nghiệp", published=True)
    before = services.snapshot_of(document)
    document.title = "Luật Thủy sản"
    services.document_save(document=document, actor=None, before=before)
    assert found("lam nghiep") == [] and found("thuy san") == [document]
    superuser = UserFactory(username="quantri", is_staff=True, is_superuser=True)
    client.force_login(superuser)
    url = f"/admin/legal_library/document/{document.pk}/delete/"
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert found("thuy san") == []
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {FTS_TABLE} WHERE rowid = %s", [document.pk])  # noqa: S608
            assert cursor.fetchone()[0] == 0


def test_a_result_tells_documents_apart_and_names_the_successor(client, demo):
    html = client.get(URL, {"q": "luat dat dai"}).content.decode()
    first, second = html.index("31/2024/QH15"), html.index("45/2013/QH13")
    assert first < second
    old = html[second - 600 : second + 600]
    for shown in ["Hết hiệu lực", "Luật", "Quốc hội", "2013", "Đã được thay bằng Luật Đất đai"]:
        assert shown in old, shown
    assert "Còn hiệu lực" in html[first - 600 : first + 600]
    assert "2024" in html[first - 600 : first + 600]


def test_no_result_says_so_with_tips_and_categories(client, demo):
    html = client.get(URL, {"q": "xyzzy quwerty"}).content.decode()
    assert "Không tìm thấy văn bản nào cho “xyzzy quwerty”." in html
    assert "Mẹo tìm kiếm" in html and "52-2014-qh13" in html
    assert "Xem theo chủ đề" in html and "Đất đai" in html and "?q=" in html


def test_the_search_page_makes_the_same_queries_whatever_it_finds(
    client, demo, django_assert_num_queries
):
    # synonyms, documents (with successors), their categories
    for query in ["luat", "52/2014"]:
        with django_assert_num_queries(3):
            response = client.get(URL, {"q": query})
        assert response.context["documents"]
    assert len(client.get(URL, {"q": "luat"}).context["documents"]) > 5
    with django_assert_num_queries(3):  # synonyms, documents, categories to browse
        assert client.get(URL, {"q": "xyzzy"}).context["documents"] == []


def test_synonyms_are_kept_by_superusers_only(client, officer):
    officer.is_staff = True
    officer.save()
    client.force_login(officer)
    assert client.get("/admin/legal_library/searchsynonym/add/").status_code in (403, 404)
    client.force_login(UserFactory(username="quantri", is_staff=True, is_superuser=True))
    data = {"phrase": "CMND", "expands_to": "căn cước", "both_ways": "on"}
    response = client.post("/admin/legal_library/searchsynonym/add/", data)
    assert response.status_code == 302
    assert SearchSynonym.objects.get(phrase="CMND").both_ways


def test_the_search_reads_its_index_once_for_the_matches_and_once_per_tier(db):
    # At 5,000 documents a second MATCH per matching row (SQLite) or the whole TOASTed
    # vector read again for every tier (PostgreSQL) took seconds: see README's figures.
    save(title="Luật Đất đai", number="31/2024/QH15", published=True)
    queryset = selectors.search("luat dat dai", scope=selectors.published_documents())
    sql = str(queryset[:50].query)
    if connection.vendor == "sqlite":
        # the joined FTS5 table; the title and summary tiers; the title's for the closeness
        # (it was 6: a correlated MATCH for the rank and the tiers twice)
        assert sql.count("MATCH") == 4
        assert sql.count("bm25(") == 1 and "LIMIT 50" in sql
    else:
        assert sql.count('"search_vector" @@') == 1 and sql.count('"search_head" @@') == 3
        assert "LIMIT 50" in sql
    assert [d.number for d in queryset] == ["31/2024/QH15"]
