"""`vcorg drift` on a generated organisation: seconds and platform requests, one run.

    .venv/bin/python bench/bench_drift.py                # --units 34: about 1,000 resources
    .venv/bin/python bench/bench_drift.py --units 170    # about 5,000

It applies the generated organisation (`examples/generate.py`) to a fresh `vcplatform
serve`, then measures, each as a user would run it:

- `vcorg drift` with nothing drifted (the nightly case: the audit log is not read);
- the same after a console session by another account (areas renamed, rooms deleted,
  people added and removed, units made): drift found, every change attributed from the
  audit log since the last apply;
- `vcorg plan` (which refreshes through the engine), for comparison.

Requests come from the platform's /metrics; the issue's budget is 0.1 request per resource.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "examples"))

import yaml  # noqa: E402
from generate import generate  # noqa: E402
from tests.support.console import iter_objects  # noqa: E402
from tests.support.platform import PlatformServer  # noqa: E402

ORG = "synthetic-health"
PER_UNIT = 30


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=34)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="vcorg-bench-drift-") as tmp:
        work = Path(tmp)
        config = work / "org.yaml"
        config.write_text(yaml.safe_dump(generate(args.units, organisation=ORG), sort_keys=False))
        with PlatformServer(work / "platform", org=ORG, admin_email="ops@synthetic.example") as p:
            env = {
                **os.environ,
                "VCORG_API_URL": p.url,
                "VCORG_TOKEN": p.token,
                "PULUMI_BACKEND_URL": (work / "state").as_uri(),
                "PYTHONPATH": str(ROOT / "provider"),
            }
            (work / "state").mkdir()

            def run(*cli: str, ok: tuple[int, ...] = (0,)) -> tuple[float, int, int]:
                before = p.request_count()
                started = time.perf_counter()
                done = subprocess.run(
                    [sys.executable, "-m", "vcorg", *cli],
                    env=env,
                    capture_output=True,
                    text=True,
                )
                seconds = time.perf_counter() - started
                if done.returncode not in ok:
                    raise SystemExit(f"vcorg {' '.join(cli)} -> {done.returncode}\n{done.stderr}")
                return seconds, p.request_count() - before, done.returncode

            seconds, _, _ = run("apply", str(config), "--yes")
            resources = args.units * PER_UNIT
            print(f"applied {resources:,} resources ({args.units} units) in {seconds:.1f} s")
            rows = [("drift, nothing drifted", *run("drift", str(config)))]
            _console_session(p)
            rows.append(("drift after console edits", *run("drift", str(config), ok=(2,))))
            rows.append(("plan (engine refresh)", *run("plan", str(config))))
            print(f"{'step':<28} {'seconds':>8} {'requests':>9} {'req/resource':>13} exit")
            for name, secs, requests, code in rows:
                per = requests / resources
                print(f"{name:<28} {secs:>8.1f} {requests:>9,} {per:>13.3f} {code}")
    return 0


def _console_session(p: PlatformServer) -> None:
    """Another account edits in the console: 10 renames, 2 rooms deleted, 5 people removed,
    5 added, 3 new units."""
    token = p.create_token("clinic.lead@synthetic.example")
    with p.client(token) as http:
        areas = list(iter_objects(http, "waiting-areas"))
        for area in areas[:10]:
            http.patch(f"waiting-areas/{area['id']}", json={"name": area["name"] + " (x)"})
        for room in list(iter_objects(http, "meeting-rooms"))[:2]:
            http.delete(f"meeting-rooms/{room['id']}")
        for grant in list(iter_objects(http, "grants"))[:5]:
            http.delete(f"grants/{grant['id']}")
        for i, area in enumerate(areas[20:25]):
            body = {
                "scopeType": "waiting-area",
                "scopeId": area["id"],
                "role": "service-provider",
                "email": f"locum{i}@synthetic.example",
            }
            http.post("grants", json=body)
        for i in range(3):
            http.post("units", json={"name": f"Console unit {i}"})


if __name__ == "__main__":
    sys.exit(main())
