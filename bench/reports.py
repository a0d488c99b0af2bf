"""Adoption reports at province scale: the ORM report against hand-written SQL, and memory.

Runs on the synthetic province of ``manage.py seed_scale`` in PostgreSQL:

    createdb -h 127.0.0.1 -U postgres chuprong_scale
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/chuprong_scale make bench-reports

(``make bench-reports`` migrates and seeds the database when the synthetic
province is not there yet; ``SEED_SCALE=0.1`` seeds a tenth of it.)

Prints, for one commune's monthly report and for the whole province's:
the median time of ``reports.reporting.compute`` (what the Celery task runs)
and of the same aggregations written by hand in SQL, in the same run, and
their ratio (the goal: at most 2×). Then the peak Python memory of writing
the province's XLSX (write-only mode), against writing one commune's: the
ratio shows whether memory grows with the data.
"""

import datetime
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chuprong.settings")
os.environ.setdefault("CHUPRONG_IGNORE_DOTENV", "1")
os.environ.setdefault("DEBUG", "1")

REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))

# The aggregations of reports/reporting.py, one statement per ORM query, written
# by hand. %(scope)s is replaced by the village filter of the scope.
SQL = [
    # market: vendors per market, markets, first cashless per vendor (trend, before, period)
    """SELECT vd.market_id, count(*),
              count(*) FILTER (WHERE EXISTS (SELECT 1 FROM market_paymentaccount a
                                             WHERE a.vendor_id = vd.id)),
              count(*) FILTER (WHERE vd.status = 'cashless')
       FROM market_vendor vd JOIN market_market m ON m.id = vd.market_id
       WHERE m.village_id IN (%(scope)s) AND vd.created_at < %(until)s GROUP BY vd.market_id""",
    """SELECT m.id, m.name, v.name FROM market_market m JOIN chuprong_village v
       ON v.id = m.village_id WHERE m.village_id IN (%(scope)s) ORDER BY v.position, m.name""",
    """WITH f AS (SELECT (SELECT min(s.changed_at) FROM market_vendorstatuschange s
                          WHERE s.vendor_id = vd.id AND s.status = 'cashless') AS first
                  FROM market_vendor vd JOIN market_market m ON m.id = vd.market_id
                  WHERE m.village_id IN (%(scope)s))
       SELECT date_trunc('month', first AT TIME ZONE 'Asia/Ho_Chi_Minh'), count(*) FROM f
       WHERE first >= %(window)s AND first < %(until)s GROUP BY 1""",
    """SELECT count(*) FROM market_vendor vd JOIN market_market m ON m.id = vd.market_id
       WHERE m.village_id IN (%(scope)s) AND (SELECT min(s.changed_at)
             FROM market_vendorstatuschange s WHERE s.vendor_id = vd.id
             AND s.status = 'cashless') < %(window)s""",
    """SELECT count(*) FROM market_vendor vd JOIN market_market m ON m.id = vd.market_id
       WHERE m.village_id IN (%(scope)s) AND (SELECT min(s.changed_at)
             FROM market_vendorstatuschange s WHERE s.vendor_id = vd.id
             AND s.status = 'cashless') >= %(since)s AND (SELECT min(s.changed_at)
             FROM market_vendorstatuschange s WHERE s.vendor_id = vd.id
             AND s.status = 'cashless') < %(until)s""",
    # residents helped
    """SELECT village_id, count(*), count(*) FILTER (WHERE resident_name = ''),
              count(DISTINCT lower(resident_name) || '|' ||
                    coalesce(resident_birth_year::text, '')) FILTER (WHERE resident_name <> '')
       FROM volunteers_assistancerecord
       WHERE village_id IN (%(scope)s) AND helped_on BETWEEN %(start)s AND %(end)s
       GROUP BY village_id""",
    """SELECT r.village_id, count(*) FROM volunteers_servicegiven s
       JOIN volunteers_assistancerecord r ON r.id = s.record_id
       WHERE r.village_id IN (%(scope)s) AND r.helped_on BETWEEN %(start)s AND %(end)s
       GROUP BY r.village_id""",
    """SELECT s.service, s.outcome, count(*) FROM volunteers_servicegiven s
       JOIN volunteers_assistancerecord r ON r.id = s.record_id
       WHERE r.village_id IN (%(scope)s) AND r.helped_on BETWEEN %(start)s AND %(end)s
       GROUP BY s.service, s.outcome""",
    """SELECT campaign_id, count(*), count(*) FILTER (WHERE resident_name = ''),
              count(DISTINCT lower(resident_name) || '|' ||
                    coalesce(resident_birth_year::text, '')) FILTER (WHERE resident_name <> '')
       FROM volunteers_assistancerecord
       WHERE village_id IN (%(scope)s) AND helped_on BETWEEN %(start)s AND %(end)s
             AND campaign_id IS NOT NULL GROUP BY campaign_id""",
    """SELECT id, name, goal FROM volunteers_campaign WHERE id IN (
         SELECT campaign_id FROM volunteers_assistancerecord WHERE village_id IN (%(scope)s)
         AND helped_on BETWEEN %(start)s AND %(end)s) ORDER BY starts_on, name""",
    """SELECT r.campaign_id, r.helped_on, count(*) FROM volunteers_assistancerecord r
       JOIN volunteers_campaign c ON c.id = r.campaign_id
       WHERE r.village_id IN (%(scope)s) AND r.helped_on BETWEEN %(start)s AND %(end)s
       GROUP BY r.campaign_id, r.helped_on, c.starts_on ORDER BY c.starts_on, 1, 2""",
    # trainings
    """SELECT kind, count(*), coalesce(sum(external_participants), 0)
       FROM trainings_trainingsession t JOIN chuprong_commune c ON c.id = t.commune_id
       WHERE %(sessions)s AND starts_at >= %(since)s AND starts_at < %(until)s GROUP BY kind""",
    """SELECT t.kind, count(*) FROM trainings_attendance a
       JOIN trainings_trainingsession t ON t.id = a.session_id
       JOIN chuprong_commune c ON c.id = t.commune_id
       WHERE %(sessions)s AND t.starts_at >= %(since)s AND t.starts_at < %(until)s
       GROUP BY t.kind""",
    """SELECT tp.name, count(*) FROM trainings_trainingsession_topics tt
       JOIN trainings_topic tp ON tp.id = tt.topic_id
       JOIN trainings_trainingsession t ON t.id = tt.trainingsession_id
       JOIN chuprong_commune c ON c.id = t.commune_id
       WHERE %(sessions)s AND t.starts_at >= %(since)s AND t.starts_at < %(until)s
       GROUP BY tp.name""",
    """SELECT tp.name, count(*) FROM trainings_attendance a
       JOIN trainings_trainingsession t ON t.id = a.session_id
       JOIN trainings_trainingsession_topics tt ON tt.trainingsession_id = t.id
       JOIN trainings_topic tp ON tp.id = tt.topic_id
       JOIN chuprong_commune c ON c.id = t.commune_id
       WHERE %(sessions)s AND t.starts_at >= %(since)s AND t.starts_at < %(until)s
       GROUP BY tp.name""",
    """SELECT t.title, t.starts_at, count(a.id), t.external_participants
       FROM trainings_trainingsession t JOIN chuprong_commune c ON c.id = t.commune_id
       LEFT JOIN trainings_attendance a ON a.session_id = t.id
       WHERE %(sessions)s AND t.kind = 'webinar' AND t.starts_at >= %(since)s
             AND t.starts_at < %(until)s GROUP BY t.id ORDER BY t.starts_at""",
    """SELECT count(DISTINCT a.volunteer_id), count(DISTINCT lower(a.name) || '|' ||
              coalesce(a.village_id::text, '')) FILTER (WHERE a.volunteer_id IS NULL)
       FROM trainings_attendance a JOIN trainings_trainingsession t ON t.id = a.session_id
       JOIN chuprong_commune c ON c.id = t.commune_id
       WHERE %(sessions)s AND t.starts_at >= %(since)s AND t.starts_at < %(until)s""",
    """SELECT a.village_id, count(*) FROM trainings_attendance a
       JOIN trainings_trainingsession t ON t.id = a.session_id
       JOIN chuprong_commune c ON c.id = t.commune_id
       WHERE %(sessions)s AND t.starts_at >= %(since)s AND t.starts_at < %(until)s
             AND a.village_id IS NOT NULL GROUP BY a.village_id""",
    # legal library
    """SELECT point_id, sum(visits) FROM legal_library_pointdailycount
       WHERE point_id IN (SELECT id FROM legal_library_librarypoint
                          WHERE village_id IN (%(scope)s))
             AND day BETWEEN %(start)s AND %(end)s GROUP BY point_id""",
    """SELECT p.id, p.name, p.village_id, v.name, p.active FROM legal_library_librarypoint p
       JOIN chuprong_village v ON v.id = p.village_id WHERE p.village_id IN (%(scope)s)
       ORDER BY v.position, p.name""",
    """SELECT c.name, sum(r.reads) FROM legal_library_documentdailycount r
       JOIN legal_library_document d ON d.id = r.document_id
       JOIN legal_library_document_categories dc ON dc.document_id = d.id
       JOIN legal_library_category c ON c.id = dc.category_id
       WHERE r.day BETWEEN %(start)s AND %(end)s AND d.published GROUP BY c.name
       ORDER BY 2 DESC, 1""",
    """SELECT d.id, d.title, sum(r.reads) FROM legal_library_documentdailycount r
       JOIN legal_library_document d ON d.id = r.document_id
       WHERE r.day BETWEEN %(start)s AND %(end)s AND d.published GROUP BY d.id, d.title
       ORDER BY 3 DESC, 2 LIMIT 15""",
    """SELECT count(*) FROM legal_library_librarypoint
       WHERE village_id IN (%(scope)s) AND active""",
    """SELECT coalesce(sum(r.reads), 0) FROM legal_library_documentdailycount r
       JOIN legal_library_document d ON d.id = r.document_id
       WHERE r.day BETWEEN %(start)s AND %(end)s AND d.published""",
    # volunteers
    """SELECT village_id, count(*) FROM volunteers_volunteer
       WHERE village_id IN (%(scope)s) AND active GROUP BY village_id""",
    """SELECT count(*), count(*) FILTER (WHERE on_tech_team) FROM volunteers_volunteer
       WHERE village_id IN (%(scope)s) AND active""",
    """SELECT av.volunteer_id, vo.full_name, vi.name, count(*)
       FROM volunteers_assistancerecord_volunteers av
       JOIN volunteers_assistancerecord r ON r.id = av.assistancerecord_id
       JOIN volunteers_volunteer vo ON vo.id = av.volunteer_id
       JOIN chuprong_village vi ON vi.id = vo.village_id
       WHERE vo.village_id IN (%(scope)s) AND r.helped_on BETWEEN %(start)s AND %(end)s
       GROUP BY av.volunteer_id, vo.full_name, vi.name ORDER BY 4 DESC, 2 LIMIT 15""",
    # data-quality checks: how many, and the first 50 ids
    """SELECT id, count(*) OVER () FROM volunteers_assistancerecord WHERE village_id IN (%(scope)s)
       AND helped_on BETWEEN %(start)s AND %(end)s AND resident_phone IN (
         SELECT resident_phone FROM volunteers_assistancerecord WHERE village_id IN (%(scope)s)
         AND helped_on BETWEEN %(start)s AND %(end)s AND resident_phone <> ''
         GROUP BY resident_phone HAVING count(*) > 1) ORDER BY id LIMIT 50""",
    """WITH n AS (SELECT id, village_id, lower(resident_name) || '|' ||
                         coalesce(resident_birth_year::text, '') AS key
                  FROM volunteers_assistancerecord WHERE village_id IN (%(scope)s)
                  AND helped_on BETWEEN %(start)s AND %(end)s AND resident_name <> '')
       , d AS (SELECT village_id, key FROM n GROUP BY village_id, key HAVING count(*) > 1)
       SELECT n.id, count(*) OVER () FROM n JOIN d USING (village_id, key)
       ORDER BY n.id LIMIT 50""",
    """SELECT vd.id, count(*) OVER () FROM market_vendor vd JOIN market_market m
       ON m.id = vd.market_id WHERE m.village_id IN (%(scope)s) AND vd.status = 'cashless'
       AND NOT EXISTS (SELECT 1 FROM market_paymentaccount a WHERE a.vendor_id = vd.id)
       ORDER BY vd.id LIMIT 50""",
    """SELECT id, count(*) OVER () FROM volunteers_assistancerecord
       WHERE village_id IN (%(scope)s) AND helped_on > %(today)s ORDER BY id LIMIT 50""",
    """SELECT t.id, count(*) OVER () FROM trainings_trainingsession t JOIN chuprong_commune c
       ON c.id = t.commune_id LEFT JOIN trainings_attendance a ON a.session_id = t.id
       WHERE %(sessions)s AND t.starts_at >= %(since)s AND t.starts_at < %(until)s
       AND t.capacity IS NOT NULL GROUP BY t.id HAVING count(a.id) > t.capacity
       ORDER BY t.id LIMIT 50""",
    # the villages of the scope
    """SELECT v.id, v.name, v.code FROM chuprong_village v JOIN chuprong_commune c
       ON c.id = v.commune_id WHERE v.id IN (%(scope)s) ORDER BY v.commune_id, v.position,
       v.name""",
]


