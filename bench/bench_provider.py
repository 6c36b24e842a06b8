"""Benchmark the provider through the real engine: wall time and platform API requests.

    .venv/bin/python bench/bench_provider.py                # hospital + ~500 resources
    .venv/bin/python bench/bench_provider.py --units 5      # a smaller generated org

For the hospital example and a generated organisation (`examples/generate.py`), it
times a first apply, a no-op preview and a refresh against a fresh `vcplatform serve`
on loopback, and counts the API requests the platform served (its /metrics). Ratios are
against a baseline measured in the same run: the no-op preview of an empty stack, i.e.
the engine's fixed cost.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# The platform helper lives with the tests; the bench runs from a source checkout.
sys.path.insert(0, str(ROOT))

from pulumi import automation as auto  # noqa: E402
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


class Bench:
    """One platform and one stack for one organisation."""

    def __init__(self, workdir: Path, org: str, config: Path | None) -> None:
        self.platform = PlatformServer(workdir / "platform", org=org).start()
        backend = workdir / "state"
        backend.mkdir(parents=True)

        def program() -> None:
            if config is not None:
                import vcorg

                vcorg.Organisation("org", config_path=config)

        self.stack = open_stack(
            StackTarget(
                "bench",
                backend_url=backend.as_uri(),
                api_url=self.platform.url,
                program=program,
                extra_env={"VCORG_TOKEN": self.platform.token},
            )
        )

    def measure(self, step: Callable[[], Any]) -> tuple[float, int]:
        before = self.platform.request_count()
        start = time.perf_counter()
        step()
        seconds = time.perf_counter() - start
        return seconds, self.platform.request_count() - before

    def resources(self) -> int:
        # Custom resources only: the stack and the component cost no API calls.
        state = self.stack.export_stack().deployment.get("resources", [])
        return sum(1 for r in state if r.get("custom") and "dynamic/vcorg:" in r["type"])

    def close(self) -> None:
        self.platform.stop()


def _quiet(_line: str) -> None:
    pass


def run_org(workdir: Path, scenario: str, org: str, config: Path, rows: list[Row]) -> None:
    bench = Bench(workdir, org, config)
    try:
        stack = bench.stack
        secs, reqs = bench.measure(lambda: stack.up(on_output=_quiet))
        count = bench.resources()
        rows.append(Row(scenario, "first apply", count, secs, reqs))
        secs, reqs = bench.measure(
            lambda: _expect_no_changes(stack.preview(on_output=_quiet), scenario)
        )
        rows.append(Row(scenario, "no-op preview", count, secs, reqs))
        secs, reqs = bench.measure(lambda: stack.refresh(on_output=_quiet))
        rows.append(Row(scenario, "refresh", count, secs, reqs))
    finally:
        bench.close()


def _expect_no_changes(result: auto.PreviewResult, scenario: str) -> None:
    changes = {op: n for op, n in result.change_summary.items() if op != "same" and n}
    if changes:
        raise SystemExit(f"bench: the no-op preview of {scenario} planned changes: {changes}")


def baseline(workdir: Path) -> Row:
    bench = Bench(workdir, "empty", None)
    try:
        bench.stack.up(on_output=_quiet)
        secs, reqs = bench.measure(lambda: bench.stack.preview(on_output=_quiet))
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
