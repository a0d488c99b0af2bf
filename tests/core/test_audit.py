"""The audit history: who changed what, when, each field before and after.

For vendors (and their accounts), legal documents, volunteers, assistance
records (and their services) and adoption reports: a change through the
service and through the admin's change page is recorded with the officer, the
action and the values; a refused change records nothing; the admin's "History"
page shows before → after; another commune's officer sees none of it.
"""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone

from core import selectors
from core.models import AuditEntry
from kit.spreadsheets import Row
from legal_library import services as library
from legal_library.models import Category, Document
from market import services as market
from market.models import Bank, PaymentAccount, Vendor
from reports.models import AdoptionReport
from reports.services import report_fail, report_generate, report_request
from volunteers import services as volunteering
from volunteers.models import AssistanceRecord, ServiceGiven, Volunteer

pytestmark = pytest.mark.django_db


def entries_of(obj, model=None):
    """Entries about ``obj`` itself (or, with ``model``, about its rows of that model)."""
    owner_type = ContentType.objects.get_for_model(obj)
    entries = AuditEntry.objects.filter(owner_type=owner_type, owner_id=str(obj.pk))
    return entries.filter(content_type=ContentType.objects.get_for_model(model or type(obj)))


def last(obj, model=None) -> AuditEntry:
    return entries_of(obj, model).order_by("-at", "-pk").first()


