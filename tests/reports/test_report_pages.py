"""The officers' dashboard and report pages over HTTP."""

import datetime

import pytest
from django.core.cache import cache

from reports import services as report_services
from reports.models import AdoptionReport
from tests.factories import VillageFactory
from tests.volunteers.factories import AssistanceRecordFactory, CampaignFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()  # live figures are cached per commune and month


def _report(commune, *, done=True) -> AdoptionReport:
    report = report_services.report_request(
        commune=commune,
        period_kind="month",
        start=datetime.date(2026, 10, 1),
        end=datetime.date(2026, 10, 31),
        actor=None,
    )
    if done:
        report_services.report_generate(report_id=report.pk)
        report.refresh_from_db()
    return report


def test_dashboard_in_vietnamese_with_charts(client, officer, village_a, village_b):
    AssistanceRecordFactory(village=village_a)
    client.force_login(officer)
    html = client.get("/bao-cao/").content.decode()
    assert "Bảng theo dõi kết quả" in html
    assert "Tỷ lệ tiểu thương thanh toán không dùng tiền mặt" in html
    # one chart per program, two for the market: cashless, and confirmed receiving transfers
    assert html.count("<svg") == 6
    assert "Tỷ lệ tiểu thương xác nhận có nhận tiền chuyển khoản theo chợ" in html
    assert "Lập báo cáo ngay" in html


def test_dashboard_query_count_does_not_grow(
    client, officer, commune, village_a, django_assert_num_queries
):
    campaign = CampaignFactory(commune=commune)
    AssistanceRecordFactory(village=village_a, campaign=campaign)
    client.force_login(officer)
    client.get("/bao-cao/")
    cache.clear()
    # session, user, 2 × permissions, groups, commune, 33 + 32 figures (this month; last
    # month has no campaign to name), 10 of the year so far (reports/province.py), the
    # targets and the baselines, the vendor link of the menu, villages, the reports
    with django_assert_num_queries(86):
        assert client.get("/bao-cao/").status_code == 200
    for _n in range(15):
        AssistanceRecordFactory(village=VillageFactory(commune=commune), campaign=campaign)
        _report(commune)
    cache.clear()
    with django_assert_num_queries(86):
        assert client.get("/bao-cao/").status_code == 200
    # within five minutes the figures come from the cache; targets and baselines do not
    with django_assert_num_queries(11):
        assert client.get("/bao-cao/").status_code == 200


def test_village_table_sorts_by_a_column(client, officer, commune, village_a, village_b):
    AssistanceRecordFactory(village=village_b)
    AssistanceRecordFactory(village=village_b)
    AssistanceRecordFactory(village=village_a)
    client.force_login(officer)
    html = client.get("/bao-cao/?sap-xep=visits&chieu=giam").content.decode()
    table = html[html.index('id="villages"') :]
    assert table.index("Làng Kte") < table.index("Thôn 3")
    html = client.get("/bao-cao/?sap-xep=visits").content.decode()
    table = html[html.index('id="villages"') :]
    assert table.index("Thôn 3") < table.index("Làng Kte")
    assert client.get("/bao-cao/?sap-xep=<script>").status_code == 200  # unknown: ignored


def test_make_a_report_now(client, officer, commune, village_a):
    client.force_login(officer)
    response = client.post("/bao-cao/lap/", {"period_kind": "quarter", "month": "2026-08"})
    report = AdoptionReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/bao-cao/{report.pk}/"
    assert (report.period_start, report.period_end) == (
        datetime.date(2026, 7, 1),
        datetime.date(2026, 9, 30),
    )
    assert report.requested_by == officer
    page = client.get(response["Location"]).content.decode()
    assert "Chư Prông: 01/07/2026 – 30/09/2026" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"period_kind": "month", "month": "tháng mười"}, "Hãy chọn một tháng"),
        ({"period_kind": "month", "month": "2026-13"}, "Hãy chọn một tháng"),
        ({"period_kind": "custom", "start": "2026-10-01"}, "cả ngày bắt đầu và ngày kết thúc"),
        (
            {"period_kind": "custom", "start": "2026-10-31", "end": "2026-10-01"},
            "kết thúc trước khi bắt đầu",
        ),
        ({"period_kind": "month", "month": "2099-01"}, "chưa bắt đầu"),
        ({"period_kind": "week", "month": "2026-10"}, "không phải là một trong"),
    ],
)
def test_bad_requests_say_why_and_save_nothing(client, officer, commune, data, message):
    client.force_login(officer)
    response = client.post("/bao-cao/lap/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AdoptionReport.objects.exists()


def test_a_village_of_another_commune_cannot_be_chosen(client, officer, commune, other_village):
    client.force_login(officer)
    response = client.post(
        "/bao-cao/lap/", {"period_kind": "month", "month": "2026-10", "village": other_village.pk}
    )
    assert response.status_code == 400
    assert not AdoptionReport.objects.exists()


def test_status_for_the_progress_bar(client, officer, commune):
    report = _report(commune, done=False)
    AdoptionReport.objects.filter(pk=report.pk).update(status="running", progress=40)
    client.force_login(officer)
    response = client.get(f"/bao-cao/{report.pk}/trang-thai/")
    assert response.json() == {
        "status": "running",
        "label": "Đang lập",
        "progress": 40,
        "error": "",
    }
    assert response["Cache-Control"] == "no-store"
    page = client.get(f"/bao-cao/{report.pk}/").content.decode()
    assert 'data-report-status="/bao-cao/' in page
    assert "/static/js/reports." in page


@pytest.mark.parametrize(
    ("fmt", "content_type", "start"),
    [
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK"),
        ("pdf", "application/pdf", b"%PDF"),
        ("csv", "text/csv; charset=utf-8", "\ufeff".encode()),
    ],
)
def test_downloads(client, officer, commune, fmt, content_type, start):
    report = _report(commune)
    client.force_login(officer)
    response = client.get(f"/bao-cao/{report.pk}/tai/{fmt}/")
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content).startswith(start)


def test_no_download_before_it_is_done_or_of_an_unknown_format(client, officer, commune):
    queued = _report(commune, done=False)
    client.force_login(officer)
    assert client.get(f"/bao-cao/{queued.pk}/tai/xlsx/").status_code == 404
    report_services.report_generate(report_id=queued.pk)
    assert client.get(f"/bao-cao/{queued.pk}/tai/exe/").status_code == 404
    assert client.get(f"/bao-cao/{queued.pk}/tai/data/").status_code == 404


def test_a_failed_report_shows_its_reason(client, officer, commune):
    report = _report(commune, done=False)
    report_services.report_fail(report_id=report.pk, reason="Không kết nối được cơ sở dữ liệu.")
    client.force_login(officer)
    html = client.get(f"/bao-cao/{report.pk}/").content.decode()
    assert "Không lập được báo cáo." in html
    assert "Không kết nối được cơ sở dữ liệu." in html
