"""VietQR costs: codec, rendering, and the vendor's QR image served by gunicorn.

    .venv/bin/python bench/qr.py [--seconds 5]      (also run by `make bench`)

Prints encode and decode time per payload (market.vietqr), PNG and SVG render
time per code (market.qr), and requests per second of /v/<token>/qr.png
against a minimal view under the same gunicorn in the same run. The server
uses a throw-away SQLite database with the demo data; with REDIS_URL set the
image cache is Redis, else each worker's local memory.
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import MINIMAL, gunicorn, load, report, server_env, setup_django
from market import vietqr

PAYLOAD_ARGS = {
    "bin": "970415",
    "account": "0011001932418",
    "amount": 120000,
    "purpose": "ủng hộ lũ lụt",
}


def per_call(fn, seconds: float) -> float:
    """Mean seconds per call of fn over about ``seconds``."""
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for _ in range(50):
            fn()
        count += 50
    return elapsed / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="time per HTTP measurement")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--clients", type=int, default=4, help="client processes")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()

    payload = vietqr.build(**PAYLOAD_ARGS)
    encode = per_call(lambda: vietqr.build(**PAYLOAD_ARGS), 1.0)
    decode = per_call(lambda: vietqr.parse(payload), 1.0)

    tmp = Path(tempfile.mkdtemp(prefix="chuprong-bench-qr-"))
    env = server_env(tmp, f"sqlite:///{tmp}/bench.sqlite3")
    try:
        setup_django(env)
        from django.core.management import call_command

        from core.demo import demo_load
        from market import qr
        from market.demo import demo_load as market_demo_load
        from market.models import Vendor

        png = per_call(lambda: qr.render(payload, "png"), 1.0)
        svg = per_call(lambda: qr.render(payload, "svg"), 1.0)
        call_command("migrate", verbosity=0)
        market_demo_load(demo_load().commune)
        image = f"/v/{Vendor.objects.filter(accounts__isnull=False).first().token}/qr.png"
        with gunicorn(env, args.port, args.workers):
            load(args.port, image, 1.0, args.clients)  # warm every worker's cache
            rows = [
                ("minimal view (baseline)", load(args.port, MINIMAL, args.seconds, args.clients)),
                ("vendor QR image (cached)", load(args.port, image, args.seconds, args.clients)),
            ]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    cache = "Redis" if os.environ.get("REDIS_URL") else "local memory"
    print(f"VietQR payload of {len(payload)} characters; image cache: {cache}")
    print(
        f"encode (build) {encode * 1e6:.1f} µs, decode (parse) {decode * 1e6:.1f} µs, "
        f"render PNG {png * 1e3:.2f} ms, render SVG {svg * 1e3:.2f} ms"
    )
    report(rows)


if __name__ == "__main__":
    main()
