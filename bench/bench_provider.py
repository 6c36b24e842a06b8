"""Benchmark the provider through the real engine: wall time and platform API requests.

    .venv/bin/python bench/bench_provider.py                # hospital + ~500 resources
    .venv/bin/python bench/bench_provider.py --units 5      # a smaller generated org

For the hospital example and a generated organisation (`examples/generate.py`), it
times a first apply, a no-op preview and a refresh against a fresh `vcplatform serve`
on loopback, and counts the API requests the platform served (its /metrics). Ratios are
against a baseline measured in the same run: the no-op preview of an empty stack, i.e.
the engine's fixed cost.

Each step runs in a fresh Python process, as `vcorg plan` and `vcorg apply` would, so the
times include interpreter start-up and imports.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# The platform helper lives with the tests; the bench runs from a source checkout.
sys.path.insert(0, str(ROOT))

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402
from tests.support.platform import PlatformServer  # noqa: E402

from vcorg.engine.stack import StackTarget, open_stack  # noqa: E402

HOSPITAL = ROOT / "examples" / "hospital"
GENERATOR = ROOT / "examples" / "generate.py"


@dataclass
class Row:
    scenario: str
    step: str
    resources: int
    seconds: float
    requests: int


STEPS = ("up", "preview", "refresh")


def child(step: str, backend: str, api_url: str, config: str) -> int:
    """Run one engine step on the stack; print the change summary as JSON."""
    import vcorg

    def program() -> None:
        if config:
            vcorg.Organisation("org", config_path=Path(config))

    stack = open_stack(
        StackTarget(
            "bench",
            backend_url=backend,
            api_url=api_url,
            program=program,
            extra_env={"VCORG_TOKEN": os.environ["VCORG_TOKEN"]},
        )
    )
    if step == "up":
        summary = stack.up(on_output=_quiet).summary.resource_changes
    elif step == "preview":
        summary = stack.preview(on_output=_quiet).change_summary
    else:
        summary = stack.refresh(on_output=_quiet).summary.resource_changes
    custom = [
        r
        for r in stack.export_stack().deployment.get("resources", [])
        if r.get("custom") and "dynamic/vcorg:" in r["type"]
    ]
    print(json.dumps({"summary": summary or {}, "resources": len(custom)}))
    return 0


class Bench:
    """One platform and one stack for one organisation; each step in its own process."""

    def __init__(self, workdir: Path, org: str, config: Path | None) -> None:
        self.platform = PlatformServer(workdir / "platform", org=org).start()
        self.backend = workdir / "state"
        self.backend.mkdir(parents=True)
        self.config = config

    def step(self, step: str) -> tuple[float, int, dict[str, Any]]:
        """(wall seconds, API requests, child's report) of one engine step."""
        before = self.platform.request_count()
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, __file__, "--child", step, self.backend.as_uri(),
             self.platform.url, str(self.config or "")],
            capture_output=True,
            text=True,
            env={**os.environ, "VCORG_TOKEN": self.platform.token},
        )  # fmt: skip
        seconds = time.perf_counter() - start
        if proc.returncode != 0:
            tail = "\n".join(proc.stderr.strip().splitlines()[-30:])
            raise SystemExit(f"bench: `{step}` failed:\n{tail}")
        report = json.loads(proc.stdout.strip().splitlines()[-1])
        return seconds, self.platform.request_count() - before, report

    def close(self) -> None:
        self.platform.stop()


def _quiet(_line: str) -> None:
    pass


def _changes(report: dict[str, Any]) -> dict[str, int]:
    return {op: n for op, n in report["summary"].items() if op != "same" and n}


def run_org(workdir: Path, scenario: str, org: str, config: Path, rows: list[Row]) -> None:
    bench = Bench(workdir, org, config)
    try:
        secs, reqs, report = bench.step("up")
        count = report["resources"]
        rows.append(Row(scenario, "first apply", count, secs, reqs))
        secs, reqs, report = bench.step("preview")
        if _changes(report):
            raise SystemExit(f"bench: the no-op preview of {scenario} planned {_changes(report)}")
        rows.append(Row(scenario, "no-op preview", count, secs, reqs))
        secs, reqs, report = bench.step("refresh")
        if _changes(report):
            raise SystemExit(f"bench: refreshing {scenario} found drift: {_changes(report)}")
        rows.append(Row(scenario, "refresh", count, secs, reqs))
    finally:
        bench.close()


def baseline(workdir: Path) -> Row:
    bench = Bench(workdir, "empty", None)
    try:
        bench.step("up")
        secs, reqs, _ = bench.step("preview")
        return Row("empty stack", "no-op preview (baseline)", 0, secs, reqs)
    finally:
        bench.close()


def generate(units: int, out: Path) -> str:
    """Write the generated organisation to `out`; return its organisation key."""
    org = "synthetic-health"
    subprocess.run(
        [sys.executable, str(GENERATOR), "--units", str(units), "--organisation", org,
         "--out", str(out)],
        check=True,
    )  # fmt: skip
    return org


def render(rows: list[Row], base: Row) -> Table:
    table = Table(title="vcorg provider through the Pulumi engine (vcplatform on loopback)")
    for header in ("scenario", "step", "resources", "wall s", "× baseline", "API requests"):
        table.add_column(header, justify="left" if header in ("scenario", "step") else "right")
    table.add_column("requests/resource", justify="right")
    for row in [base, *rows]:
        per = f"{row.requests / row.resources:.2f}" if row.resources else "-"
        table.add_row(
            row.scenario,
            row.step,
            str(row.resources),
            f"{row.seconds:.2f}",
            f"{row.seconds / base.seconds:.1f}",
            str(row.requests),
            per,
        )
    return table


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        from vcorg.engine.reaper import command_scope

        with command_scope():  # the Automation API's workspace is removed at the end
            return child(*argv[1:5])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--units", type=int, default=17, help="units in the generated org (17 ≈ 500 resources)"
    )
    parser.add_argument("--skip-generated", action="store_true", help="hospital only")
    args = parser.parse_args(argv)

    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="vcorg-bench-") as tmp:
        work = Path(tmp)
        base = baseline(work / "baseline")
        run_org(work / "hospital", "hospital", "metro-health", HOSPITAL, rows)
        if not args.skip_generated:
            config = work / "generated.yaml"
            org = generate(args.units, config)
            run_org(work / "generated", f"generated ({args.units} units)", org, config, rows)
    Console(width=120).print(render(rows, base))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
