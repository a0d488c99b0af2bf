"""VietQR costs: codec, rendering, and the vendor's QR image served by gunicorn.

    make bench-qr          # or: .venv/bin/python bench/qr.py [--seconds 5]

Prints
  * encode and decode time per payload (market.vietqr),
  * PNG and SVG render time per code (market.qr),
  * requests per second of /v/<token>/qr.png against a minimal view
    (bench/urls.py) under the same gunicorn in the same run, as a ratio.

The server runs the real settings (DEBUG off) on a throw-away SQLite database
with the demo data; with REDIS_URL set the image cache is Redis, else each
worker's local memory. Load comes from a few client processes on loopback,
each request on a new connection (gunicorn's sync workers do not keep alive).
"""

import argparse
import http.client
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from market import vietqr  # noqa: E402  (pure: no Django needed)

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


def _hammer(port: int, path: str, until: float, queue) -> None:
    done = 0
    while time.time() < until:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", path, headers={"Host": "127.0.0.1"})
        response = conn.getresponse()
        response.read()
        conn.close()
        if response.status != 200:
            raise SystemExit(f"{path}: HTTP {response.status}")
        done += 1
    queue.put(done)


def throughput(port: int, path: str, seconds: float, clients: int) -> float:
    queue = multiprocessing.Queue()
    until = time.time() + seconds
    workers = [
        multiprocessing.Process(target=_hammer, args=(port, path, until, queue))
        for _ in range(clients)
    ]
    for w in workers:
        w.start()
    total = sum(queue.get() for _ in workers)
    for w in workers:
        w.join()
    return total / seconds


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
    (tmp / "static").mkdir()
    env = {
        **os.environ,
        "CHUPRONG_IGNORE_DOTENV": "1",
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
        "STATIC_ROOT": str(tmp / "static"),
        "PYTHONPATH": str(ROOT),
    }
    os.environ.update({k: v for k, v in env.items() if k != "PYTHONPATH"})
    import django

    django.setup()
    from django.core.management import call_command

    from chuprong.demo import demo_load
    from market import qr
    from market.demo import demo_load as market_demo_load
    from market.models import Vendor

    png = per_call(lambda: qr.render(payload, "png"), 1.0)
    svg = per_call(lambda: qr.render(payload, "svg"), 1.0)

    call_command("migrate", verbosity=0)
    market_demo_load(demo_load().commune)
    token = Vendor.objects.filter(accounts__isnull=False).first().token

    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "chuprong.wsgi",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=1)
                conn.request("GET", "/bench/minimal", headers={"Host": "127.0.0.1"})
                conn.getresponse().read()
                break
            except OSError:
                time.sleep(0.1)
        image = f"/v/{token}/qr.png"
        throughput(args.port, image, 1.0, args.clients)  # warm every worker's cache
        baseline = throughput(args.port, "/bench/minimal", args.seconds, args.clients)
        served = throughput(args.port, image, args.seconds, args.clients)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)

    cache = "Redis" if os.environ.get("REDIS_URL") else "local memory"
    print(f"VietQR payload of {len(payload)} characters; image cache: {cache}")
    print(f"{'measure':<34}{'value':>14}")
    print(f"{'encode (build)':<34}{encode * 1e6:>11.1f} µs")
    print(f"{'decode (parse)':<34}{decode * 1e6:>11.1f} µs")
    print(f"{'render PNG':<34}{png * 1e3:>11.2f} ms")
    print(f"{'render SVG':<34}{svg * 1e3:>11.2f} ms")
    print(f"{'minimal view (baseline)':<34}{baseline:>9.0f} req/s   1.00x")
    print(f"{'vendor QR image (cached)':<34}{served:>9.0f} req/s   {served / baseline:.2f}x")


if __name__ == "__main__":
    main()
