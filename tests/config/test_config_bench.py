"""The benchmark script keeps working (a tiny run; the real figures come from bench/)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_bench_validate_runs(capsys):
    script = REPO / "bench" / "bench_validate.py"
    spec = importlib.util.spec_from_file_location("bench_validate", script)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    assert module.main(["--units", "3", "--repeats", "1"]) == 0
    out = capsys.readouterr().out
    assert "3 units, 30 objects" in out
    assert "validate  check_config" in out
