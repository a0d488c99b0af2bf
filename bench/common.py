"""What the HTTP benchmarks share: a gunicorn of the project and a loopback load generator.

The server runs the real settings (DEBUG off) with bench/urls.py, which adds one
minimal view as the baseline every figure is divided by. Load comes from client
processes (``load``) or, for many concurrent connections, from wrk (``wrk_load``).
"""

import http.client
import json
import multiprocessing
import os
import signal
import statistics
import subprocess
import sys
import tempfile
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
def gunicorn(env: dict[str, str], port: int, workers: int, access_log: Path | None = None):
    """A gunicorn of the project on ``port``; ``access_log``: where it writes each request."""
    logging = ["--access-logfile", str(access_log)] if access_log else []
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
            *logging,
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
    requests: int = 0  # answered with 200
    errors: int = 0  # other statuses, refused or broken connections, timeouts


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
    return Load(len(latencies) / seconds, statistics.median(latencies), p99, len(latencies))


# wrk's script: a phone's headers (a browser's User-Agent, so visits are counted), every
# status but 200 counted as an error, and one JSON line of results at the end.
WRK_SCRIPT = """
wrk.headers["User-Agent"] = "Mozilla/5.0 (Linux; Android 13) bench"
wrk.headers["Accept-Encoding"] = "gzip"
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) not_ok = 0 end
function response(status, headers, body) if status ~= 200 then not_ok = not_ok + 1 end end
function done(summary, latency, requests)
  local not_ok = 0
  for _, thread in ipairs(threads) do not_ok = not_ok + thread:get("not_ok") end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "not_ok": %d, '
    .. '"connect": %d, "read": %d, "write": %d, "timeout": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    not_ok, e.connect, e.read, e.write, e.timeout))
end
"""


def wrk_load(port: int, path: str, seconds: int, clients: int, threads: int = 2) -> Load:
    """Requests per second, latencies and errors with ``clients`` concurrent connections
    from wrk (Debian package ``wrk``). gunicorn's sync workers close each connection
    after the response and wrk opens the next one at once, as a phone would."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", prefix="chuprong-wrk-") as script:
        script.write(WRK_SCRIPT)
        script.flush()
        command = ["wrk", "--threads", str(min(threads, clients)), "--connections", str(clients)]
        command += ["--duration", f"{seconds}s", "--timeout", "10s", "--script", script.name]
        out = subprocess.run(
            [*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
        ).stdout
    stats = json.loads(out.strip().splitlines()[-1])
    errors = stats["not_ok"] + sum(stats[k] for k in ("connect", "read", "write", "timeout"))
    return Load(
        rate=stats["requests"] / (stats["duration_us"] / 1e6),
        p50=stats["p50_us"] / 1e6,
        p99=stats["p99_us"] / 1e6,
        requests=stats["requests"] - stats["not_ok"],
        errors=errors,
    )


def report(rows: list[tuple[str, Load]]) -> None:
    baseline = rows[0][1].rate
    print(f"{'page':<34}{'req/s':>8}{'vs minimal':>12}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for name, result in rows:
        print(
            f"{name:<34}{result.rate:>8.0f}{result.rate / baseline:>11.2f}x"
            f"{result.p50 * 1e3:>9.1f}{result.p99 * 1e3:>9.1f}{result.errors:>8}"
        )
