"""Targets and baselines per commune: precedence, who sets what, the page, frozen reports."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import AuditEntry
from core.roles import Role
from reports import selectors
from reports import services as report_services
from reports.indicators import progress
from reports.models import AdoptionReport, IndicatorBaseline, IndicatorTarget
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SHARE = "market.cashless_share"  # default target 70
POINTS = "library.points_active"  # no default target
YEAR = 2026


def _set(commune, actor, value, code=SHARE):
    return report_services.target_set(
        commune=commune, indicator=code, year=YEAR, value=value, actor=actor
    )


def _goal(commune, code=SHARE):
    return selectors.commune_goals(commune, YEAR)[code]


def test_progress_from_the_baseline_or_from_zero():
    assert progress(20, 32, 8) == 50.0  # (20 - 8) ÷ (32 - 8)
    assert progress(35, 70) == 50.0  # no baseline: value ÷ target
    assert progress(8, 8, 8) is None  # nothing to divide by
    assert progress(None, 32, 8) is None and progress(5, None) is None


def test_commune_refinement_then_province_then_default(commune, officer, province_officer):
    assert (_goal(commune).target, _goal(commune).level) == (Decimal(70), "default")
    _set(commune, province_officer, Decimal(60))
    assert (_goal(commune).target, _goal(commune).level) == (Decimal(60), "province")
    _set(commune, officer, Decimal(75))
    goal = _goal(commune)
    assert (goal.target, goal.level) == (Decimal(75), "commune")
    assert goal.province_target == Decimal(60)  # kept beside the refinement
    assert IndicatorTarget.objects.filter(commune=commune).count() == 2
    _set(commune, officer, None)  # the refinement cleared: the province's again
    assert (_goal(commune).target, _goal(commune).level) == (Decimal(60), "province")
    assert _goal(commune, POINTS).target is None and _goal(commune, POINTS).level == ""


def test_a_province_target_for_every_commune_at_once(
    commune, other_commune, far_commune, officer, province_officer, province
):
    _set(commune, officer, Decimal(80))
    n = report_services.target_set_province(
        province=province, indicator=SHARE, year=YEAR, value=Decimal(65), actor=province_officer
    )
    assert n == 2
    assert _goal(other_commune).target == Decimal(65)
    assert _goal(commune).target == Decimal(80)  # the commune's refinement stays
    assert _goal(commune).province_target == Decimal(65)
    assert _goal(far_commune).target == Decimal(70)  # another province: untouched


@pytest.mark.parametrize(
    "who",
    ["other_officer", "far_province_officer", "volunteer", "secretary_a", "inactive_officer"],
)
def test_who_may_not_set_a_communes_target(request, commune, who):
    if who == "inactive_officer":
        actor = UserFactory(role=Role.COMMUNE_OFFICER, commune=commune, is_active=False)
    else:
        actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        _set(commune, actor, Decimal(50))
    with pytest.raises(PermissionDenied):
        report_services.baseline_set(
            commune=commune,
            indicator=POINTS,
            value=Decimal(8),
            as_of=datetime.date(2023, 6, 1),
            actor=actor,
        )
    assert not IndicatorTarget.objects.exists() and not IndicatorBaseline.objects.exists()


def test_a_province_officer_sets_no_target_of_another_province(
    far_commune, province_officer, province, far_province
):
    with pytest.raises(PermissionDenied):
        _set(far_commune, province_officer, Decimal(50))
    with pytest.raises(PermissionDenied):
        report_services.target_set_province(
            province=far_province,
            indicator=SHARE,
            year=YEAR,
            value=Decimal(50),
            actor=province_officer,
        )


def test_values_are_checked(commune, officer):
    with pytest.raises(ValidationError):
        _set(commune, officer, Decimal(120))  # a share is at most 100%
    with pytest.raises(ValidationError):
        _set(commune, officer, Decimal(-1))
    with pytest.raises(ValidationError):
        _set(commune, officer, Decimal(5), code="nothing.such")
    with pytest.raises(ValidationError):
        report_services.baseline_set(
            commune=commune,
            indicator=POINTS,
            value=Decimal(8),
            as_of=timezone.localdate() + datetime.timedelta(days=1),
            actor=officer,
        )


def test_changes_are_audited(commune, officer):
    _set(commune, officer, Decimal(75))
    _set(commune, officer, Decimal(75))  # the same again: nothing recorded
    _set(commune, officer, Decimal(72))
    report_services.baseline_set(
        commune=commune,
        indicator=POINTS,
        value=Decimal(8),
        as_of=datetime.date(2023, 6, 1),
        actor=officer,
    )
    _set(commune, officer, None)
    actions = list(
        AuditEntry.objects.filter(commune=commune).order_by("pk").values_list("action", flat=True)
    )
    assert actions == [
        AuditEntry.Action.CREATE,
        AuditEntry.Action.UPDATE,
        AuditEntry.Action.CREATE,
        AuditEntry.Action.DELETE,
    ]
    assert AuditEntry.objects.filter(actor=officer).count() == 4


# ------------------------------------------------------------------ the page


def _post(client, commune, values: dict):
    data = {"xa": commune.pk, "nam": timezone.localdate().year, **values}
    return client.post("/bao-cao/chi-tieu/", data)


def test_page_saves_a_refinement_and_a_baseline(client, officer, commune):
    client.force_login(officer)
    page = client.get("/bao-cao/chi-tieu/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Chỉ tiêu" in html and "<script" not in html.split("<main", 1)[-1]
    response = _post(
        client,
        commune,
        {
            "t-library.points_active": "32",
            "b-library.points_active": "8",
            "d-library.points_active": "01/06/2023",
            "t-market.cashless_share": "70,5",
        },
    )
    assert response.status_code == 302
    goals = selectors.commune_goals(commune, timezone.localdate().year)
    assert goals[POINTS].target == Decimal(32) and goals[POINTS].level == "commune"
    assert goals[POINTS].baseline == Decimal(8)
    assert goals[POINTS].baseline_as_of == datetime.date(2023, 6, 1)  # day first
    assert goals[SHARE].target == Decimal("70.5")
    page = client.get(response["Location"]).content.decode()
    assert 'value="32"' in page and 'value="01/06/2023"' in page


def test_page_errors_in_vietnamese_at_the_field_and_the_top(client, officer, commune):
    client.force_login(officer)
    response = _post(
        client,
        commune,
        {
            "t-library.points_active": "ba mươi",
            "b-library.points_active": "8",
            "t-market.cashless_share": "120",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="form-errors"' in html
    assert "Nhập một số" in html  # the number at its field
    assert "Nhập ngày đo giá trị ban đầu." in html  # a baseline needs its day
    assert not IndicatorTarget.objects.exists() and not IndicatorBaseline.objects.exists()
    response = _post(client, commune, {"t-market.cashless_share": "120"})
    assert response.status_code == 400
    assert "tối đa 100%" in response.content.decode()
    assert not IndicatorTarget.objects.exists()


def test_page_of_a_province_officer(client, province_officer, commune, other_commune):
    client.force_login(province_officer)
    assert client.get(f"/bao-cao/chi-tieu/?xa={other_commune.pk}").status_code == 200
    response = _post(client, other_commune, {"t-market.cashless_share": "65"})
    assert response.status_code == 302
    assert _goal_now(other_commune).level == "province"


def _goal_now(commune):
    return selectors.commune_goals(commune, timezone.localdate().year)[SHARE]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("officer", 404),  # another commune than their own
        ("far_province_officer", 404),
        ("volunteer", 404),
        ("secretary_a", 404),
        (None, 302),  # to sign in
    ],
)
def test_page_refused(request, client, other_commune, who, status):
    if who:
        client.force_login(request.getfixturevalue(who))
    response = client.get(f"/bao-cao/chi-tieu/?xa={other_commune.pk}")
    assert response.status_code == status
    assert _post(client, other_commune, {"t-market.cashless_share": "10"}).status_code == status
    assert not IndicatorTarget.objects.exists()


# ------------------------------------------------------------------ dashboard and reports


def test_dashboard_shows_target_baseline_and_progress(client, officer, commune, village_a):
    from tests.legal_library.factories import PointFactory

    for _n in range(2):
        PointFactory(village=village_a, active=True)
    year = timezone.localdate().year
    report_services.target_set(
        commune=commune, indicator=POINTS, year=year, value=Decimal(10), actor=officer
    )
    report_services.baseline_set(
        commune=commune,
        indicator=POINTS,
        value=Decimal(0),
        as_of=datetime.date(2023, 6, 1),
        actor=officer,
    )
    client.force_login(officer)
    html = client.get("/bao-cao/").content.decode()
    assert "Giá trị ban đầu" in html and "Tiến độ" in html
    assert "20 %" in html  # (2 - 0) ÷ (10 - 0)
    assert "chưa có chỉ tiêu" in html  # said clearly where there is none


def test_a_report_keeps_the_targets_it_was_made_with(commune, officer):
    report_services.target_set(
        commune=commune, indicator=SHARE, year=2026, value=Decimal(60), actor=officer
    )
    report = report_services.report_request(
        commune=commune,
        period_kind="month",
        start=datetime.date(2026, 10, 1),
        end=datetime.date(2026, 10, 31),
        actor=None,
    )
    report_services.report_generate(report_id=report.pk)
    report_services.target_set(
        commune=commune, indicator=SHARE, year=2026, value=Decimal(90), actor=officer
    )
    report = AdoptionReport.objects.get(pk=report.pk)
    assert report.data["targets"][SHARE] == {
        "target": 60.0,
        "level": "commune",
        "baseline": None,
        "baseline_as_of": None,
    }
    from reports.files import csv_rows

    rows = [r for r in csv_rows(report.data) if r[2] == _("Target")]
    assert any(r[3] == 60 for r in rows)


def test_demo_targets_are_set_once(commune):
    from core.models import AuditEntry as Entry
    from reports.demo import demo_load

    assert demo_load(commune) == 5
    entries = Entry.objects.count()
    demo_load(commune)  # again: nothing changes, nothing is recorded
    assert Entry.objects.count() == entries
    goals = selectors.commune_goals(commune, timezone.localdate().year)
    assert goals["library.points_active"].target == 32
    assert goals["library.points_active"].baseline == 8
    assert goals["market.cashless_share"].baseline_as_of == datetime.date(2023, 6, 1)
    assert goals["trainings.webinar_audience"].target == 300
    assert goals["trainings.people_trained"].target == 40
    assert goals["assistance.residents"].target == 80


def test_load_demo_sets_the_targets(db):
    from django.core.management import call_command

    call_command("load_demo", stdout=None)
    assert IndicatorTarget.objects.filter(level="province").count() == 5
    assert IndicatorBaseline.objects.count() == 5
