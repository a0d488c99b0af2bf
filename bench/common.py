"""What the HTTP benchmarks share: a gunicorn of the project and a loopback load generator.

The server runs the real settings (DEBUG off) with bench/urls.py, which adds one
minimal view as the baseline every figure is divided by.
"""

import http.client
import multiprocessing
import os
import signal
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = "/bench/minimal"


def server_env(tmp: Path, database_url: str) -> dict[str, str]:
    (tmp / "static").mkdir(exist_ok=True)
    return {
        **os.environ,
        "CHUPRONG_IGNORE_DOTENV": "1",
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url,
        "STATIC_ROOT": str(tmp / "static"),
        "PYTHONPATH": str(ROOT),
    }


def setup_django(env: dict[str, str]) -> None:
    os.environ.update({k: v for k, v in env.items() if k != "PYTHONPATH"})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


@contextmanager
def gunicorn(env: dict[str, str], port: int, workers: int):
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "chuprong.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(150):
            try:
                fetch(port, MINIMAL)
                break
            except OSError:
                time.sleep(0.1)
        yield
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)


def fetch(port: int, path: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers={"Host": "127.0.0.1", "User-Agent": "Mozilla/5.0 bench"})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status


def _hammer(port: int, path: str, until: float, queue) -> None:
    latencies = []
    while time.time() < until:
        start = time.perf_counter()
        status = fetch(port, path)
        latencies.append(time.perf_counter() - start)
        if status != 200:
            raise SystemExit(f"{path}: HTTP {status}")
    queue.put(latencies)


@dataclass(frozen=True)
class Load:
    rate: float  # requests per second
    p50: float  # seconds
    p99: float


def load(port: int, path: str, seconds: float, clients: int) -> Load:
    """Requests per second and latencies with ``clients`` processes, each request on a new
    connection (gunicorn's sync workers do not keep connections alive)."""
    queue = multiprocessing.Queue()
    until = time.time() + seconds
    workers = [
        multiprocessing.Process(target=_hammer, args=(port, path, until, queue))
        for _ in range(clients)
    ]
    for worker in workers:
        worker.start()
    latencies = sorted(x for _ in workers for x in queue.get())
    for worker in workers:
        worker.join()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return Load(len(latencies) / seconds, statistics.median(latencies), p99)


def report(rows: list[tuple[str, Load]]) -> None:
    baseline = rows[0][1].rate
    print(f"{'page':<34}{'req/s':>8}{'vs minimal':>12}{'p50 ms':>9}{'p99 ms':>9}")
    for name, result in rows:
        print(
            f"{name:<34}{result.rate:>8.0f}{result.rate / baseline:>11.2f}x"
            f"{result.p50 * 1e3:>9.1f}{result.p99 * 1e3:>9.1f}"
        )
