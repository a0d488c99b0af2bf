"""The province at scale: every commune's monthly report made by real Celery workers, and
the province pages read uncached, on the synthetic province of ``manage.py seed_scale``.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/chuprong_scale \\
    REDIS_URL=redis://127.0.0.1:6379/9 make bench-province

1. ``reports``: ``reports.services.reports_monthly`` queues the report of last month of
   every commune (135 at the default scale) on the Redis broker; ``--workers`` real
   ``celery worker`` processes (2, prefork with ``--concurrency`` 1 each, as deployed,
   DEBUG off) make them. Prints the time from the enqueue until every report is done
   (goal: under 10 minutes) and the workers' memory (RSS of each worker and its pool
   process, sampled every ``--sample`` seconds): first, median and last samples and the
   peak, so a leak shows as a rise from the first report to the last. The reports the
   previous run made (same period, scheduled, of the synthetic province) are deleted
   first, so each run makes them all again.
2. ``pages``: the province dashboard and the public province page, uncached (the cache
   is cleared before each run), median of ``--repeat`` (goal: under 2 s). The public
   page's figures are also written by hand in SQL (``SQL``, one statement per ORM
   query, GROUP BY commune) and timed in the same run: the ratio is printed. The
   dashboard is ``reports.selectors.province_board(province, today)`` when it exists
   (``province_board_timing``); until then it is reported as missing.

``--only reports`` or ``--only pages`` runs one part. The Redis database is purged of
queued tasks first: give it one of its own.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chuprong.settings")
os.environ.setdefault("CHUPRONG_IGNORE_DOTENV", "1")

GOAL_REPORTS = 600.0  # seconds, every commune's monthly report
GOAL_PAGE = 2.0  # seconds, the province dashboard uncached

# The public province page's figures (reports/public.py figures_of), by hand: one
# statement per ORM query. %(ids)s: the communes' ids; dates as in reports.public.Period.
SQL = [
    """SELECT m_v.commune_id, count(*), count(*) FILTER (WHERE vd.status = 'cashless'),
              count(*) FILTER (WHERE EXISTS (SELECT 1 FROM market_vendorstatuschange s
                  WHERE s.vendor_id = vd.id AND s.status = 'cashless'
                  AND s.changed_at >= %(month)s AND s.changed_at < %(until)s)
                AND NOT EXISTS (SELECT 1 FROM market_vendorstatuschange s
                  WHERE s.vendor_id = vd.id AND s.status = 'cashless'
                  AND s.changed_at < %(month)s))
       FROM market_vendor vd JOIN market_market m ON m.id = vd.market_id
       JOIN chuprong_village m_v ON m_v.id = m.village_id
       WHERE m_v.commune_id = ANY(%(ids)s) GROUP BY m_v.commune_id""",
    # visits grouped by village and resident, then counted per commune (anonymous: each one)
    """SELECT commune_id, sum(n), sum(n_month),
              sum(CASE WHEN resident IS NULL THEN n ELSE 1 END),
              sum(CASE WHEN resident IS NULL THEN n_month WHEN n_month > 0 THEN 1 ELSE 0 END)
       FROM (SELECT v.commune_id, r.village_id,
                    CASE WHEN resident_name = '' AND resident_ref = '' THEN NULL
                         ELSE coalesce(nullif(resident_ref, ''), lower(resident_name) || '|' ||
                                       coalesce(resident_birth_year::text, '')) END AS resident,
                    count(*) AS n, count(*) FILTER (WHERE helped_on >= %(month_day)s) AS n_month
             FROM volunteers_assistancerecord r JOIN chuprong_village v ON v.id = r.village_id
             WHERE v.commune_id = ANY(%(ids)s) AND helped_on BETWEEN %(year_day)s AND %(today)s
             GROUP BY 1, 2, 3) g
       GROUP BY commune_id""",
    """SELECT v.commune_id, count(*) FROM legal_library_librarypoint p
       JOIN chuprong_village v ON v.id = p.village_id
       WHERE v.commune_id = ANY(%(ids)s) AND p.active GROUP BY v.commune_id""",
    """SELECT v.commune_id, coalesce(sum(c.visits), 0),
              coalesce(sum(c.visits) FILTER (WHERE c.day >= %(month_day)s), 0)
       FROM legal_library_pointdailycount c
       JOIN legal_library_librarypoint p ON p.id = c.point_id
       JOIN chuprong_village v ON v.id = p.village_id
       WHERE v.commune_id = ANY(%(ids)s) AND c.day BETWEEN %(year_day)s AND %(today)s
       GROUP BY v.commune_id""",
    """SELECT commune_id, count(*), count(*) FILTER (WHERE starts_at >= %(month)s)
       FROM trainings_trainingsession WHERE commune_id = ANY(%(ids)s)
       AND starts_at >= %(year)s AND starts_at < %(held)s GROUP BY commune_id""",
    """SELECT t.commune_id, count(*), count(*) FILTER (WHERE t.starts_at >= %(month)s)
       FROM trainings_attendance a JOIN trainings_trainingsession t ON t.id = a.session_id
       WHERE t.commune_id = ANY(%(ids)s) AND t.starts_at >= %(year)s AND t.starts_at < %(held)s
       GROUP BY t.commune_id""",
    """SELECT count(*) FROM legal_library_document WHERE published""",
]


def median_time(fn, repeat: int, before=None) -> tuple[float, list[float]]:
    fn()  # warm PostgreSQL's and the ORM's caches
    times = []
    for _ in range(repeat):
        if before:
            before()
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
    return statistics.median(times), times


def sql_values(ids: list[int], today) -> dict:
    """The parameters of ``SQL`` for these communes and this day (reports.public.Period)."""
    from django.utils import timezone

    from reports import public

    p = public.Period(today)
    return {
        "ids": ids,
        "today": today,
        "year_day": p.year_start,
        "month_day": p.month_start,
        "year": public._instant(p.year_start),
        "month": public._instant(p.month_start),
        "until": p.until,
        "held": min(timezone.now(), p.until),
    }


def run_sql(values: dict) -> list[list[tuple]]:
    """Every statement of ``SQL``: its rows."""
    from django.db import connection

    with connection.cursor() as cursor:
        out = []
        for sql in SQL:
            cursor.execute(sql, values)
            out.append(cursor.fetchall())
        return out


def province_board_timing(province, today, repeat: int) -> float | None:
    """The province dashboard uncached (``targets``' ``reports.selectors.province_board``),
    median seconds; None while it does not exist."""
    from django.core.cache import cache

    from reports import selectors

    board = getattr(selectors, "province_board", None)
    if board is None:
        return None
    seconds, _times = median_time(lambda: board(province, today), repeat, cache.clear)
    return seconds


# ------------------------------------------------------------------ the pages


def pages(province, repeat: int) -> None:
    from django.core.cache import cache
    from django.test import RequestFactory
    from django.utils import timezone

    from reports import public, views_public

    today = timezone.localdate()
    communes = list(province.communes.order_by("pk").values_list("pk", flat=True))
    values = sql_values(communes, today)

    def raw() -> None:
        run_sql(values)

    request = RequestFactory().get(f"/tinh/{province.slug}/tien-do/", HTTP_HOST="127.0.0.1")
    request.user = _anonymous()

    def page() -> None:
        response = views_public.province_progress(request, province.slug)
        assert response.status_code == 200, response.status_code

    figures, _t = median_time(lambda: public.figures_of(communes, today), repeat)
    sql, _t = median_time(raw, repeat)
    whole, times = median_time(page, repeat, cache.clear)
    cached, _t = median_time(page, repeat)
    print(
        f"public province page (/tinh/{province.slug}/tien-do/, {len(communes)} communes): "
        f"figures {figures * 1000:.0f} ms against hand-written SQL {sql * 1000:.0f} ms "
        f"(ratio {figures / sql:.2f}×); the whole page uncached {whole * 1000:.0f} ms "
        f"(runs {', '.join(f'{t * 1000:.0f}' for t in times)} ms; goal < {GOAL_PAGE:.0f} s: "
        f"{'met' if whole < GOAL_PAGE else 'NOT met'}), cached {cached * 1000:.1f} ms"
    )
    commune = province.communes.order_by("pk")[len(communes) // 2]
    one = RequestFactory().get(f"/xa/{commune.slug}/tien-do/", HTTP_HOST="127.0.0.1")
    one.user = request.user
    alone, _t = median_time(
        lambda: views_public.commune_progress(one, commune.slug), repeat, cache.clear
    )
    print(f"public commune page (/xa/{commune.slug}/tien-do/) uncached: {alone * 1000:.0f} ms")
    board = province_board_timing(province, today, repeat)
    if board is None:
        print("province dashboard (reports.selectors.province_board): not there yet")
    else:
        print(
            f"province dashboard uncached (reports.selectors.province_board): "
            f"{board * 1000:.0f} ms (goal < {GOAL_PAGE:.0f} s: "
            f"{'met' if board < GOAL_PAGE else 'NOT met'})"
        )


def _anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


# ------------------------------------------------------------------ the workers


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(c) for c in text.split()]


class Sampler(threading.Thread):
    """Every ``every`` seconds: the RSS of each worker process (the main one and its pool
    processes, by pid), until stopped."""

    def __init__(self, pids: list[int], every: float):
        super().__init__(daemon=True)
        self.pids, self.every = pids, every
        self.samples: dict[int, list[tuple[float, int]]] = {}
        self.stopped = threading.Event()
        self.began = time.perf_counter()

    def run(self) -> None:
        while not self.stopped.is_set():
            now = time.perf_counter() - self.began
            for parent in self.pids:
                for pid in [parent, *_children(parent)]:
                    rss = _rss_kb(pid)
                    if rss:
                        self.samples.setdefault(pid, []).append((now, rss))
            self.stopped.wait(self.every)


def worker_env(tmp: Path) -> dict[str, str]:
    return {
        **os.environ,
        "CHUPRONG_IGNORE_DOTENV": "1",
        "DJANGO_SETTINGS_MODULE": "chuprong.settings",
        "DEBUG": "0",  # DEBUG on keeps every query in memory: the RSS would grow with it
        "SECRET_KEY": "bench-only-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "MEDIA_ROOT": str(tmp / "media"),
        "PYTHONPATH": str(ROOT),
    }


def start_workers(env: dict[str, str], count: int, concurrency: int, tmp: Path) -> list:
    celery = Path(sys.executable).with_name("celery")
    workers = []
    for n in range(count):
        log = tmp / f"worker-{n}.log"
        process = subprocess.Popen(
            [
                str(celery),
                "-A",
                "chuprong",
                "worker",
                "--concurrency",
                str(concurrency),
                "--loglevel",
                "WARNING",
                "--hostname",
                f"bench{n}@province",
                "--without-mingle",
                "--without-gossip",
            ],
            cwd=ROOT,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        process.log = log
        workers.append(process)
    return workers


def wait_ready(workers: list, concurrency: int) -> None:
    """Until each worker has its pool processes (prefork starts them before consuming)."""
    for _ in range(300):
        if all(len(_children(w.pid)) >= concurrency for w in workers):
            time.sleep(2)  # connected to the broker
            return
        for w in workers:
            if w.poll() is not None:
                sys.exit(f"a worker stopped:\n{w.log.read_text()}")
        time.sleep(0.2)
    sys.exit("the workers did not start in 60 s")


def print_rss(sampler: Sampler, args) -> None:
    print(
        f"  workers' RSS (MB), sampled every {args.sample} s: at the start and at each "
        "quarter of the run, and the peak"
    )
    for pid, samples in sorted(sampler.samples.items()):
        rss = [kb / 1024 for _t, kb in samples]
        role = "main" if pid in sampler.pids else "pool"
        quarters = [rss[min(len(rss) - 1, len(rss) * q // 4)] for q in range(5)]
        print(
            f"    pid {pid} ({role}): {' → '.join(f'{r:.1f}' for r in quarters)}, peak "
            f"{max(rss):.1f} ({len(rss)} samples; second half {quarters[4] - quarters[2]:+.1f} MB)"
        )
    if args.samples_csv:
        with open(args.samples_csv, "w") as out:
            out.write("pid,seconds,rss_kb\n")
            for pid, samples in sorted(sampler.samples.items()):
                out.writelines(f"{pid},{t:.1f},{kb}\n" for t, kb in samples)
        print("  every sample written to", args.samples_csv)


def reports(province, args) -> None:
    from django.conf import settings
    from django.db.models import Count, Q
    from django.utils import timezone

    from chuprong.celery import app
    from reports import services
    from reports.models import AdoptionReport
    from reports.reporting import previous_month

    if not settings.REDIS_URL:
        sys.exit(
            "The workers need a broker: set REDIS_URL=redis://127.0.0.1:6379/<a db of its own>"
        )
    start, end = previous_month(timezone.localdate())
    communes = province.communes.count()
    mine = AdoptionReport.objects.filter(
        commune__province=province, period_start=start, period_end=end, village=None
    )
    deleted = mine.filter(requested_by=None).delete()[0]
    app.control.purge()
    with tempfile.TemporaryDirectory(prefix="chuprong-bench-province-") as name:
        tmp = Path(name)
        workers = start_workers(worker_env(tmp), args.workers, args.concurrency, tmp)
        try:
            wait_ready(workers, args.concurrency)
            sampler = Sampler([w.pid for w in workers], args.sample)
            sampler.start()
            began = time.perf_counter()
            queued = services.reports_monthly()
            enqueued = time.perf_counter() - began
            scheduled = mine.filter(requested_by=None)
            done_at = None
            while time.perf_counter() - began < args.timeout:
                counts = scheduled.aggregate(
                    done=Count("id", filter=Q(status=AdoptionReport.Status.DONE)),
                    failed=Count("id", filter=Q(status=AdoptionReport.Status.FAILED)),
                )
                if counts["done"] + counts["failed"] >= queued:
                    done_at = time.perf_counter() - began
                    break
                time.sleep(0.5)
            sampler.stopped.set()
            sampler.join()
        finally:
            for w in workers:
                w.terminate()
            for w in workers:
                try:
                    w.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    w.kill()
        logs = "".join(w.log.read_text(errors="replace")[-2000:] for w in workers)
    print(
        f"monthly reports ({start:%m/%Y}) of {communes} communes, {args.workers} celery workers "
        f"× concurrency {args.concurrency} (prefork, DEBUG off), Redis broker; "
        f"{deleted} reports of the previous run deleted first"
    )
    print(f"  queued {queued} in {enqueued:.1f} s (reports_monthly)")
    processes = args.workers * args.concurrency
    if done_at is None:
        print(f"  NOT all done after {args.timeout:.0f} s: {counts}")
        print(logs)
    else:
        print(
            f"  all done {done_at:.1f} s after the enqueue began ({done_at / 60:.1f} min; goal "
            f"< {GOAL_REPORTS / 60:.0f} min: {'met' if done_at < GOAL_REPORTS else 'NOT met'}), "
            f"{counts['failed']} failed, {done_at / max(queued, 1) * processes:.2f} s per "
            "report per worker process"
        )
    made = scheduled.filter(status=AdoptionReport.Status.DONE).order_by("finished_at")
    per = [
        (r.finished_at - r.started_at).total_seconds()
        for r in made.only("started_at", "finished_at")
        if r.started_at and r.finished_at
    ]
    if per:
        print(
            f"  one report: median {statistics.median(per):.2f} s, slowest {max(per):.2f} s "
            "(claim to done, files included)"
        )
    print_rss(sampler, args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=["reports", "pages"])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--sample", type=float, default=1.0, help="seconds between samples")
    parser.add_argument("--timeout", type=float, default=1200.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--samples-csv", help="write every RSS sample to this file")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection

    from bench.management.commands.seed_scale import PROVINCE
    from core.models import Province

    if connection.vendor != "postgresql":
        sys.exit("bench/province.py measures PostgreSQL: set DATABASE_URL=postgres://...")
    province = Province.objects.filter(name=PROVINCE).first()
    if province is None:
        sys.exit("No synthetic province here: run `make bench-reports` (seeds it) first.")
    print(f"PostgreSQL {connection.pg_version}; {province.communes.count()} communes")
    if args.only != "reports":
        pages(province, args.repeat)
    if args.only != "pages":
        reports(province, args)


if __name__ == "__main__":
    main()
