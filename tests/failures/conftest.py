"""Private services for failure tests: Redis, PostgreSQL, gunicorn and Celery we may kill.

The shared PostgreSQL (5432) and Redis (6379) are never stopped: every test
here starts its own instances on free ports, in temporary directories, and
drives the portal as production runs it (gunicorn, `celery worker`, the real
settings with DEBUG off) in subprocesses with their own environment.
"""

import contextlib
import http.cookiejar
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
VENV_BIN = Path(sys.executable).parent
PG_BIN = Path("/usr/lib/postgresql/15/bin")
SECRET = "failure-tests-secret-key-" + "x" * 40


def need(binary: str | Path) -> str:
    found = shutil.which(str(binary))
    if not found:
        pytest.skip(f"{binary} is not installed")
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(check, *, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out after {seconds} s waiting for {what}")


# ---------------------------------------------------------------------- Redis
@dataclass
class PrivateRedis:
    port: int
    directory: Path

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def ping(self) -> bool:
        result = subprocess.run(
            ["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True
        )
        return result.stdout.strip() == "PONG"

    def start(self) -> None:
        subprocess.run(
            [
                need("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "yes",
                "--dir",
                str(self.directory),
                "--pidfile",
                str(self.directory / "redis.pid"),
                "--logfile",
                str(self.directory / "redis.log"),
            ],
            check=True,
        )
        wait_until(self.ping, seconds=10, what=f"redis-server on {self.port}")

    def kill(self) -> None:
        """SIGKILL, as when the machine or the container dies: nothing is kept."""
        pidfile = self.directory / "redis.pid"
        if pidfile.exists():
            pid = int(pidfile.read_text())
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            pidfile.unlink()
        wait_until(lambda: not self.ping(), seconds=10, what="redis-server to stop")


@pytest.fixture
def private_redis(tmp_path):
    need("redis-server")
    need("redis-cli")
    server = PrivateRedis(free_port(), tmp_path)
    server.start()
    yield server
    server.kill()


# ----------------------------------------------------------------- PostgreSQL
@dataclass
class PrivateCluster:
    directory: Path
    port: int
    log: Path = field(init=False)

    def __post_init__(self):
        self.log = self.directory / "postgres.log"

    def url(self, name: str = "chuprong") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def pg_ctl(self, *args: str) -> None:
        options = (
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        as_postgres(
            [
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(self.directory / "data"),
                "-l",
                str(self.log),
                "-o",
                options,
                "-w",
                "-t",
                "60",
                *args,
            ],
        )

    def psql(self, sql: str, name: str = "chuprong") -> str:
        result = subprocess.run(
            ["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-Atqc", sql, name],
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout.strip()

    def report(self, report_id: int, columns: str = "status") -> str:
        """Columns of one report row, as psql prints them (``done|1``)."""
        return self.psql(f"SELECT {columns} FROM chuprong_adoptionreport WHERE id = {report_id:d}")  # noqa: S608

    def age_report(self, report_id: int, column: str, minutes: int) -> None:
        """Move a report's timestamp into the past, instead of waiting."""
        self.psql(
            f"UPDATE chuprong_adoptionreport SET {column} = now() - interval '{minutes:d} minutes' "  # noqa: S608
            f"WHERE id = {report_id:d}"
        )


def as_postgres(command: list[str]) -> None:
    """initdb and pg_ctl refuse to run as root: run them as the postgres user then."""
    if os.geteuid() == 0:
        command = [need("runuser"), "-u", "postgres", "--", *command]
    result = subprocess.run(command, capture_output=True, text=True, timeout=90)
    assert result.returncode == 0, f"{command}:\n{result.stdout}{result.stderr}"


def app_env(*, database_url: str, redis_url: str | None, **extra: str) -> dict[str, str]:
    """The production settings (DEBUG off) pointed at the private services."""
    dropped = {"DJANGO_SETTINGS_MODULE", "DEBUG", "REDIS_URL", "DATABASE_URL"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        CHUPRONG_IGNORE_DOTENV="1",
        DJANGO_SETTINGS_MODULE="chuprong.settings",
        DEBUG="0",
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(Path(tempfile.gettempdir()) / "chuprong-failures-media"),
        PYTHONUNBUFFERED="1",
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def django_json(env: dict[str, str], code: str):
    """Run ``code`` (which sets ``result``) with Django set up; return ``result`` as JSON."""
    script = f"import django, json\ndjango.setup()\n{code}\nprint(json.dumps(result))\n"
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="session")
def private_postgres():
    """A PostgreSQL 15 cluster of our own, migrated, with the demo commune loaded."""
    need(PG_BIN / "initdb")
    need("psql")
    # Not under pytest's temporary directory: the postgres user cannot enter root's.
    directory = Path(tempfile.mkdtemp(prefix="chuprong-failures-pg-"))
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres")
    as_postgres(
        [
            str(PG_BIN / "initdb"),
            "-D",
            str(directory / "data"),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        ]
    )
    cluster = PrivateCluster(directory, free_port())
    cluster.pg_ctl("start")
    try:
        cluster.psql("CREATE DATABASE chuprong", name="postgres")
        env = app_env(database_url=cluster.url(), redis_url=None, DEBUG="1")
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "load_demo", "--with-officer")
        yield cluster
    finally:
        cluster.pg_ctl("stop", "-m", "immediate")
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="session")
def demo_urls(private_postgres):
    """Addresses of the demo commune's public pages, vendor pages and a certificate."""
    token = private_postgres.psql("SELECT token FROM market_vendor ORDER BY id LIMIT 1")
    point = private_postgres.psql("SELECT code FROM legal_library_librarypoint ORDER BY id LIMIT 1")
    slug = private_postgres.psql(
        "SELECT slug FROM legal_library_document WHERE published ORDER BY id LIMIT 1"
    )
    certificate = private_postgres.psql(
        "SELECT certificate_code FROM trainings_attendance "
        "WHERE certificate_code <> '' ORDER BY id LIMIT 1"
    )
    assert token and point and slug and certificate
    return {
        "home": "/",
        "library point": f"/l/{point}/",
        "document": f"/van-ban/{slug}/",
        "training calendar": "/tap-huan/lich/",
        "certificate": f"/chung-nhan/{certificate}/",
        "vendor page": f"/v/{token}/",
        "vendor QR image": f"/v/{token}/qr.png",
    }


# ------------------------------------------------------------------- gunicorn
@dataclass
class Response:
    status: int
    body: str
    headers: dict
    seconds: float


class Browser:
    """A tiny HTTP client with cookies (the portal's forms need the CSRF cookie)."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def request(self, path: str, *, data: dict | None = None, timeout: float = 10) -> Response:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        headers = {"User-Agent": "Mozilla/5.0 (Linux; Android 13) failure-test"}
        if data is not None:
            headers["Referer"] = self.base + path
        req = urllib.request.Request(self.base + path, data=body, headers=headers)  # noqa: S310
        started = time.monotonic()
        try:
            with self.opener.open(req, timeout=timeout) as r:
                status, raw, hdrs = r.status, r.read(), dict(r.headers)
        except urllib.error.HTTPError as e:
            status, raw, hdrs = e.code, e.read(), dict(e.headers)
        return Response(status, raw.decode(errors="replace"), hdrs, time.monotonic() - started)

    def get(self, path: str, **kwargs) -> Response:
        return self.request(path, **kwargs)

    def post(self, path: str, data: dict, **kwargs) -> Response:
        token = next((c.value for c in self.jar if c.name == "csrftoken"), "")
        return self.request(path, data={"csrfmiddlewaretoken": token, **data}, **kwargs)

    def sign_in(self, username: str, password: str) -> None:
        assert self.get("/accounts/login/").status == 200
        response = self.post("/accounts/login/", {"login": username, "password": password})
        assert response.status == 302, response.body[:2000]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Gunicorn:
    process: subprocess.Popen
    base: str
    log: Path

    def browser(self) -> Browser:
        return Browser(self.base)

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture
def gunicorn(tmp_path):
    """Start gunicorn (the production command) with an environment; stopped afterwards."""
    started: list[Gunicorn] = []

    def start(env: dict[str, str], *, workers: int = 2) -> Gunicorn:
        binary = VENV_BIN / "gunicorn"
        if not binary.exists():
            pytest.skip("gunicorn is not installed in the virtualenv")
        port = free_port()
        log = tmp_path / f"gunicorn-{port}.log"
        process = subprocess.Popen(
            [
                str(binary),
                "chuprong.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--timeout",
                "30",
                "--graceful-timeout",
                "5",
            ],
            cwd=ROOT,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        server = Gunicorn(process, f"http://127.0.0.1:{port}", log)
        started.append(server)

        def up():
            if process.poll() is not None:
                raise AssertionError("gunicorn exited:\n" + server.output())
            try:
                return server.browser().get("/healthz", timeout=5).status in (200, 503)
            except OSError:
                return False

        wait_until(up, seconds=30, what="gunicorn to answer")
        return server

    yield start
    for server in started:
        if server.process.poll() is None:
            os.killpg(server.process.pid, signal.SIGTERM)
            try:
                server.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(server.process.pid, signal.SIGKILL)
                server.process.wait()


# --------------------------------------------------------------------- Celery
@pytest.fixture
def celery_worker(tmp_path):
    """Start `celery -A chuprong worker --pool solo` subprocesses; all killed afterwards."""
    started: list[subprocess.Popen] = []

    def start(env: dict[str, str], name: str) -> subprocess.Popen:
        binary = VENV_BIN / "celery"
        if not binary.exists():
            pytest.skip("celery is not installed in the virtualenv")
        log = tmp_path / f"celery-{name}.log"
        process = subprocess.Popen(
            [
                str(binary),
                "-A",
                "chuprong",
                "worker",
                "--pool",
                "solo",
                "--loglevel",
                "INFO",
                "--hostname",
                f"{name}@failures",
                "--without-heartbeat",
                "--without-mingle",
                "--without-gossip",
            ],
            cwd=ROOT,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        process.log = log
        started.append(process)
        wait_until(
            lambda: "ready." in log.read_text(errors="replace") or process.poll() is not None,
            seconds=30,
            what=f"celery worker {name}",
        )
        assert process.poll() is None, log.read_text()
        return process

    yield start
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
