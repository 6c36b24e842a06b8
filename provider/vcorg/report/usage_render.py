"""The usage report as a bar chart (terminal), a table (Markdown, CSV) and JSON.

Text and Markdown share one walk (`usage_rows`); JSON follows
schemas/report-usage.schema.json.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .access_render import stamp
from .platform import hidden_note
from .tables import bar, markdown_table, md_escape, text_table

if TYPE_CHECKING:
    from .usage import Usage, UsageReport

FORMAT_VERSION = 1
TOTAL = "Total"
HIDDEN_WHAT = "read the usage reports of"
SCOPE_WORDS = {"unit": "unit", "waiting-area": "waiting area", "meeting-room": "meeting room"}
STAT_HEADERS = ("calls", "minutes", "median min", "median wait", "p90 wait", "busiest hour")


@dataclass(frozen=True)
class UsageRow:
    """One line of the chart or table: a unit (level 0), a scope in it (1), a tag (0)."""

    level: int
    kind: str  # unit | waiting-area | meeting-room | tag | total
    label: str
    unit: str  # the unit's name ("" for tags and the total)
    key: str | None
    usage: Usage


def usage_rows(report: UsageReport) -> Iterator[UsageRow]:
    if report.by == "tag":
        for tag in report.tags:
            yield UsageRow(0, "tag", tag.label, "", tag.tag, tag.usage)
        return
    for unit in report.units:
        yield UsageRow(0, "unit", unit.name, unit.name, unit.key, unit.usage)
        for scope in unit.scopes:
            yield UsageRow(1, scope.scope_type, scope.name, unit.name, scope.key, scope.usage)


def _minutes(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _hour(hour: int | None) -> str:
    return "-" if hour is None else f"{hour:02d}:00"


def stat_cells(usage: Usage) -> tuple[str, ...]:
    return (
        f"{usage.calls:,}",
        f"{round(usage.total_minutes):,}",
        _minutes(usage.median_minutes),
        _minutes(usage.median_wait_minutes),
        _minutes(usage.p90_wait_minutes),
        _hour(usage.busiest_hour),
    )


def title(report: UsageReport) -> str:
    return (
        f"Usage of {report.organisation}, {report.date_from} to {report.date_to} "
        f"({report.timezone}), by {report.by}"
    )


def total_sentence(report: UsageReport) -> str:
    t = report.total
    if not t.calls:
        return "No calls in this period."
    return (
        f"{t.calls:,} call{'s' if t.calls != 1 else ''}, {round(t.total_minutes):,} minutes; "
        f"median call {_minutes(t.median_minutes)} min; wait median "
        f"{_minutes(t.median_wait_minutes)} min, 90th percentile "
        f"{_minutes(t.p90_wait_minutes)} min; busiest hour {_hour(t.busiest_hour)}."
    )


def _label(row: UsageRow) -> str:
    if row.kind == "meeting-room":
        return f"{row.label} (meeting room)"
    return row.label


def render_text(report: UsageReport, *, width: int = 100) -> str:
    """A bar per unit (or tag) and, indented beneath, per waiting area and room."""
    rows = list(usage_rows(report))
    peak = max((r.usage.calls for r in rows), default=0)
    bar_width = max(10, min(30, width - 80))
    cells = [
        ("  " * r.level + _label(r), bar(r.usage.calls, peak, bar_width), *stat_cells(r.usage))
        for r in rows
    ]
    cells.append((TOTAL, "", *stat_cells(report.total)))
    heading = "unit" if report.by == "unit" else "tag"
    table = text_table(
        [heading.upper(), "", *(h.upper() for h in STAT_HEADERS)], cells, right=range(2, 8)
    )
    lines = [title(report), total_sentence(report), "", *table]
    if report.by == "tag":
        lines += ["", "A call counts under every tag of its unit and of its waiting area."]
    note = hidden_note(report.hidden, report.token_email, what=HIDDEN_WHAT)
    if note:
        lines += ["", note]
    lines += ["", "Minutes are call lengths; waits are before the call began, in minutes."]
    return "\n".join(lines) + "\n"


def render_markdown(report: UsageReport) -> str:
    out = [
        f"## vcorg usage report: {md_escape(report.organisation)}",
        "",
        f"- **Period:** {report.date_from} to {report.date_to} ({md_escape(report.timezone)})",
        f"- **As of:** {stamp(report.as_of)}",
        f"- **Platform:** {md_escape(report.api_url)}",
        "",
        md_escape(total_sentence(report)),
        "",
    ]
    if report.by == "unit":
        headers = ["Unit", "Waiting area or meeting room", *(h.capitalize() for h in STAT_HEADERS)]
        rows = [
            (
                r.unit if r.level == 0 else "",
                "all" if r.level == 0 else f"{SCOPE_WORDS[r.kind]} {r.label}",
                *stat_cells(r.usage),
            )
            for r in usage_rows(report)
        ]
        rows.append((TOTAL, "", *stat_cells(report.total)))
        out += markdown_table(headers, rows, right=range(2, 8))
    else:
        headers = ["Reporting tag", *(h.capitalize() for h in STAT_HEADERS)]
        rows = [(r.label, *stat_cells(r.usage)) for r in usage_rows(report)]
        rows.append((TOTAL, *stat_cells(report.total)))
        out += markdown_table(headers, rows, right=range(1, 7))
        out += ["", "A call counts under every tag of its unit and of its waiting area."]
    note = hidden_note(report.hidden, report.token_email, what=HIDDEN_WHAT)
    if note:
        out += ["", f"> {md_escape(note)}"]
    return "\n".join(out) + "\n"


CSV_STATS = (
    "calls",
    "total_minutes",
    "median_minutes",
    "median_wait_minutes",
    "p90_wait_minutes",
    "busiest_hour",
)


def _csv_stats(usage: Usage) -> tuple[Any, ...]:
    return tuple("" if v is None else v for v in usage.to_dict().values())


def render_csv(report: UsageReport) -> str:
    """One row per unit and per waiting area and room in it (or per tag), then the total."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if report.by == "unit":
        writer.writerow(("unit", "unit_key", "scope_type", "scope", "scope_key", *CSV_STATS))
        for unit in report.units:
            writer.writerow(
                (unit.name, unit.key, "unit", unit.name, unit.key, *_csv_stats(unit.usage))
            )
            for s in unit.scopes:
                writer.writerow(
                    (unit.name, unit.key, s.scope_type, s.name, s.key or "", *_csv_stats(s.usage))
                )
        writer.writerow(("", "", "total", TOTAL, "", *_csv_stats(report.total)))
    else:
        writer.writerow(("tag", *CSV_STATS))
        for tag in report.tags:
            writer.writerow((tag.label, *_csv_stats(tag.usage)))
        writer.writerow((TOTAL, *_csv_stats(report.total)))
    return buffer.getvalue()


def report_to_dict(report: UsageReport) -> dict[str, Any]:
    return {
        "formatVersion": FORMAT_VERSION,
        "report": "usage",
        "organisation": report.organisation,
        "platform": report.api_url,
        "asOf": stamp(report.as_of),
        "token": report.token_email,
        "by": report.by,
        "from": report.date_from,
        "to": report.date_to,
        "timezone": report.timezone,
        "total": report.total.to_dict(),
        "units": [
            {
                "key": u.key,
                "name": u.name,
                "id": u.id,
                "usage": u.usage.to_dict(),
                "scopes": [
                    {
                        "scopeType": s.scope_type,
                        "key": s.key,
                        "name": s.name,
                        "id": s.id,
                        "usage": s.usage.to_dict(),
                    }
                    for s in u.scopes
                ],
            }
            for u in report.units
        ],
        "tags": [{"tag": t.tag, "usage": t.usage.to_dict()} for t in report.tags],
        "hiddenUnits": [{"key": u.key, "name": u.name, "reason": u.reason} for u in report.hidden],
    }


def render_json(report: UsageReport) -> str:
    return json.dumps(report_to_dict(report), indent=2, ensure_ascii=False) + "\n"