def admin_form_data(response) -> dict:
    """What the browser would post back from an admin change page, unchanged."""
    data = {}

    def add_form(form):
        for name, field in form.fields.items():
            if field.disabled:
                continue
            value = form[name].value()
            key = form.add_prefix(name)
            if isinstance(value, bool):
                if value:
                    data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(v) for v in value]
            elif value is None:
                data[key] = ""
            elif hasattr(value, "pk"):
                data[key] = str(value.pk)
            else:
                data[key] = str(value)

    add_form(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add_form(formset.management_form)
        for form in formset.initial_forms:
            add_form(form)
    return data


@pytest.fixture
def vcb(db):
    return Bank.objects.get(bin="970436")


@pytest.fixture
def market_a(village_a):
    return market.market_create(village=village_a, name="Chợ tạm Thôn 3", actor=None)


@pytest.fixture
def stall(market_a, vcb, officer):
    return market.vendor_register(
        market=market_a,
        full_name="Lê Thị Bưởi",
        stall="A12",
        phone="0905000111",
        accounts=[
            market.AccountData(bank=vcb, account_number="1023456789", holder_name="Lê Thị Bưởi")
        ],
        actor=officer,
    )


@pytest.fixture
def document(officer):
    return library.document_save(
        document=Document(
            title="Luật Hôn nhân và gia đình",
            summary="Nam từ đủ 20 tuổi, nữ từ đủ 18 tuổi.",
            body="Hai bên **tự nguyện**.",
            published=True,
            commune=officer.commune,  # the officer keeps their commune's own documents
        ),
        categories=[Category.objects.get(slug="hon-nhan-gia-dinh")],
        actor=officer,
    )


@pytest.fixture
def visit(village_a, volunteer_a, officer):
    return volunteering.assistance_record(
        helped_on=timezone.localdate(),
        village=village_a,
        volunteers=[volunteer_a],
        services={"vneid_created": "done"},
        resident_name="Bà Nguyễn Thị Mai",
        resident_consented=True,
        actor=officer,
    ).record


# ------------------------------------------------------------------ vendors and accounts


def test_vendor_registration_records_the_vendor_and_its_account(stall, officer):
    created = last(stall)
    assert (created.action, created.actor, created.actor_name) == ("create", officer, "Rơ Mah Hồng")
    assert created.changes["full_name"] == [None, "Lê Thị Bưởi"]
    assert created.changes["market"] == [None, "Chợ tạm Thôn 3"]  # a name, not an id
    assert created.changes["token"][1].startswith("…")  # the page key is never kept whole
    assert stall.token not in str(created.changes)
    account = last(stall, PaymentAccount)
    assert account.action == "create" and account.actor == officer
    assert account.changes["account_number"] == [None, "1023456789"]
    assert account.commune_id == stall.market.village.commune_id
    assert timezone.is_aware(created.at)


def test_vendor_change_through_the_service(stall, officer):
    market.vendor_update(vendor=stall, actor=officer, phone="0912345678", status="cashless")
    entry = last(stall)
    assert (entry.action, entry.actor) == ("update", officer)
    assert entry.changes["phone"] == ["0905000111", "0912345678"]
    assert entry.changes["status"] == ["not_yet", "cashless"]
    assert set(entry.changes) == {"phone", "status", "status_changed_at"}


def test_every_vendor_service_records(stall, officer, vcb):
    count = entries_of(stall).count()
    market.vendor_set_status(vendor=stall, status="onboarding", actor=officer)
    assert last(stall).changes["status"] == ["not_yet", "onboarding"]
    old_token = stall.token
    market.vendor_reissue_token(vendor=stall, actor=officer)
    token = last(stall).changes["token"]
    assert token == ["…" + old_token[-4:], "…" + stall.token[-4:]]
    assert entries_of(stall).count() == count + 2
    market.account_add(
        vendor=stall,
        data=market.AccountData(
            bank=vcb, account_number="5555555555", holder_name="Le Thi Buoi", is_primary=True
        ),
        actor=officer,
    )
    accounts = list(entries_of(stall, PaymentAccount).order_by("pk"))[-2:]
    # the new primary account, and the old one that stopped being primary
    assert sorted(a.action for a in accounts) == ["create", "update"]
    demoted = next(a for a in accounts if a.action == "update")
    assert demoted.changes == {"is_primary": [True, False]}


def test_vendor_change_through_the_admin(client, stall, officer):
    client.force_login(officer)
    url = f"/admin/market/vendor/{stall.pk}/change/"
    data = admin_form_data(client.get(url))
    data["stall"] = "B7"
    data["accounts-0-account_number"] = "1023456780"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    vendor_entry = last(stall)
    assert (vendor_entry.action, vendor_entry.actor) == ("update", officer)
    assert vendor_entry.changes == {"stall": ["A12", "B7"]}
    account_entry = last(stall, PaymentAccount)
    assert (account_entry.action, account_entry.actor) == ("update", officer)
    assert account_entry.changes["account_number"] == ["1023456789", "1023456780"]


def test_vendor_deleted_in_the_admin_keeps_its_values_and_accounts(client, stall, officer):
    client.force_login(officer)
    response = client.post(f"/admin/market/vendor/{stall.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Vendor.objects.filter(pk=stall.pk).exists()
    gone = AuditEntry.objects.filter(object_id=str(stall.pk), action="delete").get(
        content_type=ContentType.objects.get_for_model(Vendor)
    )
    assert gone.actor == officer and gone.changes["full_name"] == ["Lê Thị Bưởi", None]
    account = AuditEntry.objects.get(
        content_type=ContentType.objects.get_for_model(PaymentAccount), action="delete"
    )
    assert account.changes["account_number"] == ["1023456789", None]


def test_a_refused_vendor_change_records_nothing(client, stall, officer):
    count = AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        market.vendor_update(vendor=stall, actor=officer, phone="0" * 30)
    client.force_login(officer)
    url = f"/admin/market/vendor/{stall.pk}/change/"
    data = admin_form_data(client.get(url))
    data["full_name"] = ""
    assert client.post(url, data).status_code == 200  # the form with its error
    assert AuditEntry.objects.count() == count


def test_an_import_is_recorded_as_the_officer_s(market_a, officer):
    from market.spreadsheets import check_rows, read_rows

    content = (
        "Full name,Stall,Phone,Bank,Account number,Account holder\n"
        "Ksor H'Hen,D4,0905123123,970436,4444444444,Ksor H'Hen\n"
        "Siu Thị Mai,D5,,,,\n"
    ).encode()
    rows = check_rows(read_rows(content, "ds.csv"), market=market_a)
    assert all(r.ok for r in rows), [r.errors for r in rows]
    market.vendor_import(market=market_a, rows=rows, only_clean=False, actor=officer)
    hen, mai = Vendor.objects.get(stall="D4"), Vendor.objects.get(stall="D5")
    assert (last(hen).action, last(hen).actor) == ("create", officer)
    assert (last(mai).action, last(mai).actor) == ("create", officer)
    assert last(hen, PaymentAccount).changes["holder_name"] == [None, "KSOR H'HEN"]


# ------------------------------------------------------------------ documents


def test_document_change_through_the_service(document, officer):
    before = library.snapshot_of(document)
    document.title = "Luật Hôn nhân và gia đình 2014"
    library.document_save(document=document, actor=officer, before=before)
    entry = last(document)
    assert (entry.action, entry.actor) == ("update", officer)
    assert entry.changes == {
        "title": ["Luật Hôn nhân và gia đình", "Luật Hôn nhân và gia đình 2014"]
    }
    assert document.revisions.count() == 2  # the public revisions are kept as before


def test_document_change_through_the_admin(client, document, officer):
    client.force_login(officer)
    url = f"/admin/legal_library/document/{document.pk}/change/"
    data = admin_form_data(client.get(url))
    data["summary"] = "Nam 20, nữ 18."
    data["categories"] = [str(Category.objects.get(slug="dat-dai").pk)]
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = last(document)
    assert (entry.action, entry.actor) == ("update", officer)
    assert entry.changes["summary"] == ["Nam từ đủ 20 tuổi, nữ từ đủ 18 tuổi.", "Nam 20, nữ 18."]
    assert entry.changes["categories"] == [["Hôn nhân và gia đình"], ["Đất đai"]]


def test_a_refused_document_upload_records_nothing(client, document, officer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(officer)
    url = f"/admin/legal_library/document/{document.pk}/change/"
    data = admin_form_data(client.get(url))
    data["title"] = "Một tiêu đề khác"
    data["attachment"] = SimpleUploadedFile("x.pdf", b"not a pdf", "application/pdf")
    count = AuditEntry.objects.count()
    assert client.post(url, data).status_code == 200
    assert AuditEntry.objects.count() == count


def test_the_daily_status_move_is_the_systems_and_every_officer_sees_it(
    document, officer, other_officer
):
    document.effective_on = timezone.localdate() + datetime.timedelta(days=5)
    before = library.snapshot_of(document)
    library.document_save(document=document, actor=officer, before=before)
    library.documents_refresh_status(today=timezone.localdate() + datetime.timedelta(days=6))
    entry = last(document)
    assert entry.actor is None and entry.changes == {"status": ["not_yet", "in_force"]}
    # a shared document: its system changes are read by every commune's officers,
    # an officer's own edits only by their commune
    assert entry in selectors.audit_entries_for_user(other_officer)
    mine = entries_of(document).exclude(actor=None)
    assert mine and not selectors.audit_entries_for_user(other_officer).filter(
        pk__in=mine.values("pk")
    )


def test_library_point_changes_are_recorded(client, village_a, officer, document):
    point = library.point_create(
        village=village_a, name="Tủ sách Thôn 3", code="T03", actor=officer
    )
    library.point_update(point=point, name="Tủ sách pháp luật Thôn 3", actor=officer)
    assert last(point).changes == {"name": ["Tủ sách Thôn 3", "Tủ sách pháp luật Thôn 3"]}
    library.point_add_documents(point=point, documents=[document], actor=officer)
    from legal_library.models import PointDocument

    added = last(point, PointDocument)
    assert added.action == "create" and added.changes["document"][1] == str(document)
    client.force_login(officer)
    url = f"/admin/legal_library/librarypoint/{point.pk}/change/"
    data = admin_form_data(client.get(url))
    data["place"] = "Nhà văn hóa"
    data["entries-0-pinned"] = "on"
    assert client.post(url, data).status_code == 302
    assert last(point).changes == {"place": ["", "Nhà văn hóa"]}
    assert last(point, PointDocument).changes == {"pinned": [False, True]}


# ------------------------------------------------------------------ volunteers


def test_volunteer_created_through_the_service(village_a, officer):
    volunteer = volunteering.volunteer_create(
        village=village_a, full_name="Ksor  Y Bim", phone="0905333444", actor=officer
    )
    entry = last(volunteer)
    assert (entry.action, entry.actor) == ("create", officer)
    assert entry.changes["full_name"] == [None, "Ksor Y Bim"]
    assert entry.changes["village"] == [None, "Thôn 3"]


def test_volunteer_change_through_the_admin(client, teammate_a, officer):
    client.force_login(officer)
    url = f"/admin/volunteers/volunteer/{teammate_a.pk}/change/"
    data = admin_form_data(client.get(url))
    data["phone"] = "0905999888"
    data.pop("active", None)  # unticked
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = last(teammate_a)
    assert (entry.action, entry.actor) == ("update", officer)
    assert entry.changes == {"phone": ["0905333444", "0905999888"], "active": [True, False]}


def test_a_failed_import_records_nobody(village_a, officer):
    rows = [
        Row(number=2, values={}, cleaned={"village": village_a, "full_name": "A", "phone": "0911"}),
        Row(number=3, values={}, cleaned={"village": village_a, "full_name": "B", "phone": "0911"}),
    ]
    for row in rows:
        row.cleaned["phone"] = "0911222333"
    count = AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        volunteering.volunteer_import(rows=rows, only_clean=False, actor=officer)
    # the first volunteer was saved and recorded, then the second failed: both undone
    assert not Volunteer.objects.filter(full_name="A").exists()
    assert AuditEntry.objects.count() == count


# ------------------------------------------------------------------ assistance records


def test_assistance_record_through_the_service(visit, officer, volunteer_a):
    entry = last(visit)
    assert (entry.action, entry.actor) == ("create", officer)
    assert entry.changes["resident_name"] == [None, "Bà Nguyễn Thị Mai"]
    assert entry.changes["volunteers"] == [None, [volunteer_a.full_name]]
    service = last(visit, ServiceGiven)
    assert service.changes == {"service": [None, "vneid_created"], "outcome": [None, "done"]}


def test_assistance_record_change_through_the_admin(client, visit, officer, teammate_a):
    client.force_login(officer)
    url = f"/admin/volunteers/assistancerecord/{visit.pk}/change/"
    data = admin_form_data(client.get(url))
    data["resident_name"] = "Bà Nguyễn Thị Mai Anh"
    data["volunteers"] = [*data["volunteers"], str(teammate_a.pk)]
    data["services-0-outcome"] = "referred"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = last(visit)
    assert (entry.action, entry.actor) == ("update", officer)
    assert entry.changes["resident_name"] == ["Bà Nguyễn Thị Mai", "Bà Nguyễn Thị Mai Anh"]
    assert entry.changes["volunteers"] == [["Trần Thị Ánh"], ["Ksor Y Bim", "Trần Thị Ánh"]]
    service = last(visit, ServiceGiven)
    assert (service.action, service.actor) == ("update", officer)
    assert service.changes == {"outcome": ["done", "referred"]}


def test_a_refused_visit_records_nothing(village_a, volunteer_a, officer):
    count = AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        volunteering.assistance_record(
            helped_on=timezone.localdate() + datetime.timedelta(days=1),
            village=village_a,
            volunteers=[volunteer_a],
            services={"vneid_created": "done"},
            actor=officer,
        )
    assert AuditEntry.objects.count() == count
    assert not AssistanceRecord.objects.exists()


# ------------------------------------------------------------------ adoption reports


def test_a_report_is_recorded_from_request_to_done(commune, officer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    today = timezone.localdate()
    report = report_request(
        commune=commune, period_kind="custom", start=today, end=today, actor=officer
    )
    requested = entries_of(report).get(action="create")
    assert requested.actor == officer and requested.changes["status"] == [None, "queued"]
    report_generate(report_id=report.pk)  # what the worker runs once the request commits
    updates = list(entries_of(report).filter(action="update").order_by("at", "pk"))
    statuses = [u.changes["status"] for u in updates if "status" in u.changes]
    assert ["queued", "running"] in statuses and ["running", "done"] in statuses
    assert all(u.actor is None for u in updates)  # the worker is the system


def test_a_failed_report_and_a_refused_request(commune, officer):
    today = timezone.localdate()
    count = AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        report_request(
            commune=commune,
            period_kind="custom",
            start=today,
            end=today - datetime.timedelta(days=1),
            actor=officer,
        )
    assert AuditEntry.objects.count() == count
    report = AdoptionReport.objects.create(
        commune=commune,
        scope_key=f"commune:{commune.pk}",
        period_kind="custom",
        period_start=today,
        period_end=today,
    )
    report_fail(report_id=report.pk, reason="Hết giờ")
    entry = last(report)
    assert entry.actor is None
    assert entry.changes["status"] == ["queued", "failed"]
    assert entry.changes["error"] == ["", "Hết giờ"]


def test_reports_cannot_be_changed_in_the_admin(client, commune, officer):
    today = timezone.localdate()
    report = report_request(
        commune=commune, period_kind="custom", start=today, end=today, actor=officer
    )
    count = AuditEntry.objects.count()
    client.force_login(officer)
    response = client.post(f"/admin/reports/adoptionreport/{report.pk}/change/", {"status": "done"})
    assert response.status_code == 404  # the admin answers 404, never 403
    assert AuditEntry.objects.count() == count


# ------------------------------------------------------------------ what officers see


def test_the_history_page_shows_before_and_after(client, stall, officer):
    market.vendor_update(vendor=stall, actor=officer, phone="0912345678", status="cashless")
    client.force_login(officer)
    response = client.get(f"/admin/market/vendor/{stall.pk}/history/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Số điện thoại" in html  # the field's name, in Vietnamese
    assert "<del>0905000111</del> → <ins>0912345678</ins>" in html
    assert "<del>Chưa dùng</del> → <ins>Đã dùng không tiền mặt</ins>" in html  # choices' names
    assert "Rơ Mah Hồng" in html
    assert "1023456789" in html  # the account's entry shows on the vendor's page


def test_every_audited_admin_has_the_history_page(
    client, officer, commune, village_a, document, visit, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    volunteer = volunteering.volunteer_create(
        village=village_a, full_name="Ksor Y Bim", phone="0905333444", actor=officer
    )
    point = library.point_create(
        village=village_a, name="Tủ sách Thôn 3", code="T03", actor=officer
    )
    today = timezone.localdate()
    report = report_request(
        commune=commune, period_kind="custom", start=today, end=today, actor=officer
    )
    report_fail(report_id=report.pk, reason="Hết giờ")
    client.force_login(officer)
    pages = {
        f"/admin/legal_library/document/{document.pk}/history/": (
            "<ins>Luật Hôn nhân và gia đình</ins>"
        ),
        f"/admin/legal_library/librarypoint/{point.pk}/history/": "<ins>Tủ sách Thôn 3</ins>",
        f"/admin/volunteers/assistancerecord/{visit.pk}/history/": "<ins>Bà Nguyễn Thị Mai</ins>",
        f"/admin/volunteers/volunteer/{volunteer.pk}/history/": "<ins>0905333444</ins>",
        f"/admin/reports/adoptionreport/{report.pk}/history/": "<ins>Hết giờ</ins>",
    }
    for url, shown in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert shown in response.content.decode(), url


def test_the_audit_list_is_read_only_filterable_and_scoped(
    client, stall, officer, other_officer, document, visit, django_assert_num_queries
):
    client.force_login(officer)
    response = client.get("/admin/chuprong/auditentry/")
    assert response.status_code == 200
    shown = set(response.context["cl"].result_list)
    assert shown == set(AuditEntry.objects.all())
    vendor_type = ContentType.objects.get_for_model(Vendor)
    only_vendors = client.get(
        "/admin/chuprong/auditentry/", {"content_type__id__exact": vendor_type.pk}
    )
    assert {e.content_type for e in only_vendors.context["cl"].result_list} == {vendor_type}
    by_officer = client.get("/admin/chuprong/auditentry/", {"actor__id__exact": officer.pk})
    assert {e.actor for e in by_officer.context["cl"].result_list} == {officer}
    today = timezone.localdate()
    today = client.get(
        "/admin/chuprong/auditentry/",
        {"at__year": today.year, "at__month": today.month, "at__day": today.day},
    )
    assert len(today.context["cl"].result_list) == len(shown)
    entry = last(stall)
    assert client.get(f"/admin/chuprong/auditentry/{entry.pk}/change/").status_code == 200
    # refused as a page that is not there (404), never 403
    assert client.post(f"/admin/chuprong/auditentry/{entry.pk}/change/", {}).status_code == 404
    assert client.get("/admin/chuprong/auditentry/add/").status_code == 404
    assert (
        client.post(f"/admin/chuprong/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code
        == 404
    )


def test_another_communes_officer_sees_nothing(client, stall, document, visit, other_officer):
    client.force_login(other_officer)
    response = client.get("/admin/chuprong/auditentry/")
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []
    html = response.content.decode()
    for private in ("Lê Thị Bưởi", "1023456789", "Bà Nguyễn Thị Mai", "Rơ Mah Hồng"):
        assert private not in html
    entry = last(stall)
    response = client.get(f"/admin/chuprong/auditentry/{entry.pk}/change/")
    assert response.status_code == 302 and response["Location"] == "/admin/"
    response = client.get(f"/admin/market/vendor/{stall.pk}/history/")
    assert response.status_code == 302 and response["Location"] == "/admin/"
    # the officer's document is their commune's own (issue 16): not the other's to open
    response = client.get(f"/admin/legal_library/document/{document.pk}/history/")
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_the_audit_list_query_count_does_not_grow(
    client, stall, officer, django_assert_num_queries
):
    client.force_login(officer)
    client.get("/admin/chuprong/auditentry/")
    # session, user, permissions (2), roles, the filters' kinds and people, count,
    # page, the date hierarchy (2)
    with django_assert_num_queries(11) as few:
        client.get("/admin/chuprong/auditentry/")
    for n in range(10):
        market.vendor_update(vendor=stall, actor=officer, goods=f"Rau {n}")
    with django_assert_num_queries(len(few.captured_queries)):
        client.get("/admin/chuprong/auditentry/")


def test_the_history_page_query_count_does_not_grow(
    client, stall, officer, django_assert_num_queries
):
    client.force_login(officer)
    url = f"/admin/market/vendor/{stall.pk}/history/"
    client.get(url)
    # session, user, permissions (2), roles, the vendor, the entries' count and page
    with django_assert_num_queries(8) as few:
        client.get(url)
    for n in range(10):
        market.vendor_update(vendor=stall, actor=officer, goods=f"Rau {n}")
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("<del>Rau 8</del> → <ins>Rau 9</ins>") == 1
