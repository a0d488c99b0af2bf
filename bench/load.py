"""The public pages under load: gunicorn, PostgreSQL and Redis, many phones at once.

    REDIS_URL=redis://127.0.0.1:6379/<n> make bench-load     # or .venv/bin/python bench/load.py
    .venv/bin/python bench/load.py --seconds 5 --clients 10    # the short run CI makes

Builds a commune in a fresh PostgreSQL database (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/chuprong_bench_load, dropped and made again,
dropped at the end): 32 villages, 8 library points, 300 documents, two markets
with their vendors. Then, against gunicorn with the real settings (Redis as the
page cache and the buffer of visit counts), wrk keeps ``--clients`` connections
busy for ``--seconds`` on each of: a minimal view (the baseline), a library
point's page, a document's page, a vendor's page and that vendor's QR image.
It prints requests per second, p50 and p99 latency, the ratio to the minimal
view and the errors of each, then checks that every visit and read was counted.
With ``--rounds N`` the pages are measured in turn N times and each page's
median round is printed, with every round's ratio: steadier on a busy machine.
Exits 1 if there was any error or a count is missing.
"""

import argparse
import dataclasses
import os
import shutil
import socket
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import MINIMAL, fetch, gunicorn, report, server_env, setup_django, wrk_load
from bench.library import fresh_database

DOCUMENTS = 300
EXTRA_VENDORS = 40  # besides the demo's seven: a market day's worth of stalls


def drop_database(url: str) -> None:
    import psycopg2

    name = urlsplit(url).path.lstrip("/")
    admin = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def build_commune() -> dict[str, str]:
    """The demo commune grown to a realistic size; returns the address of each page."""
    from django.core.management import call_command
    from django.db import transaction

    call_command("migrate", verbosity=0)
    with transaction.atomic():  # one commit, not one per document: seconds saved
        return _build_commune()


def _build_commune() -> dict[str, str]:
    from core.demo import demo_load
    from legal_library import services as library
    from legal_library.demo import demo_load as library_demo_load
    from legal_library.models import Category, Document
    from market import services as market
    from market.demo import demo_load as market_demo_load
    from market.models import Bank, Market, Vendor

    commune = demo_load().commune
    library_demo_load(commune)  # 8 points, a dozen real documents, one pinned everywhere
    categories = list(Category.objects.all())
    for n in range(DOCUMENTS - Document.objects.count()):
        document = Document(
            title=f"Văn bản hướng dẫn số {n} về hôn nhân, đất đai và giao thông",
            number=f"{n}/2025/HD",
            summary="Tóm tắt dễ hiểu cho bà con. " * 6,
            body="## Điều 1\n\nNội dung **quan trọng** của văn bản.\n\n" * 20,
            published=True,
        )
        library.document_save(
            document=document, categories=categories[n % 3 : n % 3 + 2], actor=None
        )
    market_demo_load(commune)
    markets = list(Market.objects.order_by("pk"))
    banks = list(Bank.objects.filter(bin__in=["970436", "970405", "970415", "970418"]))
    for n in range(EXTRA_VENDORS):
        name = f"Người bán số {n + 1}"
        market.vendor_register(
            market=markets[n % len(markets)],
            full_name=name,
            stall=f"C{n + 1:02d}",
            goods="Hàng tạp hóa",
            status="cashless",
            accounts=[
                market.AccountData(
                    bank=banks[n % len(banks)],
                    account_number=f"{2000000000 + n}",
                    holder_name=name,
                    label="",
                    holder_confirmed=True,
                )
            ],
            actor=None,
        )

    vendor = Vendor.objects.get(stall="A02")  # two accounts: two codes on the page
    account = vendor.accounts.order_by("-is_primary", "created_at").first()
    document = Document.objects.get(title__startswith="Phòng, chống tảo hôn")
    return {
        MINIMAL_NAME: MINIMAL,
        "library point page": "/l/T03/",
        "document page": f"/van-ban/{document.slug}/",
        "vendor page": f"/v/{vendor.token}/",
        "vendor QR image (cached)": f"/v/{vendor.token}/a/{account.pk}/qr.png",
    }


MINIMAL_NAME = "minimal view (baseline)"


