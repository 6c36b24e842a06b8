"""Helpers for the config tests: write YAML to a temporary file and validate it."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from vcorg.config import Problem, check_config

Found = set[tuple[str, str, str]]


def positions(problems: list[Problem]) -> Found:
    """``{(id, path, "line:col")}``: what the rule tests pin."""
    return {(p.id, p.path, f"{p.line}:{p.column}") for p in problems}


@pytest.fixture
def validate(tmp_path: Path) -> Callable[..., Found]:
    """Validate YAML text (or several files) and return the pinned problem triples."""

    def run(text: str | None = None, **files: str) -> Found:
        paths = []
        if text is not None:
            files = {"org.yaml": text, **files}
        for name, body in files.items():
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(body).lstrip("\n"), encoding="utf-8")
            paths.append(path)
        result = check_config([tmp_path] if len(paths) > 1 else paths)
        return positions(result.problems)

    return run
