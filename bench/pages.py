"""Throughput of the public pages, as ratios against a bare view measured in the same run.

    make bench            # or: .venv/bin/python bench/pages.py [--seconds 3]

Runs in-process through Django's test client against a throw-away SQLite
database loaded with the demo data, so the figures compare pages with each
other on this machine, never with numbers from another day. The baseline is
`/healthz` minus its broker check (the cheapest view of the project).
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def requests_per_second(client, url: str, seconds: float) -> float:
    client.get(url)  # warm up
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        count += 1
    return count / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="time per page")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="chuprong-bench-")
    os.environ.update(
        {
            "CHUPRONG_IGNORE_DOTENV": "1",
            "DJANGO_SETTINGS_MODULE": "chuprong.settings",
            "DEBUG": "0",
            "SECRET_KEY": "bench-only-" + "x" * 50,
            "ALLOWED_HOSTS": "testserver",
            "SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
            "STATIC_ROOT": f"{tmp}/static",
        }
    )
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from core.demo import demo_load

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    demo_load()

    client = Client()
    pages = {
        "/healthz (baseline)": "/healthz",
        "home page": "/",
        "sign-in page": "/accounts/login/",
    }
    results = {name: requests_per_second(client, url, args.seconds) for name, url in pages.items()}
    baseline = results["/healthz (baseline)"]
    print(f"{'page':<22}{'req/s':>10}{'vs baseline':>14}")
    for name, rate in results.items():
        print(f"{name:<22}{rate:>10.0f}{rate / baseline:>13.2f}x")


if __name__ == "__main__":
    main()
