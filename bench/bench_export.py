"""Onboarding at scale: `vcorg export` and the adoption of a large hand-built organisation.

    .venv/bin/python bench/bench_export.py                  # 1,000 units (~30,000 resources)
    .venv/bin/python bench/bench_export.py --units 20       # a quick run

A generated organisation (`examples/generate.py`) is built through the platform API, unit
by unit as a console would (`tests/support/console.py`, several units at a time so the
build does not take longest), with one person's invitations expired. Then, each step in a
fresh process as an admin would run it:

- **export**: `vcorg export --out DIR`; wall time and API requests (the platform's own
  /metrics), which grow with pages, not objects;
- **plan --adopt** and **apply --adopt** of the export, against the engine floor of the
  same number of resources (`bench/floor.py`, measured here by `bench_scale`'s own child
  process: a preview, and a first `up`); the apply's writes on the platform, which must
  be the re-sent invitations only; then a no-op plan, which must say "no changes";
- **export under `--rate-limit 20/s`**: the same export against the same database served
  with a rate limit; it must complete and write the same configuration.

Ratios, not seconds, are the result: the machine may be noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402
from tests.support.console import build_in_parallel  # noqa: E402
from tests.support.platform import PlatformServer  # noqa: E402

from bench.bench_scale import BIN, Measured, measure  # noqa: E402

ORG = "synthetic-health"
RATE_LIMIT = "20/s"


@dataclass
class Step:
    name: str
    seconds: float
    requests: int = 0
    floor_seconds: float | None = None
    note: str = ""


@dataclass
class Result:
    units: int
    resources: int = 0
    build_seconds: float = 0.0
    build_requests: int = 0
    steps: list[Step] = field(default_factory=list)
    checks: list[tuple[bool, str]] = field(default_factory=list)


def _api_requests(platform: PlatformServer) -> Counter[str]:
    """API requests served so far, by method (and 429s under "429")."""
    counts: Counter[str] = Counter()
    for (method, route, status), n in platform.metrics().items():
        if route.startswith("/api/"):
            counts[method] += n
            if status == "429":
                counts["429"] += n
    return counts


def _writes(counts: Counter[str]) -> int:
    return sum(n for method, n in counts.items() if method in ("POST", "PATCH", "PUT", "DELETE"))


def _build(platform: PlatformServer, data: dict[str, Any], workers: int) -> tuple[float, int]:
    """Build the organisation through the API, a few units at a time; (seconds, requests)."""
    started = time.perf_counter()
    built = build_in_parallel(platform.org_api, platform.headers, data, workers=workers)
    return time.perf_counter() - started, built.requests


def _body(directory: Path) -> dict[str, str]:
    """The export's files without their header comments (which say when they were made)."""
    return {
        str(p.relative_to(directory)): "".join(
            line for line in p.read_text().splitlines(keepends=True) if not line.startswith("#")
        )
        for p in sorted(directory.rglob("*.yaml"))
    }


def _floor(step: str, count: int, backend: Path, env: dict[str, str]) -> Measured:
    child = [sys.executable, str(ROOT / "bench" / "bench_scale.py"), "--child", "floor", step]
    return measure([*child, str(count), backend.as_uri()], env=env)


