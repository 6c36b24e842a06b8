"""Renderers for lists of `Problem`: text, JSON and GitHub annotations.

They all walk the same sorted list, so the three formats never disagree.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from vcorg.config.problem import Problem, Severity

FORMATS = ("text", "json", "github")


def render_text(problems: Sequence[Problem]) -> str:
    """One ``FILE:LINE:COL: error: PATH: MESSAGE`` line per problem."""
    return "".join(f"{_one_line(str(p))}\n" for p in problems)


def render_json(problems: Sequence[Problem]) -> str:
    errors = sum(1 for p in problems if p.severity is Severity.ERROR)
    document = {
        "valid": errors == 0,
        "errorCount": errors,
        "warningCount": len(problems) - errors,
        "problems": [p.as_dict() for p in problems],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render_github(problems: Sequence[Problem]) -> str:
    """GitHub Actions workflow commands, shown as annotations on a pull request."""
    lines = []
    for p in problems:
        props = ",".join(
            [
                f"file={_escape_property(p.file)}",
                f"line={p.line}",
                f"col={p.column}",
                f"title={_escape_property('vcorg ' + p.id)}",
            ]
        )
        where = f"{p.path}: " if p.path else ""
        lines.append(f"::{p.severity.value} {props}::{_escape_data(where + p.message)}\n")
    return "".join(lines)


def render(problems: Sequence[Problem], fmt: str) -> str:
    if fmt == "json":
        return render_json(problems)
    if fmt == "github":
        return render_github(problems)
    return render_text(problems)


def _one_line(text: str) -> str:
    # A problem must stay on one line so that editors and grep can use it.
    return text.replace("\r", "\\r").replace("\n", "\\n")


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
