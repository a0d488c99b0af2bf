"""The volunteer's outbox: how many requests and how long it takes to send 200 visits typed
without signal, through the real page script in a real Chromium.

    .venv/bin/python bench/outbox.py [--visits 200] [--workers 2]     (`make bench-outbox`)

Builds the demo in a fresh database (a throw-away SQLite file, or the PostgreSQL
database BENCH_DATABASE_URL names, dropped and made again), serves it with gunicorn
(real settings, DEBUG off), signs in as the demo volunteer in headless Chromium on a
360×740 phone, opens the visit form online once (the app's worker keeps it), goes
offline and logs ``--visits`` visits through the form as a volunteer would. Then the
signal comes back: the page's outbox (static/js/visits.js) sends them by itself. Prints
the requests it made to /tinh-nguyen/dong-bo/, the time from "online" to nothing
waiting, and the time of the same batch sent again (every visit "already stored");
checks that the database holds each visit once.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# Playwright runs an event loop in this thread; the ORM calls around it are plain ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from bench.common import gunicorn, server_env, setup_django

PASSWORD = "mat-khau-bench-outbox"  # noqa: S105 (a throw-away demo database)
CHROMIUM = "/usr/bin/chromium"
RESEND = """async (items) => {
  const hello = await (await fetch("/tinh-nguyen/dong-bo/")).json();
  const started = performance.now();
  let statuses = [];
  for (let i = 0; i < items.length; i += 50) {
    const response = await fetch("/tinh-nguyen/dong-bo/", {
      method: "POST",
      headers: {"Content-Type": "application/json", "X-CSRFToken": hello.csrf},
      body: JSON.stringify({visits: items.slice(i, i + 50).map((item) =>
        ({id: item.id, fields: item.fields}))}),
    });
    statuses = statuses.concat((await response.json()).visits.map((a) => a.status));
  }
  return {ms: performance.now() - started, statuses};
}"""
WAITING = "() => document.querySelector('[data-outbox]').dataset.waiting"


def build(database_url: str | None, tmp: Path) -> dict[str, str]:
    if database_url:
        from bench.library import fresh_database

        fresh_database(database_url)
    url = database_url or f"sqlite:///{tmp / 'outbox.sqlite3'}"
    env = server_env(tmp, url) | {"SESSION_COOKIE_SECURE": "0", "CSRF_COOKIE_SECURE": "0"}
    env.pop("REDIS_URL", None)
    setup_django(env)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from core.demo import demo_load
    from volunteers.demo import demo_load as volunteers_demo_load

    commune = demo_load(officer_password=PASSWORD).commune
    volunteers_demo_load(commune, volunteer_password=PASSWORD)
    return env


def wait(page, script: str, want: str, timeout: float = 120.0) -> float:
    started = time.perf_counter()
    while page.evaluate(script) != want:
        if time.perf_counter() - started > timeout:
            raise SystemExit(f"still not {want!r} after {timeout:g} s: {script}")
        time.sleep(0.02)
    return time.perf_counter() - started


def run(port: int, visits: int, access_log: Path) -> dict:
    from playwright.sync_api import sync_playwright

    from volunteers.demo import VOLUNTEER_USERNAME
    from volunteers.models import AssistanceRecord

    base = f"http://127.0.0.1:{port}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
        page = context.new_page()
        page.goto(base + "/accounts/login/?next=/tinh-nguyen/")
        page.fill("#id_login", VOLUNTEER_USERNAME)
        page.fill("#id_password", PASSWORD)
        page.click("button.primary")
        page.wait_for_url("**/tinh-nguyen/**")
        # the app's worker takes the start page, then serves the form from the start
        wait(page, "() => String(navigator.serviceWorker.controller !== null)", "true")
        page.goto(base + "/tinh-nguyen/ghi-nhan/")
        before = AssistanceRecord.objects.count()
        context.set_offline(True)
        typing = time.perf_counter()
        for n in range(visits):
            page.check("input[name=svc_vneid_activated]")
            page.click("button[type=submit].big")
            wait(page, WAITING, str(n + 1))
        typing = time.perf_counter() - typing
        kept = page.evaluate("JSON.parse(localStorage.getItem('chuprong.outbox.v1'))")
        served = access_log.read_text().count("/tinh-nguyen/dong-bo/")
        context.set_offline(False)  # the page hears "online" and sends
        sending = wait(page, WAITING, "0")
        # the server's own count of what the outbox sent (the resend below is the bench's)
        lines = access_log.read_text().splitlines()
        requests = [line for line in lines if "/tinh-nguyen/dong-bo/" in line][served:]
        stored = AssistanceRecord.objects.count() - before
        again = page.evaluate(RESEND, kept)
        browser.close()
    return {
        "visits": visits,
        "typing_s": typing,
        "requests": len(requests),
        "posts": sum('"POST ' in line for line in requests),
        "sending_s": sending,
        "stored": stored,
        "again_ms": again["ms"],
        "again_already": again["statuses"].count("already"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8737)
    args = parser.parse_args()
    database_url = os.environ.get("BENCH_DATABASE_URL")
    with tempfile.TemporaryDirectory() as tmp:
        env = build(database_url, Path(tmp))
        access_log = Path(tmp) / "access.log"
        with gunicorn(env, args.port, args.workers, access_log=access_log):
            figures = run(args.port, args.visits, access_log)
    engine = "PostgreSQL" if database_url else "SQLite"
    print(f"outbox, {engine}, gunicorn {args.workers} workers, Chromium 360x740")
    print(f"  {figures['visits']} visits typed offline in {figures['typing_s']:.1f} s")
    print(
        f"  back online: {figures['requests']} requests to /tinh-nguyen/dong-bo/ "
        f"({figures['posts']} POST of up to 50), nothing waiting after "
        f"{figures['sending_s']:.2f} s; stored {figures['stored']}"
    )
    print(
        f"  the same {figures['visits']} sent again: {figures['again_ms']:.0f} ms, "
        f"{figures['again_already']} answered 'already stored'"
    )
    if figures["stored"] != figures["visits"] or figures["again_already"] != figures["visits"]:
        raise SystemExit("each visit should be stored once")


if __name__ == "__main__":
    main()
