"""SIGKILL `vcorg apply` and `vcorg destroy` at random points of large runs; re-run; count.

    .venv/bin/python bench/bench_crash.py --resources 5000 --kills 5          # issue 8
    .venv/bin/python bench/bench_crash.py --resources 1000 --kills 20 --destroy   # issue 12

For a generated organisation of about `--resources` resources it runs lineages of the
same apply, each killed `--kills` times at random points (one of them while the engine
writes its final state) and re-run as docs/operations.md says, i.e. by running the same
command again:

- a first apply, with the same configuration each time;
- a first apply whose configuration changes between each crash and the re-run (a renamed
  unit, a changed setting, a person swapped);
- a change set (after a clean first apply), same configuration;
- a change set, changing configuration;
- with `--destroy`, a destroy.

After every kill it checks that no process or temp file survived, and that the platform
holds nothing twice; at the end of each lineage that `vcplatform dump` matches the
configuration exactly (0 duplicates, 0 missing) and a refreshed `vcorg plan
--detailed-exitcode` exits 0. It prints one row per lineage. `--kills N` is spread over
the lineages run, so `--kills 20 --destroy` is 20 kills in all.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from examples.generate import generate  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402
from tests.e2e.test_crash_healing import ORG, Lineage, kill_lineage  # noqa: E402
from tests.support.crash import kill_points  # noqa: E402

PER_UNIT = 30


@dataclass
class Result:
    name: str
    kills: int
    landed: int
    reruns_seconds: float
    converged: bool
    note: str = ""


def _reason(exc: AssertionError) -> str:
    """The line of a failure that says why (an error line of the output, else the first)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    errors = [line for line in lines if "error" in line.lower()]
    return (errors or lines or ["failed"])[0][:160]


def lineage(
    work: Path, name: str, units: int, kills: int, *, change: bool, edit: bool, seed: int
) -> Result:
    rng = random.Random(f"{seed}-{name}")
    run = Lineage(work)
    try:
        base = generate(units, organisation=ORG, seed=seed)
        started = time.perf_counter()
        landed = kill_lineage(run, rng, base, change=change, edit=edit, kills=kills)
        seconds = time.perf_counter() - started
        return Result(name, kills, len(landed), seconds, True)
    except AssertionError as exc:
        return Result(name, kills, 0, 0.0, False, _reason(exc))
    finally:
        run.close()


def destroy_lineage(work: Path, units: int, kills: int, *, seed: int) -> Result:
    """Kill `vcorg destroy` repeatedly; the re-run must leave the platform empty."""
    rng = random.Random(f"{seed}-destroy")
    run = Lineage(work)
    try:
        config = run.write(generate(units, organisation=ORG, seed=seed))
        run.apply(config, None)
        points = kill_points(rng, kills)
        landed = 0
        started = time.perf_counter()
        for point in points:
            landed += run.destroy(config, point)
        run.destroy(config, None)
        seconds = time.perf_counter() - started
        dump = run.platform.dump()
        empty = not dump["units"]
        return Result("destroy", kills, landed, seconds, empty, "" if empty else "objects left")
    except AssertionError as exc:
        return Result("destroy", kills, 0, 0.0, False, _reason(exc))
    finally:
        run.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=1000)
    parser.add_argument("--kills", type=int, default=20, help="kills in all, over the lineages")
    parser.add_argument("--destroy", action="store_true", help="also kill destroys")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    units = max(1, round(args.resources / PER_UNIT))
    plans = [
        ("first apply, same config", False, False),
        ("first apply, config changed after each crash", False, True),
        ("change set, same config", True, False),
        ("change set, config changed after each crash", True, True),
    ]
    lineages = len(plans) + (1 if args.destroy else 0)
    share = [args.kills // lineages + (i < args.kills % lineages) for i in range(lineages)]
    console = Console(width=150)
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="vcorg-bench-crash-") as tmp:
        for i, (name, change, edit) in enumerate(plans):
            console.print(f"{name}: {share[i]} kills, {units * PER_UNIT} resources")
            work = Path(tmp) / f"lineage-{i}"
            work.mkdir()
            results.append(
                lineage(work, name, units, share[i], change=change, edit=edit, seed=args.seed)
            )
        if args.destroy:
            console.print(f"destroy: {share[-1]} kills")
            work = Path(tmp) / "destroy"
            work.mkdir()
            results.append(destroy_lineage(work, units, share[-1], seed=args.seed))
    table = Table(title=f"SIGKILL and re-run, {units * PER_UNIT} resources (seed {args.seed})")
    for header in ("lineage", "kills", "landed", "re-runs s", "converged", "note"):
        table.add_column(header)
    for r in results:
        table.add_row(
            r.name, str(r.kills), str(r.landed), f"{r.reruns_seconds:.0f}",
            "yes" if r.converged else "NO", r.note,
        )  # fmt: skip
    console.print(table)
    total = sum(r.landed for r in results)
    ok = all(r.converged and r.landed == r.kills for r in results)
    console.print(
        f"{total} of {sum(r.kills for r in results)} kills landed; "
        f"{'all lineages converged' if ok else 'NOT all lineages converged'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
