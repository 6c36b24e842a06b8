"""The access review as text (terminal), Markdown (a ticket or wiki), CSV and JSON.

Text and Markdown share one walk (`unit_tables`); CSV is one row per person per scope
(a second role on the same scope is a second row) for a spreadsheet; JSON follows
schemas/report-access.schema.json.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from .platform import hidden_note
from .tables import markdown_table, md_escape, text_table

if TYPE_CHECKING:
    from .access import AccessEntry, AccessReport, Flag, UnitAccess

FORMAT_VERSION = 1
COLUMNS = ("person", "role", "scope", "state", "invited", "accepted", "sent", "in config", "flags")
CSV_COLUMNS = (
    "unit",
    "unit_key",
    "email",
    "role",
    "scope_type",
    "scope",
    "scope_key",
    "state",
    "invited_at",
    "accepted_at",
    "send_count",
    "granted_by_config",
    "granted_by",
    "flags",
)


def stamp(value: datetime | None) -> str | None:
    """RFC 3339 in UTC to the second, e.g. 2026-11-29T08:16:13Z."""
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _day(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d") if value else "-"


def headline(report: AccessReport) -> str:
    s = report.summary
    return (
        f"{s.units} unit{_s(s.units)}, {s.people} {'person' if s.people == 1 else 'people'}, "
        f"{s.grants} grant{_s(s.grants)} ({s.active} active, {s.pending} pending, "
        f"{s.expired} expired); {s.flags} flag{_s(s.flags)}"
    )


def _s(count: int) -> str:
    return "" if count == 1 else "s"


def flag_line(flag: Flag) -> str:
    return f"{flag.kind.value}: {flag.message}"


def _cells(entry: AccessEntry) -> tuple[str, ...]:
    return (
        entry.email,
        entry.role.replace("-", " "),
        entry.scope_title,
        entry.state,
        _day(entry.invited_at),
        _day(entry.accepted_at),
        str(entry.send_count),
        "yes" if entry.in_config else "no",
        " ".join(kind.value for kind in entry.flags),
    )


def unit_tables(report: AccessReport) -> Iterator[tuple[UnitAccess, list[tuple[str, ...]]]]:
    """Each unit with the rows of its table (the same cells in text and Markdown)."""
    for unit in report.units:
        yield unit, [_cells(entry) for entry in unit.entries]


def _unit_caption(unit: UnitAccess) -> str:
    people, grants = len({e.email for e in unit.entries}), len(unit.entries)
    return f"{people} {'person' if people == 1 else 'people'}, {grants} grant{_s(grants)}"


def render_text(report: AccessReport) -> str:
    lines = [
        f"Access review of {report.organisation} on {report.api_url}, "
        f"as of {report.as_of.astimezone(UTC):%Y-%m-%d %H:%M} UTC",
        headline(report) + ".",
        "",
    ]
    if report.flags:
        lines.append(f"Flags ({len(report.flags)}):")
        lines += [f"  ! {flag_line(flag)}" for flag in report.flags]
    else:
        lines.append("Nothing flagged.")
    note = hidden_note(report.hidden, report.token_email)
    if note:
        lines += ["", note]
    for unit, rows in unit_tables(report):
        lines += ["", f"{unit.title}: {_unit_caption(unit)}"]
        if rows:
            lines += [f"  {line}" for line in text_table([c.upper() for c in COLUMNS], rows)]
        else:
            lines.append("  nobody holds a role here")
    return "\n".join(lines) + "\n"


def render_markdown(report: AccessReport) -> str:
    out = [
        f"## vcorg access review: {md_escape(report.organisation)}",
        "",
        f"- **As of:** {stamp(report.as_of)}",
        f"- **Platform:** {md_escape(report.api_url)}",
        f"- **Pending invitations flagged after:** {report.pending_older_than_days:g} days",
        "",
        f"**{md_escape(headline(report))}**",
        "",
    ]
    if report.flags:
        out += [f"### ⚠️ Flags ({len(report.flags)})", ""]
        out += [f"- {md_escape(flag_line(flag))}" for flag in report.flags]
    else:
        out.append("Nothing flagged.")
    note = hidden_note(report.hidden, report.token_email)
    if note:
        out += ["", f"> {md_escape(note)}"]
    for unit, rows in unit_tables(report):
        out += ["", f"### {md_escape(unit.title)}", "", f"{_unit_caption(unit)}.", ""]
        if rows:
            out += markdown_table([c.capitalize() for c in COLUMNS], rows)
    return "\n".join(out) + "\n"


def render_csv(report: AccessReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for unit in report.units:
        for e in unit.entries:
            writer.writerow(
                (
                    unit.name,
                    unit.key or "",
                    e.email,
                    e.role,
                    e.scope_type,
                    e.scope_name,
                    e.scope_key or "",
                    e.state,
                    stamp(e.invited_at) or "",
                    stamp(e.accepted_at) or "",
                    e.send_count,
                    "yes" if e.in_config else "no",
                    e.granted_by or "",
                    " ".join(kind.value for kind in e.flags),
                )
            )
    return buffer.getvalue()


def report_to_dict(report: AccessReport) -> dict[str, Any]:
    s = report.summary
    return {
        "formatVersion": FORMAT_VERSION,
        "report": "access",
        "organisation": report.organisation,
        "platform": report.api_url,
        "asOf": stamp(report.as_of),
        "token": report.token_email,
        "pendingOlderThanDays": report.pending_older_than_days,
        "hasFlags": report.has_flags,
        "summary": {
            "units": s.units,
            "people": s.people,
            "grants": s.grants,
            "active": s.active,
            "pending": s.pending,
            "expired": s.expired,
            "flags": s.flags,
        },
        "flags": [
            {
                "id": f.kind.value,
                "unit": None if f.unit_name is None else {"key": f.unit_key, "name": f.unit_name},
                "email": f.email,
                "message": f.message,
            }
            for f in report.flags
        ],
        "units": [
            {
                "key": u.key,
                "name": u.name,
                "id": u.id,
                "inConfiguration": u.in_config,
                "access": [_entry_dict(e) for e in u.entries],
            }
            for u in report.units
        ],
        "hiddenUnits": [{"key": u.key, "name": u.name, "reason": u.reason} for u in report.hidden],
    }


def _entry_dict(e: AccessEntry) -> dict[str, Any]:
    return {
        "email": e.email,
        "role": e.role,
        "scopeType": e.scope_type,
        "scopeId": e.scope_id,
        "scopeKey": e.scope_key,
        "scopeName": e.scope_name,
        "state": e.state,
        "invitedAt": stamp(e.invited_at),
        "acceptedAt": stamp(e.accepted_at),
        "sendCount": e.send_count,
        "inConfiguration": e.in_config,
        "grantedBy": e.granted_by,
        "grantId": e.grant_id,
        "flags": [kind.value for kind in e.flags],
    }


def render_json(report: AccessReport) -> str:
    return json.dumps(report_to_dict(report), indent=2, ensure_ascii=False) + "\n"
