"""Profile a no-op `vcorg plan` of a generated organisation with py-spy.

    .venv/bin/python bench/profile_plan.py --resources 5000
    .venv/bin/python bench/profile_plan.py --resources 1000 --top 30

It starts `vcplatform serve` on loopback, applies a generated organisation of about
`--resources` resources (30 per unit), then records `vcorg plan` (a no-op) with
`py-spy record --subprocesses --gil`: only samples that hold the GIL, i.e. Python CPU
time, in the vcorg process (the program and the engine-event reader) and in the dynamic
provider's process. The Go engine is not sampled; `bench_scale.py` compares wall time with
the engine floor. It prints, per process, the top entries by cumulative and by own samples,
and keeps the raw profile under bench/results/.
"""

from __future__ import annotations

import argparse
import collections
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.platform import PlatformServer  # noqa: E402

RESULTS = ROOT / "bench" / "results"
ORG = "synthetic-health"
PER_UNIT = 30


def aggregate(raw: Path, top: int) -> str:
    """Per process: (samples, cumulative top, self top) as text."""
    per_process: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    own: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    totals: collections.Counter[str] = collections.Counter()
    for line in raw.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        count = int(count_text)
        frames = stack.split(";")
        # Subprocesses nest under their parents: the innermost `process` frame owns it.
        last = max(i for i, f in enumerate(frames) if f.startswith("process ") or i == 0)
        process = _process_label(frames[last])
        frames = frames[last:]
        totals[process] += count
        seen: set[str] = set()
        for frame in frames[1:]:
            if frame not in seen:
                per_process[process][frame] += count
                seen.add(frame)
        own[process][frames[-1]] += count
    out: list[str] = []
    for process, samples in totals.most_common():
        out.append(f"\n== {process}: {samples} samples holding the GIL")
        out.append("-- cumulative")
        for frame, n in per_process[process].most_common(top):
            out.append(f"{n:7d} {100 * n / samples:5.1f}%  {frame}")
        out.append("-- own")
        for frame, n in own[process].most_common(top // 2):
            out.append(f"{n:7d} {100 * n / samples:5.1f}%  {frame}")
    return "\n".join(out)


def _process_label(frame: str) -> str:
    if "pulumi.dynamic" in frame:
        return "dynamic provider (python -m pulumi.dynamic)"
    if "bin/vcorg" in frame:
        return "vcorg plan (program + engine events)"
    return frame[:80]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=5000)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--rate", type=int, default=100, help="py-spy samples per second")
    parser.add_argument("--label", default="", help="a name for the raw file")
    args = parser.parse_args(argv)
    units = max(1, round(args.resources / PER_UNIT))
    RESULTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="vcorg-profile-") as tmp:
        work = Path(tmp)
        config = work / "org.yaml"
        subprocess.run(
            [sys.executable, str(ROOT / "examples" / "generate.py"), "--units", str(units),
             "--organisation", ORG, "--out", str(config)],
            check=True,
        )  # fmt: skip
        backend = (work / "state").as_uri()
        (work / "state").mkdir()
        with PlatformServer(work / "platform", org=ORG) as platform:
            env = {**os.environ, "VCORG_TOKEN": platform.token, "VCORG_API_URL": platform.url}
            vcorg = [str(Path(sys.executable).parent / "vcorg")]
            started = time.perf_counter()
            subprocess.run(
                [*vcorg, "apply", "--yes", str(config), "--backend", backend],
                env=env, check=True, capture_output=True,
            )  # fmt: skip
            print(f"applied {units} units in {time.perf_counter() - started:.1f} s", flush=True)
            raw = RESULTS / f"profile-noop-plan-{args.resources}{args.label}.raw"
            started = time.perf_counter()
            subprocess.run(
                [str(Path(sys.executable).parent / "py-spy"), "record", "--subprocesses",
                 "--gil", "--format", "raw", "-r", str(args.rate), "-o", str(raw), "--",
                 *vcorg, "plan", str(config), "--backend", backend],
                env=env, check=True, capture_output=True,
            )  # fmt: skip
            print(f"no-op plan under py-spy: {time.perf_counter() - started:.1f} s")
    print(aggregate(raw, args.top))
    print(f"\nraw profile: {raw}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
