"""The legal library's public pages under gunicorn with PostgreSQL, against a minimal view.

    .venv/bin/python bench/library.py [--seconds 5]   (also run by `make bench`)

Builds 32 points and 300 documents in a fresh PostgreSQL database
(BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/chuprong_bench,
dropped and made again), then prints requests per second and p50/p99 latency of
a point page and a document page, with visit counting on, against the minimal
view of the same server in the same run. With REDIS_URL set, Redis is the page
cache and counts are buffered there (production); without it, each worker's
local memory caches pages and every count is a database upsert.
"""

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import MINIMAL, gunicorn, load, report, server_env, setup_django


def fresh_database(url: str) -> None:
    import psycopg2

    name = urlsplit(url).path.lstrip("/")
    admin = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def build_library() -> tuple[str, str]:
    from django.core.management import call_command

    from core.demo import demo_load
    from legal_library import services
    from legal_library.models import Category, Document

    call_command("migrate", verbosity=0)
    commune = demo_load().commune
    services.points_expand(commune=commune, actor=None)
    categories = list(Category.objects.all())
    for n in range(300):
        document = Document(
            title=f"Văn bản hướng dẫn số {n} về hôn nhân, đất đai và giao thông",
            number=f"{n}/2025/HD",
            summary="Tóm tắt dễ hiểu cho bà con. " * 6,
            body="## Điều 1\n\nNội dung **quan trọng** của văn bản.\n\n" * 20,
            published=True,
        )
        services.document_save(
            document=document, categories=categories[n % 3 : n % 3 + 2], actor=None
        )
    return "/l/T03/", f"/van-ban/{Document.objects.order_by('pk').first().slug}/"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()

    url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/chuprong_bench")
    fresh_database(url)
    tmp = Path(tempfile.mkdtemp(prefix="chuprong-bench-library-"))
    env = server_env(tmp, url)
    try:
        setup_django(env)
        point, document = build_library()
        with gunicorn(env, args.port, args.workers):
            for path in (point, document):
                load(args.port, path, 1.0, args.clients)  # warm the caches
            rows = [
                (name, load(args.port, path, args.seconds, args.clients))
                for name, path in (
                    ("minimal view (baseline)", MINIMAL),
                    ("point page, 300 documents", point),
                    ("document page", document),
                )
            ]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(
        "32 points, 300 documents, PostgreSQL; cache and counts: "
        + ("Redis" if os.environ.get("REDIS_URL") else "local memory, counts upserted")
    )
    report(rows)


if __name__ == "__main__":
    main()