def run(units: int, work: Path, workers: int, say: Any) -> Result:
    from examples.generate import generate

    result = Result(units)
    data = generate(units, organisation=ORG)
    expired = next(iter(data["units"].values()))["waitingAreas"]
    expired_email = next(iter(expired.values()))["roles"]["serviceProviders"][0]
    vcorg = [str(BIN / "vcorg")]
    backend = work / "state"
    backend.mkdir()
    export_dir = work / "org"

    with PlatformServer(work / "platform", org=ORG) as platform:
        say(f"  building {units} units through the API ({workers} at a time)")
        result.build_seconds, result.build_requests = _build(platform, data, workers)
        platform.expire_invitations(expired_email)
        env = {
            **os.environ,
            "VCORG_TOKEN": platform.token,
            "VCORG_API_URL": platform.url,
            "PULUMI_BACKEND_URL": backend.as_uri(),
        }

        def timed(name: str, args: list[str]) -> tuple[Step, Counter[str], Measured]:
            say(f"  {name}")
            before = _api_requests(platform)
            m = measure(args, env=env, ok=(0, 2))
            delta = _api_requests(platform) - before
            step = Step(name, m.seconds, sum(n for k, n in delta.items() if k != "429"))
            result.steps.append(step)
            return step, delta, m

        export, _, _ = timed("export", [*vcorg, "export", "--out", str(export_dir)])
        # The same export against the same database, served with a rate limit.
        with PlatformServer(
            work / "limited",
            org=ORG,
            db_url=platform.db_url,
            serve_args=["--rate-limit", RATE_LIMIT],
        ) as limited:
            say(f"  export under --rate-limit {RATE_LIMIT}")
            limited_env = {**os.environ, "VCORG_TOKEN": limited.token, "VCORG_API_URL": limited.url}
            before = _api_requests(limited)
            m = measure([*vcorg, "export", "--out", str(work / "org-limited")], env=limited_env)
            delta = _api_requests(limited) - before
            step = Step(f"export, --rate-limit {RATE_LIMIT}", m.seconds, delta["GET"])
            step.note = f"{delta['429']} answered 429"
            result.steps.append(step)
        result.checks.append(
            (
                _body(work / "org-limited") == _body(export_dir),
                f"the rate-limited export completes and writes the same configuration "
                f"({len(_body(export_dir))} files)",
            )
        )
        timed("validate", [*vcorg, "validate", str(export_dir)])
        plan_json = work / "plan.json"
        plan, _, _ = timed(
            "plan --adopt", [*vcorg, "plan", str(export_dir), "--adopt", "--out", str(plan_json)]
        )
        saved = json.loads(plan_json.read_text())["plan"]["summary"]
        result.resources = saved["adopts"] + saved["creates"]
        apply_args = [*vcorg, "apply", str(export_dir), "--adopt", "--yes"]
        apply, delta, _ = timed("apply --adopt", apply_args)
        apply.note = f"{_writes(delta)} writes ({saved['peopleResent']} re-sends planned)"
        noop_args = [*vcorg, "plan", str(export_dir), "--detailed-exitcode"]
        noop, _, noop_run = timed("no-op plan", noop_args)
        noop.note = "no changes" if noop_run.stdout.startswith("No changes.") else "CHANGES"
        result.checks.append(
            (
                saved["creates"] + saved["updates"] + saved["deletes"] + saved["peopleInvited"]
                == 0,
                f"plan --adopt: only adoptions and re-sends ({saved['adopts']} adopt, "
                f"{saved['peopleResent']} re-send, {saved['creates']} create, "
                f"{saved['updates']} update, {saved['peopleInvited']} invite)",
            )
        )
        result.checks.append(
            (
                _writes(delta) == saved["peopleResent"],
                f"apply --adopt: {_writes(delta)} writes on the platform = "
                f"{saved['peopleResent']} re-sent invitations",
            )
        )
        result.checks.append(
            (noop_run.stdout.startswith("No changes."), "after the apply, the plan has no changes")
        )

    # The engine floor for the same number of resources, with vcorg's engine settings.
    floor_env = {**os.environ}
    floors: dict[str, float] = {}
    for floor_step in ("plan-create", "apply"):
        say(f"  floor {floor_step} ({result.resources} resources)")
        floor_backend = work / f"floor-{floor_step}"
        floor_backend.mkdir()
        floors[floor_step] = _floor(floor_step, result.resources, floor_backend, floor_env).seconds
    plan.floor_seconds = floors["plan-create"]
    # `vcorg apply` previews, then updates: its floor is the floor's preview plus its up.
    apply.floor_seconds = floors["plan-create"] + floors["apply"]
    apply.note += (
        f"; floor = preview {floors['plan-create']:.1f} s + up {floors['apply']:.1f} s, "
        f"× up alone {apply.seconds / floors['apply']:.2f}"
    )
    export.note = (
        f"{export.requests / max(1, result.resources) * 1000:.1f} requests per 1,000 resources"
    )
    return result


def render(result: Result) -> Table:
    table = Table(
        title=f"Onboarding {result.units:,} units ({result.resources:,} resources) "
        f"built by hand: export and adoption"
    )
    for header in ("step", "seconds", "API requests", "floor s", "× floor", "note"):
        table.add_column(header, justify="left" if header in ("step", "note") else "right")
    table.add_row(
        "build through the API (not vcorg)",
        f"{result.build_seconds:.1f}",
        f"{result.build_requests:,}",
        "",
        "",
        "",
    )
    for s in result.steps:
        ratio = f"{s.seconds / s.floor_seconds:.2f}" if s.floor_seconds else ""
        floor = f"{s.floor_seconds:.1f}" if s.floor_seconds else ""
        table.add_row(s.name, f"{s.seconds:.1f}", f"{s.requests:,}", floor, ratio, s.note)
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1000, help="units to generate (default 1000)")
    parser.add_argument(
        "--build-workers", type=int, default=4, help="units built at once (default 4)"
    )
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args(argv)
    console = Console(width=160)
    with tempfile.TemporaryDirectory(prefix="vcorg-bench-export-") as tmp:
        result = run(
            args.units, Path(tmp), args.build_workers, lambda m: console.print(m, highlight=False)
        )
    console.print(render(result))
    failed = 0
    for ok, text in result.checks:
        failed += not ok
        console.print(f"{'PASS' if ok else 'FAIL'}  {text}", highlight=False)
    if args.json:
        args.json.write_text(json.dumps(asdict(result), indent=2))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