def main() -> None:
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from bench.management.commands.seed_scale import PROVINCE
    from core.models import Commune, Province
    from reports import files as report_files
    from reports import reporting

    if connection.vendor != "postgresql":
        sys.exit("bench/reports.py measures PostgreSQL: set DATABASE_URL=postgres://...")
    communes = Commune.objects.filter(province__name=PROVINCE).order_by("pk")
    province = Province.objects.filter(name=PROVINCE).first()
    if not communes.exists():
        sys.exit(
            "No synthetic province here: run `make bench-reports` (or `DJANGO_SETTINGS_MODULE="
            "bench.settings manage.py seed_scale`) first."
        )
    commune = communes[len(communes) // 2]
    today = timezone.localdate()
    start, end = reporting.previous_month(today)

    def params(scope_sql: str, sessions_sql: str, args: dict) -> tuple[list[str], dict]:
        since = reporting._instant(start)
        until = reporting._instant(end + datetime.timedelta(days=1))
        months_back = end.year * 12 + end.month - 1 - 11
        window = reporting._instant(datetime.date(months_back // 12, months_back % 12 + 1, 1))
        values = {"start": start, "end": end, "since": since, "until": until, "today": today}
        values |= {"window": window, **args}
        texts = [
            sql.replace("%(scope)s", scope_sql).replace("%(sessions)s", sessions_sql) for sql in SQL
        ]
        return texts, values

    def raw(texts: list[str], values: dict) -> None:
        with connection.cursor() as cursor:
            for sql in texts:
                cursor.execute(sql, values)
                cursor.fetchall()

    def median(fn) -> float:
        fn()  # warm the caches of PostgreSQL and of the ORM
        times = []
        for _ in range(REPEAT):
            began = time.perf_counter()
            fn()
            times.append(time.perf_counter() - began)
        return statistics.median(times)

    village_of_commune = "SELECT id FROM chuprong_village WHERE commune_id = %(commune)s"
    village_of_province = (
        "SELECT v.id FROM chuprong_village v JOIN chuprong_commune c ON c.id = v.commune_id "
        "WHERE c.province_id = %(province)s"
    )
    cases = [
        (
            f"one commune ({commune.name}), {start:%m/%Y}",
            reporting.Scope.of(commune),
            params(village_of_commune, "t.commune_id = %(commune)s", {"commune": commune.pk}),
        ),
        (
            f"the province ({communes.count()} communes), {start:%m/%Y}",
            reporting.Scope("province", province=province),
            params(village_of_province, "c.province_id = %(province)s", {"province": province.pk}),
        ),
    ]
    print(f"PostgreSQL {connection.pg_version}, median of {REPEAT} runs after one warm-up")
    snapshots = {}
    for label, scope, (texts, values) in cases:
        orm = median(
            lambda scope=scope: snapshots.__setitem__(
                scope.level, reporting.compute(scope, start, end, kind="month")
            )
        )
        sql = median(lambda texts=texts, values=values: raw(texts, values))
        print(
            f"{label}: report {orm * 1000:8.1f} ms, hand-written SQL {sql * 1000:8.1f} ms, "
            f"ratio {orm / sql:5.2f}× (goal ≤ 2×)"
        )

    def peak_while_writing(snapshot: dict) -> tuple[int, int]:
        with tempfile.TemporaryFile() as out:
            tracemalloc.start()
            report_files.write_xlsx(snapshot, out)
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            return peak, out.tell()

    small, small_size = peak_while_writing(snapshots["commune"])
    large, large_size = peak_while_writing(snapshots["province"])
    rows = len(snapshots["province"]["tables"]["villages"])
    print(
        f"XLSX, peak Python memory while writing: one commune {small / 1e6:.1f} MB "
        f"({small_size / 1e3:.0f} kB file), the province {large / 1e6:.1f} MB "
        f"({large_size / 1e3:.0f} kB file, {rows} village rows): ratio {large / small:.2f}×"
    )


if __name__ == "__main__":
    main()
