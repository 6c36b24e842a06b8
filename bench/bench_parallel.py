"""How many steps the engine should run at once: a first apply at several `--parallel` values.

    .venv/bin/python bench/bench_parallel.py                      # 1,000 resources, P in 2..32
    .venv/bin/python bench/bench_parallel.py --parallel 4,8,16 --resources 2000
    .venv/bin/python bench/bench_parallel.py --latency-ms 20      # a platform farther away

For each value P it applies the same generated organisation to a fresh `vcplatform serve`
with `VCORG_ENGINE_PARALLEL=P` and reports the whole apply's wall time, its update phase,
the API request rate during that phase, and the ratio to the platform's own sequential
rate (a plain httpx client creating the same organisation, in the same run). The dynamic
provider serves at most 4 calls at once (the Pulumi SDK's provider host), so P beyond 4
only queues steps in the engine; `--latency-ms` shows whether that matters when each
request takes longer.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import yaml  # noqa: E402
from examples.generate import generate  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402
from tests.support.console import build_organisation  # noqa: E402
from tests.support.platform import PlatformServer  # noqa: E402

from bench.bench_scale import BIN, ORG, PER_UNIT, UPDATE_LINE, measure  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=1000)
    parser.add_argument("--parallel", default="2,4,8,16,32")
    parser.add_argument("--latency-ms", type=int, default=0)
    args = parser.parse_args(argv)
    units = max(1, round(args.resources / PER_UNIT))
    data = generate(units, organisation=ORG)
    serve = ["--fault-latency-ms", str(args.latency_ms)] if args.latency_ms else []
    rows = []
    with tempfile.TemporaryDirectory(prefix="vcorg-bench-parallel-") as tmp:
        work = Path(tmp)
        config = work / "org.yaml"
        config.write_text(yaml.safe_dump(data, sort_keys=False))
        with (
            PlatformServer(work / "raw", org=ORG, serve_args=serve) as raw,
            httpx.Client(base_url=raw.org_api, headers=raw.headers, timeout=60) as http,
        ):
            started = time.perf_counter()
            built = build_organisation(http, data)
            raw_rate = built.requests / (time.perf_counter() - started)
        for parallel in (int(p) for p in args.parallel.split(",")):
            state = work / f"state-{parallel}"
            state.mkdir()
            with PlatformServer(work / f"p-{parallel}", org=ORG, serve_args=serve) as platform:
                env = {
                    **os.environ,
                    "VCORG_TOKEN": platform.token,
                    "VCORG_API_URL": platform.url,
                    "VCORG_ENGINE_PARALLEL": str(parallel),
                }
                before = platform.request_count()
                m = measure(
                    [str(BIN / "vcorg"), "apply", "--yes", str(config), "--backend",
                     state.as_uri()],
                    env=env,
                )  # fmt: skip
                requests = platform.request_count() - before
            found = UPDATE_LINE.search(m.stderr)
            update = float(found.group(1)) if found else m.seconds
            rows.append((parallel, m.seconds, update, requests / update))
    table = Table(title=f"first apply of {units * PER_UNIT} resources by engine parallelism")
    for header in ("--parallel", "apply s", "update s", "req/s while updating", "× raw rate"):
        table.add_column(header, justify="right")
    for parallel, seconds, update, rate in rows:
        table.add_row(
            str(parallel),
            f"{seconds:.1f}",
            f"{update:.1f}",
            f"{rate:.0f}",
            f"{rate / raw_rate:.2f}",
        )
    Console(width=120).print(table)
    print(f"platform's own sequential rate: {raw_rate:.0f} requests/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
