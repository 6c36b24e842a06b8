"""Terminal rendering: plain text for pipes and files, rich styling for a TTY."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from rich.text import Text

from .rows import (
    CHANGES_HEADING,
    DRIFT_HEADING,
    NO_CHANGES,
    Row,
    RowKind,
    flag_text,
    iter_rows,
    plan_drift_rows,
    risk_heading,
    summary_sentence,
)

if TYPE_CHECKING:
    from .model import Plan

_ROW_STYLES = {
    "+": "green",
    "-": "red",
    "~": "yellow",
    "±": "magenta",
    "→": "cyan",
    "=": "blue",
    "!": "yellow",
}


def _row_line(row: Row) -> str:
    sign = f"{row.sign} " if row.sign else ""
    return f"{'  ' * row.level}{sign}{row.text}"


def styled_lines(plan: Plan) -> Iterator[tuple[str, str]]:
    """`(line, rich style)` pairs; the plain and rich outputs both come from here."""
    if not plan.has_changes:
        yield NO_CHANGES, "bold green"
        if plan.drift:  # only fields the console owns changed: shown, not counted
            yield "", ""
            yield f"{DRIFT_HEADING}:", "bold"
            yield from row_lines(plan_drift_rows(plan), indent=1)
        return
    yield summary_sentence(plan.summary), "bold"
    if plan.risk_flags:
        yield "", ""
        yield risk_heading(len(plan.risk_flags)), "bold red"
        for flag in plan.risk_flags:
            yield f"  ! {flag_text(flag)}", "red"
    if plan.drift:
        yield "", ""
        yield f"{DRIFT_HEADING}:", "bold yellow"
        yield from row_lines(plan_drift_rows(plan), indent=1)
        if any(g.resources or g.moved_out for g in plan.units):
            yield "", ""
            yield f"{CHANGES_HEADING}:", "bold"
    yield from row_lines(iter_rows(plan))


def row_lines(rows: Iterator[Row], *, indent: int = 0) -> Iterator[tuple[str, str]]:
    """Rows as `(line, style)`: a blank line before each unit heading."""
    for row in rows:
        row = Row(row.kind, row.level + indent, row.sign, row.text, row.op)
        if row.kind is RowKind.UNIT:
            yield "", ""
            yield _row_line(row), "bold underline"
        else:
            style = _ROW_STYLES.get(row.sign, "")
            if row.kind in (RowKind.RESOURCE, RowKind.STEP):
                style = f"bold {style}".strip()
            yield _row_line(row), style


def render_text(plan: Plan) -> str:
    """The plan as plain text, one trailing newline."""
    return "".join(f"{line}\n" for line, _ in styled_lines(plan))


def rich_lines(plan: Plan) -> Iterator[Text]:
    """The same lines as `render_text`, styled for `rich`."""
    for line, style in styled_lines(plan):
        yield Text(line, style=style, no_wrap=False)
