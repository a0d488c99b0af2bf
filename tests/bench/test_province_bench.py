"""``bench/province.py`` at a tiny size: its hand-written SQL, the baseline of the public
province page, finds what ``reports.public.figures_of`` finds (PostgreSQL only; no timing)."""

import pytest
from django.db import connection

from bench.province import province_board_timing, run_sql, sql_values
from reports import public
from tests.reports.test_public_progress import TODAY, dataset  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("dataset")
def test_hand_written_sql_matches_the_figures(commune, other_commune, far_commune):
    if connection.vendor != "postgresql":
        pytest.skip("the baseline is PostgreSQL's SQL")
    ids = [commune.pk, other_commune.pk, far_commune.pk]
    figures = public.figures_of(ids, TODAY)
    market, assistance, points, point_visits, sessions, attendances, documents = run_sql(
        sql_values(ids, TODAY)
    )
    by_commune = {
        pk: (f.vendors, f.cashless, f.cashless_new_month) for pk, f in figures.items() if f.vendors
    }
    assert {row[0]: tuple(row[1:]) for row in market} == by_commune
    assert {row[0]: tuple(row[1:]) for row in assistance} == {
        pk: (f.visits_year, f.visits_month, f.residents_year, f.residents_month)
        for pk, f in figures.items()
        if f.visits_year
    }
    assert dict(points) == {pk: f.points for pk, f in figures.items() if f.points}
    assert {row[0]: tuple(row[1:]) for row in point_visits} == {
        pk: (f.point_visits_year, f.point_visits_month)
        for pk, f in figures.items()
        if f.point_visits_year
    }
    assert {row[0]: tuple(row[1:]) for row in sessions} == {
        pk: (f.sessions_year, f.sessions_month) for pk, f in figures.items() if f.sessions_year
    }
    assert {row[0]: tuple(row[1:]) for row in attendances} == {
        pk: (f.attendances_year, f.attendances_month)
        for pk, f in figures.items()
        if f.attendances_year
    }
    assert documents == [(public.published_documents(),)]


def test_the_dashboard_hook_waits_for_the_dashboard(province):
    from reports import selectors

    if not hasattr(selectors, "province_board"):
        assert province_board_timing(province, TODAY, repeat=1) is None
