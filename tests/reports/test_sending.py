"""Reports going up to the province (issue 16): as of a day, checks that matter, sending,
the e-mail with the files, receiving, the province's inbox, who may do what."""

import datetime
import io

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from pypdf import PdfReader

from chuprong.celery import app
from core.roles import Role
from market.models import Vendor
from reports import selectors as report_selectors
from reports import services as report_services
from reports.models import AdoptionReport
from tests.factories import CommuneFactory, UserFactory
from tests.market.factories import MarketFactory, VendorFactory
from tests.trainings.factories import TrainingSessionFactory, started_today
from tests.volunteers.factories import AssistanceRecordFactory

pytestmark = pytest.mark.django_db

OCT = (datetime.date(2026, 10, 1), datetime.date(2026, 10, 31))
PROVINCE_ADDRESS = "baocao.gialai@example.invalid"


@pytest.fixture(autouse=True)
def _fresh(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    # the e-mail task runs in-process here, with or without Redis (the worker tests
    # exercise a real worker); the mail goes to pytest-django's locmem outbox
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


@pytest.fixture
def province_address(province):
    province.report_email = PROVINCE_ADDRESS
    province.save(update_fields=["report_email"])
    return PROVINCE_ADDRESS


def made(commune, period=OCT, village=None, kind="month") -> AdoptionReport:
    report = report_services.report_request(
        commune=commune,
        village=village,
        period_kind=kind,
        start=period[0],
        end=period[1],
        actor=None,
    )
    report_services.report_generate(report_id=report.pk)
    report.refresh_from_db()
    return report


def send(report, actor, reason="", capture=None) -> AdoptionReport:
    with capture(execute=True):
        report_services.report_send(report=report, reason=reason, actor=actor)
    report.refresh_from_db()
    return report


@pytest.fixture
def blocking(commune, village_a):
    """A vendor marked cashless without a bank account: a blocking problem."""
    VendorFactory(market=MarketFactory(village=village_a), status=Vendor.Status.CASHLESS)
    return commune


# ------------------------------------------------------------------ as of a day


def test_a_running_month_counts_up_to_the_moment_it_is_made(commune, village_a):
    today = timezone.localdate()
    held = TrainingSessionFactory(commune=commune, starts_at=started_today())
    later = timezone.now() + datetime.timedelta(hours=1)
    TrainingSessionFactory(commune=commune, starts_at=later)  # not held yet
    AssistanceRecordFactory(village=village_a, helped_on=today)
    AssistanceRecordFactory(village=village_a, helped_on=today + datetime.timedelta(days=1))
    month = (today.replace(day=1), (today.replace(day=28) + datetime.timedelta(days=4)))
    month = (month[0], month[1].replace(day=1) - datetime.timedelta(days=1))
    report = made(commune, period=month)
    assert report.as_of == today
    assert report.data["as_of"] == today.isoformat()
    assert report.data["period"]["end"] == month[1].isoformat()  # the period stays the month
    assert report.data["indicators"]["trainings.sessions"]["value"] == 1
    assert held.starts_at <= timezone.now()
    assert report.data["indicators"]["assistance.visits"]["value"] == 1  # not tomorrow's
    future = next(c for c in report.data["checks"] if c["code"] == "future_visits")
    assert future["count"] == 1 and future["severity"] == "blocking"


def test_a_past_period_is_as_of_its_last_day_on_the_page_and_in_the_files(client, officer, commune):
    report = made(commune)
    assert report.as_of == OCT[1]
    client.force_login(officer)
    assert "Số liệu đến ngày 31/10/2026" in client.get(f"/bao-cao/{report.pk}/").content.decode()
    csv_text = report.csv.open("rb").read().decode("utf-8-sig")
    assert "Số liệu đến ngày" in csv_text and "31/10/2026" in csv_text
    book = openpyxl.load_workbook(io.BytesIO(report.xlsx.open("rb").read()))
    summary = [tuple(r) for r in book.worksheets[0].iter_rows(max_row=6, values_only=True)]
    assert ("Số liệu đến ngày", "31/10/2026") in [r[:2] for r in summary]


# ------------------------------------------------------------------ checks that matter


def test_blocking_problems_are_listed_first_with_their_explanation(
    client, officer, blocking, village_a
):
    AssistanceRecordFactory(village=village_a, helped_on=OCT[0], resident_phone="0905123456")
    AssistanceRecordFactory(village=village_a, helped_on=OCT[0], resident_phone="0905123456")
    report = made(blocking)
    severities = {c["code"]: c["severity"] for c in report.data["checks"]}
    assert severities == {
        "duplicate_phone": "warning",
        "duplicate_name": "warning",
        "cashless_without_account": "blocking",
        "future_visits": "blocking",
        "over_capacity": "warning",
    }
    client.force_login(officer)
    html = client.get(f"/bao-cao/{report.pk}/").content.decode()
    form = html[html.index('id="gui-tinh"') :]
    assert "Lỗi nghiêm trọng" in form and "Cảnh báo" in form
    assert form.index("chưa có tài khoản ngân hàng") < form.index("Cùng một số điện thoại")
    assert "tỷ lệ không dùng tiền mặt đang cao hơn thực tế" in form
    assert 'name="reason"' in form


# ------------------------------------------------------------------ sending


@pytest.mark.usefixtures("province_address")
def test_send_without_problems_e_mails_the_files_once(
    officer, commune, mailoutbox, django_capture_on_commit_callbacks
):
    report = made(commune)
    report = send(report, officer, capture=django_capture_on_commit_callbacks)
    assert report.sent_state == AdoptionReport.SentState.SENT
    assert report.sent_by == officer and report.sent_at is not None
    assert report.send_reason == "" and report.corrects is None
    assert report.email_state == AdoptionReport.EmailState.SENT
    assert report.emailed_to == PROVINCE_ADDRESS
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [PROVINCE_ADDRESS]
    assert "Chư Prông" in message.subject and "10/2026" in message.subject
    assert "Số liệu đến ngày 31/10/2026" in message.body
    names = sorted(name.rsplit(".", 1)[1] for name, _content, _type in message.attachments)
    assert names == ["csv", "pdf", "xlsx"]
    csv_file = next(c for n, c, _t in message.attachments if n.endswith(".csv"))
    assert "Đã gửi lên tỉnh" in csv_file  # text attachments are decoded
    assert report.csv.name.endswith("-gui.csv")  # the downloads are the files sent
    # a second delivery of the task finds nothing to do
    assert report_services.report_deliver(report_id=report.pk) is False
    assert len(mailoutbox) == 1


@pytest.mark.usefixtures("province_address")
def test_blocking_problems_need_a_written_reason(
    client,
    officer,
    province_officer,
    blocking,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    report = made(blocking)
    with pytest.raises(ValidationError) as error:
        report_services.report_send(report=report, reason="  ", actor=officer)
    assert "reason" in error.value.error_dict
    client.force_login(officer)
    response = client.post(f"/bao-cao/{report.pk}/gui/", {"reason": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Hãy ghi rõ lý do vẫn gửi báo cáo khi còn lỗi nghiêm trọng." in html
    assert 'id="id_reason_error"' in html  # at the field
    report.refresh_from_db()
    assert report.sent_state == AdoptionReport.SentState.DRAFT and not mailoutbox

    reason = "Hai tiểu thương đang mở tài khoản, sẽ bổ sung tuần sau."
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/bao-cao/{report.pk}/gui/", {"reason": reason})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.sent_state == AdoptionReport.SentState.SENT
    assert report.send_reason == reason
    assert reason in mailoutbox[0].body
    assert reason in report.csv.open("rb").read().decode("utf-8-sig")
    pdf = PdfReader(io.BytesIO(report.pdf.open("rb").read()))
    text = " ".join(page.extract_text() for page in pdf.pages).replace("\n", " ")
    assert "Đã gửi lên tỉnh" in text and "Giải trình gửi tỉnh" in text
    client.force_login(province_officer)
    html = client.get(f"/bao-cao/{report.pk}/").content.decode()
    assert reason in html and "Giải trình gửi tỉnh" in html


@pytest.mark.usefixtures("province_address")
def test_a_sent_report_is_frozen(
    client, officer, commune, mailoutbox, django_capture_on_commit_callbacks
):
    report = send(made(commune), officer, capture=django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError, match="đã được gửi"):
        report_services.report_send(report=report, reason="", actor=officer)
    client.force_login(officer)
    assert client.post(f"/bao-cao/{report.pk}/gui/", {"reason": ""}).status_code == 400
    html = client.get(f"/bao-cao/{report.pk}/").content.decode()
    assert f'action="/bao-cao/{report.pk}/gui/"' not in html
    assert len(mailoutbox) == 1


@pytest.mark.usefixtures("province_address")
def test_a_correction_is_a_new_version_and_the_province_sees_both(
    client,
    officer,
    province_officer,
    commune,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    first = send(made(commune), officer, capture=django_capture_on_commit_callbacks)
    second = made(commune)  # the same scope and month again, after sending
    assert second.version == 2 and second.is_current
    second = send(second, officer, capture=django_capture_on_commit_callbacks)
    assert second.corrects == first
    assert "sửa phiên bản 1" in mailoutbox[1].body
    first.refresh_from_db()
    assert first.sent_state == AdoptionReport.SentState.SENT  # unchanged
    client.force_login(province_officer)
    html = client.get("/bao-cao/tinh/nhan/?nam=2026").content.decode()
    assert f"/bao-cao/{first.pk}/" in html and f"/bao-cao/{second.pk}/" in html
    assert "(pb 1)" in html and "(pb 2)" in html
    detail = client.get(f"/bao-cao/{second.pk}/").content.decode()
    assert "Phiên bản này sửa phiên bản 1 đã gửi trước đó." in detail


def test_an_older_version_or_a_village_report_is_not_sent(officer, commune, village_a):
    old = made(commune)
    made(commune)
    old.refresh_from_db()
    with pytest.raises(ValidationError, match="phiên bản mới hơn"):
        report_services.report_send(report=old, reason="", actor=officer)
    village = made(commune, village=village_a)
    with pytest.raises(ValidationError, match="cả xã"):
        report_services.report_send(report=village, reason="", actor=officer)


def test_without_an_address_nothing_is_e_mailed_and_the_page_says_so(
    client, officer, province, commune, mailoutbox, django_capture_on_commit_callbacks
):
    province.report_email = ""
    province.save(update_fields=["report_email"])
    report = made(commune)
    client.force_login(officer)
    html = client.get(f"/bao-cao/{report.pk}/").content.decode()
    assert "Tỉnh chưa có địa chỉ thư điện tử nhận báo cáo" in html
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/bao-cao/{report.pk}/gui/", {"reason": ""}).status_code == 302
    report.refresh_from_db()
    assert report.sent_state == AdoptionReport.SentState.SENT
    assert report.email_state == AdoptionReport.EmailState.NO_ADDRESS
    assert not mailoutbox
    html = client.get(f"/bao-cao/{report.pk}/").content.decode()
    assert "Không gửi thư điện tử: tỉnh chưa có địa chỉ nhận báo cáo" in html


@pytest.mark.usefixtures("province_address")
def test_a_failed_e_mail_says_so(officer, commune, monkeypatch, django_capture_on_commit_callbacks):
    def refused(self, *args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refused)
    report = send(made(commune), officer, capture=django_capture_on_commit_callbacks)
    assert report.sent_state == AdoptionReport.SentState.SENT  # sent on the portal
    assert report.email_state == AdoptionReport.EmailState.FAILED


# ------------------------------------------------------------------ receiving


def test_the_province_officer_marks_a_sent_report_received(
    client, officer, province_officer, commune, django_capture_on_commit_callbacks
):
    report = made(commune)
    client.force_login(province_officer)
    html = client.get(f"/bao-cao/{report.pk}/").content.decode()
    assert 'name="reason"' not in html  # the province reads; the commune sends
    assert client.post(f"/bao-cao/{report.pk}/gui/", {"reason": ""}).status_code == 404
    with pytest.raises(ValidationError):  # not sent yet
        report_services.report_receive(report=report, actor=province_officer)
    send(report, officer, capture=django_capture_on_commit_callbacks)
    html = client.get(f"/bao-cao/{report.pk}/").content.decode()
    assert "Xác nhận đã nhận" in html
    assert client.post(f"/bao-cao/{report.pk}/nhan/").status_code == 302
    report.refresh_from_db()
    assert report.sent_state == AdoptionReport.SentState.RECEIVED
    assert report.received_by == province_officer
    html = client.get(f"/bao-cao/{report.pk}/").content.decode()
    assert "Tỉnh đã nhận lúc" in html and "Xác nhận đã nhận" not in html
    assert "/bao-cao/tinh/nhan/?tinh=" in html  # back to the province's inbox
    # the commune does not mark its own report received
    with pytest.raises(PermissionDenied):
        report_services.report_receive(report=report, actor=officer)


def test_who_may_send_and_receive(
    client,
    officer,
    other_officer,
    province_officer,
    far_province_officer,
    commune,
    django_capture_on_commit_callbacks,
):
    report = made(commune)
    for outsider in (other_officer, far_province_officer):
        client.force_login(outsider)
        assert client.get(f"/bao-cao/{report.pk}/").status_code == 404
        assert client.post(f"/bao-cao/{report.pk}/gui/", {"reason": "x"}).status_code == 404
        assert client.post(f"/bao-cao/{report.pk}/nhan/").status_code == 404
    with pytest.raises(PermissionDenied):
        report_services.report_send(report=report, reason="", actor=other_officer)
    with pytest.raises(PermissionDenied):
        report_services.report_send(report=report, reason="", actor=province_officer)
    send(report, officer, capture=django_capture_on_commit_callbacks)
    with pytest.raises(PermissionDenied):
        report_services.report_receive(report=report, actor=far_province_officer)
    client.logout()
    assert client.post(f"/bao-cao/{report.pk}/nhan/").status_code == 302  # to sign in
    report.refresh_from_db()
    assert report.sent_state == AdoptionReport.SentState.SENT


def test_the_roles_carry_the_send_and_receive_permissions(db):
    officers = Group.objects.get(name=Role.COMMUNE_OFFICER).permissions
    province = Group.objects.get(name=Role.PROVINCE_OFFICER).permissions
    assert officers.filter(codename="send_adoptionreport").exists()
    assert not officers.filter(codename="receive_adoptionreport").exists()
    assert province.filter(codename="receive_adoptionreport").exists()
    assert not province.filter(codename="send_adoptionreport").exists()


# ------------------------------------------------------------------ the province's inbox


def test_the_inbox_shows_which_commune_sent_which_month(
    client,
    officer,
    province_officer,
    commune,
    other_commune,
    django_capture_on_commit_callbacks,
):
    sent = send(made(commune), officer, capture=django_capture_on_commit_callbacks)
    made(commune, period=(datetime.date(2026, 9, 1), datetime.date(2026, 9, 30)))  # not sent
    client.force_login(province_officer)
    html = client.get("/bao-cao/tinh/nhan/?nam=2026").content.decode()
    assert "Báo cáo gửi lên tỉnh" in html
    assert "01/2026" in html and "12/2026" in html
    rows = {line.split("</th>")[0]: line for line in html.split('<tr><th scope="row">')[1:]}
    assert f"/bao-cao/{sent.pk}/" in rows["Chư Prông"]
    assert f"đã gửi {sent.sent_at.astimezone().strftime('%d/%m/%Y')}" in rows["Chư Prông"] or (
        "đã gửi" in rows["Chư Prông"]
    )
    assert rows["Chư Prông"].count("chưa gửi") == 11
    assert rows["Ia Boòng"].count("chưa gửi") == 12
    # another year: nothing sent
    html = client.get("/bao-cao/tinh/nhan/?nam=2025").content.decode()
    assert f"/bao-cao/{sent.pk}/" not in html and "01/2025" in html
    report_services.report_receive(report=sent, actor=province_officer)
    html = client.get("/bao-cao/tinh/nhan/?nam=2026").content.decode()
    assert "đã nhận" in html


def test_the_last_twelve_months_by_default(client, province_officer, commune):
    client.force_login(province_officer)
    html = client.get("/bao-cao/tinh/nhan/").content.decode()
    today = timezone.localdate()
    assert today.strftime("%m/%Y") in html
    assert html[html.index("<tbody>") :].count("chưa gửi") == 12


def test_the_inbox_query_count_does_not_grow_with_communes(
    client,
    officer,
    province_officer,
    province,
    commune,
    django_assert_num_queries,
    django_capture_on_commit_callbacks,
):
    send(made(commune), officer, capture=django_capture_on_commit_callbacks)
    client.force_login(province_officer)
    client.get("/bao-cao/tinh/nhan/")
    # session, user, groups, the province, its communes, the reports sent, then the
    # menu's 2 × permissions and vendor link
    with django_assert_num_queries(9):
        assert client.get("/bao-cao/tinh/nhan/?nam=2026").status_code == 200
    for n in range(10):
        extra = CommuneFactory(name=f"Xã thêm {n}", slug=f"xa-them-{n}", province=province)
        send(
            made(extra),
            UserFactory(role=Role.COMMUNE_OFFICER, commune=extra),
            capture=(django_capture_on_commit_callbacks),
        )
    with django_assert_num_queries(9):
        html = client.get("/bao-cao/tinh/nhan/?nam=2026").content.decode()
    assert html[html.index("<tbody>") :].count("đã gửi") == 11


def test_the_inbox_is_the_province_officers_and_superusers(
    client, officer, far_province_officer, province, far_province, commune, far_commune
):
    client.force_login(officer)
    assert client.get("/bao-cao/tinh/nhan/").status_code == 404
    client.force_login(far_province_officer)
    html = client.get(f"/bao-cao/tinh/nhan/?tinh={province.pk}").content.decode()
    communes = html[html.index("<tbody>") : html.index("</tbody>")]
    assert "Ea Kar" in communes and "Chư Prông" not in communes  # their own province only
    client.logout()
    assert client.get("/bao-cao/tinh/nhan/").status_code == 302
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    html = client.get(f"/bao-cao/tinh/nhan/?tinh={province.pk}").content.decode()
    communes = html[html.index("<tbody>") : html.index("</tbody>")]
    assert "Chư Prông" in communes and "Ea Kar" not in communes


@pytest.mark.usefixtures("province_address")
def test_the_sweeper_sends_a_lost_e_mail_again(
    officer, commune, mailoutbox, django_capture_on_commit_callbacks
):
    report = made(commune)
    with django_capture_on_commit_callbacks(execute=False):  # the message never arrives
        report_services.report_send(report=report, reason="", actor=officer)
    waiting = AdoptionReport.objects.filter(pk=report.pk)
    assert report_services.reports_sweep()["emails"] == 0  # not yet: it may still come
    waiting.update(sent_at=timezone.now() - datetime.timedelta(minutes=11))
    with django_capture_on_commit_callbacks(execute=True):
        assert report_services.reports_sweep()["emails"] == 1
    report.refresh_from_db()
    assert report.email_state == AdoptionReport.EmailState.SENT
    assert len(mailoutbox) == 1


@pytest.mark.usefixtures("province_address")
def test_an_e_mail_whose_worker_died_is_claimed_again(officer, commune, mailoutbox):
    report = made(commune)
    report_services.report_send(report=report, reason="", actor=officer)  # not committed
    claimed = AdoptionReport.objects.filter(pk=report.pk)
    claimed.update(email_state=AdoptionReport.EmailState.SENDING, email_claimed_at=timezone.now())
    assert report_services.report_deliver(report_id=report.pk) is False  # still being sent
    claimed.update(email_claimed_at=timezone.now() - datetime.timedelta(hours=1))
    assert report_services.report_deliver(report_id=report.pk) is True
    assert len(mailoutbox) == 1


@pytest.mark.usefixtures("province_address")
def test_a_warning_explained_goes_up_with_the_report(
    client, officer, commune, village_a, mailoutbox, django_capture_on_commit_callbacks
):
    """Warnings do not stop a report; the officer's word on them is kept and e-mailed."""
    AssistanceRecordFactory(village=village_a, helped_on=OCT[0], resident_phone="0905123456")
    AssistanceRecordFactory(village=village_a, helped_on=OCT[0], resident_phone="0905123456")
    report = made(commune)
    client.force_login(officer)
    form = client.get(f"/bao-cao/{report.pk}/").content.decode()
    assert 'name="reason"' in form[form.index('id="gui-tinh"') :]
    explanation = "Hai lượt cùng số điện thoại: hai anh em dùng chung một máy."
    report = send(report, officer, reason=explanation, capture=django_capture_on_commit_callbacks)
    assert report.send_reason == explanation
    assert f"Giải trình của xã: {explanation}" in mailoutbox[0].body
    html = client.get(f"/bao-cao/{report.pk}/").content.decode()
    assert explanation in html


def test_the_last_twelve_months_come_newest_first():
    months = report_selectors.inbox_months(datetime.date(2026, 12, 3), None)
    assert months[0] == datetime.date(2026, 12, 1) and months[1] == datetime.date(2026, 11, 1)
    assert months[-1] == datetime.date(2026, 1, 1) and len(months) == 12
    assert report_selectors.inbox_months(datetime.date(2026, 12, 3), 2025)[0].month == 1
