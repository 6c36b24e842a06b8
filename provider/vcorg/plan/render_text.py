"""Terminal rendering: plain text for pipes and files, rich styling for a TTY."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from rich.text import Text

from .rows import NO_CHANGES, Row, RowKind, flag_text, iter_rows, risk_heading, summary_sentence

if TYPE_CHECKING:
    from .model import Plan

_ROW_STYLES = {"+": "green", "-": "red", "~": "yellow", "±": "magenta", "→": "cyan", "=": "blue"}


def _row_line(row: Row) -> str:
    sign = f"{row.sign} " if row.sign else ""
    return f"{'  ' * row.level}{sign}{row.text}"


def styled_lines(plan: Plan) -> Iterator[tuple[str, str]]:
    """`(line, rich style)` pairs; the plain and rich outputs both come from here."""
    if not plan.has_changes:
        yield NO_CHANGES, "bold green"
        return
    yield summary_sentence(plan.summary), "bold"
    if plan.risk_flags:
        yield "", ""
        yield risk_heading(len(plan.risk_flags)), "bold red"
        for flag in plan.risk_flags:
            yield f"  ! {flag_text(flag)}", "red"
    for row in iter_rows(plan):
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
