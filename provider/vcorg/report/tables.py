"""Plain-text and Markdown tables, shared by the report renderers."""

from __future__ import annotations

from collections.abc import Sequence

from vcorg.plan.render_markdown import md_escape

__all__ = ["bar", "markdown_table", "md_escape", "text_table"]

BAR_CHARACTER = "█"
PARTIAL_BARS = " ▏▎▍▌▋▊▉"


def text_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], *, right: Sequence[int] = ()
) -> list[str]:
    """Columns padded to their widest cell, two spaces apart; ``right`` aligns numbers."""
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]

    def line(cells: Sequence[str]) -> str:
        padded = [
            cell.rjust(w) if n in right else cell.ljust(w)
            for n, (cell, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(padded).rstrip()

    return [line(headers), *(line(row) for row in rows)]


def markdown_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], *, right: Sequence[int] = ()
) -> list[str]:
    rule = ["---:" if n in right else "---" for n in range(len(headers))]
    out = ["| " + " | ".join(md_escape(h) for h in headers) + " |", "| " + " | ".join(rule) + " |"]
    for row in rows:
        out.append("| " + " | ".join(md_escape(cell) or " " for cell in row) + " |")
    return out


def bar(value: float, maximum: float, width: int) -> str:
    """A horizontal bar of ``width`` characters at most, in eighths of a character."""
    if maximum <= 0 or value <= 0:
        return ""
    eighths = round(value / maximum * width * 8)
    full, part = divmod(max(eighths, 1), 8)
    return BAR_CHARACTER * full + (PARTIAL_BARS[part] if part else "")
