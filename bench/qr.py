"""VietQR costs: codec, rendering, and the vendor's QR image served by gunicorn.

    .venv/bin/python bench/qr.py [--seconds 5] [--codec-only]     (also run by `make bench`)

Prints build and parse time per payload (market.vietqr) for the reference
payloads of shared/VIETQR.md and a card; where Node and the npm package
vietnam-qr-pay are installed, the same measured for that package in the same
run (bench/qr_node.js: the same payloads, the same counts) and the ratio. Point
VIETQR_NODE_DIR at the folder whose node_modules holds the package (kept outside
the repository), e.g.

    mkdir -p /tmp/vietqr-node && npm install --prefix /tmp/vietqr-node vietnam-qr-pay
    VIETQR_NODE_DIR=/tmp/vietqr-node .venv/bin/python bench/qr.py --codec-only

Times are CPU time per call, the best of --passes passes (ours, then the
package's) of --rounds rounds of --iterations calls, so other work on a shared
machine disturbs them less. Then PNG and SVG render
time per code (market.qr), and requests per second of /v/<token>/qr.png against
a minimal view under the same gunicorn in the same run. The server uses a
throw-away SQLite database with the demo data; with REDIS_URL set the image cache
is Redis, else each worker's local memory.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import MINIMAL, gunicorn, load, report, server_env, setup_django
from market import vietqr

NODE_DRIVER = Path(__file__).resolve().parent / "qr_node.js"
PAYLOAD_ARGS = {
    "bin": "970415",
    "account": "0011001932418",
    "amount": 120000,
    "purpose": "ủng hộ lũ lụt",
}
CASES = {  # name: build() keywords
    "ACB static": {"bin": "970416", "account": "257678859"},
    "ACB 10.000 d, purpose": {
        "bin": "970416",
        "account": "257678859",
        "amount": 10000,
        "purpose": "Chuyen tien",
    },
    "VietinBank, Vietnamese purpose": PAYLOAD_ARGS,
    "BIDV virtual account": {"bin": "970418", "account": "V3CASLRPR13MT76"},
    "Vietcombank card, 19 digits": {"bin": "970436", "account": "9704366614789012345"},
}


def per_call(fn, seconds: float) -> float:
    """Mean seconds per call of fn over about ``seconds`` (wall clock)."""
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for _ in range(50):
            fn()
        count += 50
    return elapsed / count


def cpu_per_call(fn, iterations: int, rounds: int) -> float:
    """CPU seconds per call of fn: the best of ``rounds`` rounds of ``iterations`` calls."""
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time_ns()
        for _ in range(iterations):
            fn()
        best = min(best, (time.process_time_ns() - start) / 1e9 / iterations)
    return best


def node_figures(cases: list[dict], iterations: int, rounds: int) -> dict | str:
    """What bench/qr_node.js measured for vietnam-qr-pay, or why it was skipped."""
    node, folder = shutil.which("node"), os.environ.get("VIETQR_NODE_DIR")
    if not node or not folder:
        return "Node or VIETQR_NODE_DIR missing"
    request = json.dumps({"iterations": iterations, "rounds": rounds, "cases": cases})
    result = subprocess.run(
        [node, str(NODE_DRIVER)],
        input=request,
        capture_output=True,
        text=True,
        env={**os.environ, "VIETQR_NODE_DIR": folder},
        timeout=600,
        check=False,
    )
    if result.returncode != 0:
        return f"not found in {folder}"
    return json.loads(result.stdout)


def codec(iterations: int, rounds: int, passes: int) -> None:
    """Build and parse per payload, ours and (where installed) vietnam-qr-pay's, and the ratio.

    Each pass measures ours, then the package's; the best of the passes counts for
    each, so a burst of other work on the machine does not favour either side.
    """
    cases = []
    for name, inputs in CASES.items():
        payload = vietqr.build(**inputs)
        code = vietqr.parse(payload)
        cases.append(
            {
                "name": name,
                "payload": payload,
                # The package neither transliterates nor picks the card service: it is
                # given the purpose and service that make the very same payload.
                "inputs": {
                    "bin": code.bin,
                    "account": code.account,
                    "amount": code.amount,
                    "purpose": code.purpose,
                    "service": code.service,
                },
            }
        )
    ours = {case["name"]: [float("inf"), float("inf")] for case in cases}
    node: dict | str = "not run"
    for _ in range(passes):
        for case, inputs in zip(cases, CASES.values(), strict=True):
            best = ours[case["name"]]
            best[0] = min(
                best[0],
                cpu_per_call(lambda inputs=inputs: vietqr.build(**inputs), iterations, rounds),
            )
            best[1] = min(
                best[1],
                cpu_per_call(lambda p=case["payload"]: vietqr.parse(p), iterations, rounds),
            )
        measured = node_figures(cases, iterations, rounds)
        if isinstance(measured, str) or isinstance(node, str):
            node = measured
        else:
            for kept, new in zip(node["cases"], measured["cases"], strict=True):
                kept["build"] = min(kept["build"], new["build"])
                kept["parse"] = min(kept["parse"], new["parse"])
    rows = [(c["name"], len(c["payload"]), *ours[c["name"]]) for c in cases]

    print(
        f"VietQR codec: CPU time per call, best of {passes} passes of {rounds} rounds "
        f"of {iterations:,} calls"
    )
    if isinstance(node, str):
        print(f"vietnam-qr-pay (Node): not installed, skipped ({node})")
        print(f"{'payload':<32}{'chars':>6}{'build µs':>10}{'parse µs':>10}")
        for name, length, build, parse in rows:
            print(f"{name:<32}{length:>6}{build * 1e6:>10.2f}{parse * 1e6:>10.2f}")
        return
    print(
        f"against vietnam-qr-pay {node['version']} on Node {node['node']}, same run, "
        "same payloads and counts; ratio = ours / theirs (the goal: 1.00x or less)"
    )
    print(
        f"{'payload':<32}{'chars':>6}{'build µs':>10}{'npm µs':>8}{'ratio':>7}"
        f"{'parse µs':>10}{'npm µs':>8}{'ratio':>7}  same payload"
    )
    for (name, length, build, parse), theirs, case in zip(rows, node["cases"], cases, strict=True):
        same = "yes" if theirs["built"] == case["payload"] and theirs["parsed"] else "NO"
        print(
            f"{name:<32}{length:>6}"
            f"{build * 1e6:>10.2f}{theirs['build'] * 1e6:>8.2f}{build / theirs['build']:>6.2f}x"
            f"{parse * 1e6:>10.2f}{theirs['parse'] * 1e6:>8.2f}{parse / theirs['parse']:>6.2f}x"
            f"  {same}"
        )
    builds = sum(row[2] for row in rows) / sum(c["build"] for c in node["cases"])
    parses = sum(row[3] for row in rows) / sum(c["parse"] for c in node["cases"])
    print(f"{'all payloads (sum of times)':<38}{builds:>24.2f}x{parses:>24.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="time per HTTP measurement")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--clients", type=int, default=4, help="client processes")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--iterations", type=int, default=1000, help="codec calls per round")
    parser.add_argument("--rounds", type=int, default=30, help="codec rounds (the best counts)")
    parser.add_argument("--passes", type=int, default=3, help="codec passes, ours then theirs")
    parser.add_argument("--codec-only", action="store_true", help="skip rendering and HTTP")
    args = parser.parse_args()

    codec(args.iterations, args.rounds, args.passes)
    if args.codec_only:
        return
    payload = vietqr.build(**PAYLOAD_ARGS)
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
    print(f"\nVietQR payload of {len(payload)} characters; image cache: {cache}")
    print(f"render PNG {png * 1e3:.2f} ms, render SVG {svg * 1e3:.2f} ms")
    report(rows)


if __name__ == "__main__":
    main()