def _median(results: list) -> object:
    """The round of median rate (the lower one of an even count), with every round's errors."""
    middle = sorted(results, key=lambda result: result.rate)[(len(results) - 1) // 2]
    return dataclasses.replace(middle, errors=sum(result.errors for result in results))


def _measure(args, pages: dict[str, str], served: dict[str, int]) -> dict[str, list]:
    """Every page under wrk, in turn, ``args.rounds`` times (a busy spell hits them all)."""
    rounds: dict[str, list] = {name: [] for name in pages}
    for _round in range(args.rounds):
        for name, path in pages.items():
            result = wrk_load(args.port, path, args.seconds, args.clients, args.threads)
            served[path] += result.requests
            rounds[name].append(result)
    return rounds


def _report_rounds(rounds: dict[str, list]) -> None:
    baselines = [result.rate for result in rounds[MINIMAL_NAME]]
    for name, results in rounds.items():
        ratios = " ".join(f"{r.rate / b:.2f}" for r, b in zip(results, baselines, strict=True))
        print(f"{name}: ratio in each round {ratios}")


def counted() -> tuple[int, int]:
    """Visits of point pages and reads of documents in the database, after a flush."""
    from django.db.models import Sum

    from legal_library import counting
    from legal_library.models import DocumentDailyCount, PointDailyCount

    counting.flush()
    visits = PointDailyCount.objects.aggregate(n=Sum("visits"))["n"] or 0
    reads = DocumentDailyCount.objects.aggregate(n=Sum("reads"))["n"] or 0
    return visits, reads


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60, help="time per page")
    parser.add_argument("--clients", type=int, default=50, help="concurrent connections")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="measure the pages in turn this many times; report each page's median "
        "(and every round's ratio): steadier figures on a busy machine",
    )
    args = parser.parse_args()
    if not args.port:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            args.port = probe.getsockname()[1]

    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url.startswith("redis"):
        parser.exit(
            2, "Set REDIS_URL to a Redis database of its own, e.g. redis://127.0.0.1:6379/<n>\n"
        )
    if not shutil.which("wrk"):
        parser.exit(2, "wrk is not installed: apt-get install wrk\n")

    url = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/chuprong_bench_load"
    )
    fresh_database(url)
    tmp = Path(tempfile.mkdtemp(prefix="chuprong-bench-load-"))
    env = server_env(tmp, url)
    served = {}  # path: requests answered 200, warm-ups included
    warm_errors = 0
    load_before = os.getloadavg()[0]
    try:
        setup_django(env)
        pages = build_commune()
        visits_before, reads_before = counted()
        with gunicorn(env, args.port, args.workers):
            for name, path in pages.items():
                if (status := fetch(args.port, path)) != 200:
                    parser.exit(1, f"{name} ({path}): HTTP {status}\n")
                warm = wrk_load(args.port, path, 1, args.clients, args.threads)
                served[path] = 1 + warm.requests
                warm_errors += warm.errors
            rounds = _measure(args, pages, served)
            rows = [(name, _median(results)) for name, results in rounds.items()]
        visits, reads = counted()
        visits -= visits_before
        reads -= reads_before
        from django.db import connections

        connections.close_all()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        drop_database(url)

    load_after = os.getloadavg()[0]
    print(
        f"Chư Prông: 32 villages, 8 library points, {DOCUMENTS} documents, "
        f"2 markets, {7 + EXTRA_VENDORS} vendors; PostgreSQL, Redis (page cache, visit counts); "
        f"gunicorn {args.workers} sync workers; wrk {args.clients} connections, "
        f"{args.seconds} s per page (after a 1 s warm-up)"
        + (f", {args.rounds} rounds in turn, medians; " if args.rounds > 1 else "; ")
        + f"machine load average {load_before:.1f} before, {load_after:.1f} after"
    )
    report(rows)
    if args.rounds > 1:
        _report_rounds(rounds)
    errors = warm_errors + sum(result.errors for results in rounds.values() for result in results)
    # Requests the server answered after wrk stopped listening (at most one per connection
    # in each wrk run of a page: the warm-up and every round) are counted but not seen.
    missing = []
    for what, total, path in (
        ("visits", visits, pages["library point page"]),
        ("reads", reads, pages["document page"]),
    ):
        print(f"{what} counted: {total} for {served[path]} pages served")
        if not served[path] <= total <= served[path] + (1 + args.rounds) * args.clients:
            missing.append(what)
    print(f"errors: {errors}" + (f" ({warm_errors} while warming up)" if warm_errors else ""))
    if missing:
        print(f"counts do not match the pages served: {', '.join(missing)}")
    return 1 if errors or missing else 0


if __name__ == "__main__":
    sys.exit(main())
