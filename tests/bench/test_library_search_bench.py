"""``bench/library.py search`` at a tiny size: the seeding fills the search index through
``services.document_save`` and the report has a row per query (no timing asserted)."""

import pytest

from bench.library import QUERIES, search_report, seed_library, time_search
from legal_library.models import Document

pytestmark = pytest.mark.django_db


def test_seeds_then_times_each_query_and_reports_it():
    made = seed_library(30)
    assert made > 0 and Document.objects.count() == 30
    timings = time_search(QUERIES[:2], runs=2)
    assert [t.query for t in timings] == QUERIES[:2]
    assert all(t.first == "52/2014/QH13" and t.found >= 1 for t in timings)
    assert all(t.median > 0 and t.p95 >= t.median and t.page_median for t in timings)
    lines = search_report(timings, runs=2)
    assert len(lines) == 1 + 2 + 3
    assert lines[1].startswith("52/2014/QH13") and "52/2014/QH13" in lines[2]
