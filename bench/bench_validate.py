#!/usr/bin/env python3
"""Benchmark `vcorg validate` on a large generated organisation.

    .venv/bin/python bench/bench_validate.py [--units 2000] [--repeats 3]

Prints, measured in the same process (best of ``--repeats``):

- baseline: read the file and parse it with PyYAML's C loader (``CSafeLoader``);
- the same with Python's cyclic garbage collector paused, as vcorg's loader does
  (most of the baseline's time on a large file is the collector, not parsing);
- loader: read and parse with vcorg's positioned loader;
- validate: the whole of ``check_config`` (parse, schema, merge, semantic rules,
  defaults), which is what ``vcorg validate`` runs;

and the ratio of each to the baseline.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from vcorg.config.load import check_config
from vcorg.config.yamlload import load_yaml

REPO = Path(__file__).resolve().parent.parent


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("vcorg_generate", REPO / "examples/generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def best_of(repeats: int, **work: Callable[[], object]) -> dict[str, float]:
    """Best time of each piece of work, interleaved so a busy machine hurts them alike."""
    best = dict.fromkeys(work, float("inf"))
    for _ in range(repeats):
        for name, run in work.items():
            start = time.perf_counter()
            run()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    generate = _generator()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "org.yaml"
        generate.write(generate.generate(args.units, seed=args.seed), path)
        size = path.stat().st_size

        result = check_config([path])
        if not result.ok or result.config is None:
            print("generated organisation is invalid:", *result.problems[:5], sep="\n")
            return 1
        units = result.config.units.values()
        objects = sum(1 + len(u.waiting_areas) + len(u.meeting_rooms) for u in units)

        def baseline() -> object:
            return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)

        def baseline_without_gc() -> object:
            collecting = gc.isenabled()
            gc.disable()
            try:
                return baseline()
            finally:
                if collecting:
                    gc.enable()

        def loader() -> object:
            return load_yaml(path.read_text(encoding="utf-8"), str(path))

        def validate() -> object:
            return check_config([path])

        del result  # a large live tree would slow every later collection
        best = best_of(
            args.repeats,
            baseline=baseline,
            baseline_nogc=baseline_without_gc,
            loader=loader,
            validate=validate,
        )
        parse, positioned, full = best["baseline"], best["loader"], best["validate"]
        nogc = best["baseline_nogc"]

    print(f"organisation: {args.units} units, {objects} objects, {size / 1e6:.1f} MB of YAML")
    print(f"best of {args.repeats}, interleaved:")
    print(f"  baseline  yaml.load(CSafeLoader)  {parse:7.2f} s")
    print(f"  baseline  same, cyclic GC paused  {nogc:7.2f} s  ({nogc / parse:.2f}x)")
    print(f"  loader    positioned YAML         {positioned:7.2f} s  ({positioned / parse:.2f}x)")
    print(f"  validate  check_config            {full:7.2f} s  ({full / parse:.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
