"""`DriftReport` as text (terminal, logs), Markdown (a GitHub issue body) and JSON.

The drifted resources are drawn with the plan's own row iterator
(`vcorg.plan.rows.drift_rows`), so drift reads the same in a plan and here; each row
ends with who made the change.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from vcorg.plan.limits import MARKDOWN_LIMIT
from vcorg.plan.render_json import drift_to_dict
from vcorg.plan.render_markdown import Cut, detail_blocks, md_escape
from vcorg.plan.render_text import row_lines
from vcorg.plan.rows import Row, drift_rows
from vcorg.visible import reveal, reveal_json

from .audit import Attribution, show_time
from .audit import rfc3339 as _rfc3339
from .report import DriftReport
from .unmanaged import Unmanaged, total
from .words import (
    DRIFT_SECTION,
    NEXT_STEPS,
    TITLE,
    UNMANAGED_SECTION,
    annotation,
    audit_sentence,
    context_sentence,
    coverage_sentence,
    headline,
    unmanaged_text,
)

FORMAT_VERSION = 1


def _rows(report: DriftReport) -> Iterator[Row]:
    return drift_rows(
        report.drift,
        dict(report.unit_names),
        annotate=lambda d, item: annotation(report, d, item),
    )


# -- text -----------------------------------------------------------------------------


def styled_lines(report: DriftReport) -> Iterator[tuple[str, str]]:
    yield headline(report), "bold red" if report.has_drift else "bold green"
    yield coverage_sentence(report), ""
    yield context_sentence(report), "dim"
    yield audit_sentence(report), "dim"
    if report.drift:
        yield "", ""
        yield f"{DRIFT_SECTION}:", "bold"
        yield from row_lines(_rows(report), indent=1)
    if report.unmanaged:
        yield "", ""
        yield f"{UNMANAGED_SECTION}:", "bold"
        for u in report.unmanaged:
            sign = " " if u.ignored is not None else "+"
            yield f"  {sign} {reveal(unmanaged_text(report, u))}", "" if u.ignored else "green"
    if report.has_drift:
        yield "", ""
        yield f"What to do: {NEXT_STEPS}", ""


def render_text(report: DriftReport) -> str:
    return "".join(f"{line}\n" for line, _ in styled_lines(report))


# -- Markdown -------------------------------------------------------------------------

_NOTE_RESERVE = 400
_CUT = Cut(
    "drifted objects",
    "a GitHub issue",
    "The summary above is complete. "
    "Run `vcorg drift --format text` or `--format json` for all of the drift.",
)


def render_markdown(report: DriftReport, *, limit: int = MARKDOWN_LIMIT) -> str:
    """An issue body of at most *limit* characters: summary first, cuts stated."""
    head = (
        f"## {TITLE}: {md_escape(report.organisation)}\n\n"
        f"**{md_escape(headline(report))}**\n\n"
        f"{_coverage_table(report)}\n"
        f"{md_escape(context_sentence(report))}\n\n"
        f"{md_escape(audit_sentence(report))}\n\n"
    )
    # NEXT_STEPS is vcorg's own text, with `code` spans on purpose: not escaped.
    tail = f"### What to do\n\n{NEXT_STEPS}\n" if report.has_drift else ""
    room = limit - len(head) - len(tail)
    body = ""
    if report.drift:
        section = f"### {DRIFT_SECTION}\n\n"
        share = room if not report.unmanaged else room * 2 // 3
        body += section + detail_blocks(_rows(report), budget=share - len(section), cut=_CUT)
    if report.unmanaged:
        section = f"### {md_escape(UNMANAGED_SECTION)}\n\n"
        body += section + _unmanaged_list(report, room - len(body) - len(section))
    return head + body + tail


def _coverage_table(report: DriftReport) -> str:
    lines = [
        "| kind | managed | unmanaged | ignored | all | coverage |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for c in [*report.coverage, total(report.coverage)]:
        name = "**all**" if c.kind == "all" else c.kind
        lines.append(
            f"| {name} | {c.managed:,} | {c.unmanaged:,} | {c.ignored:,} | {c.total:,} | "
            f"{c.percent:.1f}% |"
        )
    return "\n".join(lines) + "\n"


def _unmanaged_list(report: DriftReport, budget: int) -> str:
    out: list[str] = []
    used = 0
    for shown, u in enumerate(report.unmanaged):
        mark = "ignored: " if u.ignored is not None else ""
        line = f"- {mark}{md_escape(reveal(unmanaged_text(report, u)))}\n"
        if used + len(line) + _NOTE_RESERVE > budget:
            out.append(
                f"\n> **List truncated** to fit a GitHub issue: it shows {shown:,} of "
                f"{len(report.unmanaged):,} unmanaged objects. The counts above are complete. "
                "Run `vcorg drift --format text` or `--format json` for all of them.\n"
            )
            break
        out.append(line)
        used += len(line)
    return "".join(out) + "\n"


# -- JSON -----------------------------------------------------------------------------


def report_to_dict(report: DriftReport) -> dict[str, Any]:
    """The shape of `schemas/drift.schema.json`."""
    c = report.counts
    last = report.last_update
    window = report.audit
    return {
        "formatVersion": FORMAT_VERSION,
        "organisation": report.organisation,
        "stack": report.stack,
        "apiUrl": report.api_url,
        "checkedAt": _rfc3339(report.checked_at),
        "hasDrift": report.has_drift,
        "headline": headline(report),
        "summary": {
            "drifted": c.drifted,
            "changed": c.changed,
            "deleted": c.deleted,
            "peopleAdded": c.people_added,
            "peopleRemoved": c.people_removed,
            "invitationsExpired": c.invitations_expired,
            "consoleOwnedChanges": c.console_owned,
            "unmanaged": c.unmanaged,
            "ignored": c.ignored,
            "managedResources": report.managed,
            "notVisible": report.not_visible,
        },
        "lastApply": None
        if last is None
        else {
            "kind": last.kind,
            "startedAt": _rfc3339(last.started_at),
            "endedAt": _rfc3339(last.ended_at) if last.ended_at else None,
            "result": last.result,
        },
        "attribution": {
            "available": window.available,
            "since": _rfc3339(window.since) if window.since else None,
            "events": window.events,
            "requests": window.requests,
            "complete": window.complete,
            "reason": window.reason,
        },
        "coverage": [
            {
                "kind": cov.kind,
                "managed": cov.managed,
                "unmanaged": cov.unmanaged,
                "ignored": cov.ignored,
                "total": cov.total,
                "percent": cov.percent,
            }
            for cov in [*report.coverage, total(report.coverage)]
        ],
        "drift": [_drift(report, d) for d in report.drift],
        "unmanaged": [_unmanaged(report, u) for u in report.unmanaged],
    }


def _drift(report: DriftReport, d: Any) -> dict[str, Any]:
    out = drift_to_dict(d, report.unit_names.get(d.unit_key, d.unit_key))
    del out["reverted"]
    out["changedBy"] = _attribution(report.attribution(d, None))
    for item, prop in zip(out["properties"], d.properties, strict=True):
        item["changedBy"] = _attribution(report.attribution(d, prop))
    for item, member in zip(out["members"], d.members, strict=True):
        item["changedBy"] = _attribution(report.attribution(d, member))
    return out


def _unmanaged(report: DriftReport, u: Unmanaged) -> dict[str, Any]:
    out: dict[str, Any] = {
        "kind": u.kind,
        "id": u.id,
        "name": u.name,
        "unitId": u.unit_id,
        "unitName": u.unit_name,
        "createdAt": u.created_at,
        "ignored": None
        if u.ignored is None
        else {"pattern": u.ignored.pattern, "reason": u.ignored.reason},
        "configKey": u.config_key,
        "createdBy": None
        if u.ignored is not None
        else _attribution(report.attributions.get(("unmanaged", u.id))),
    }
    if u.kind == "grant":
        out.update(
            role=u.role,
            scopeType=u.scope_type,
            scopeId=u.scope_id,
            scopeName=u.scope_name,
            state=u.state,
            grantedBy=u.granted_by,
        )
    return out


def _attribution(found: Attribution | None) -> dict[str, Any] | None:
    if found is None:
        return None
    return {
        "status": found.status.value,
        "actor": found.actor,
        "at": found.at,
        "action": found.action,
        "reason": found.reason,
        "text": found.text(),
    }


def render_json(report: DriftReport) -> str:
    return reveal_json(json.dumps(report_to_dict(report), indent=2, ensure_ascii=False)) + "\n"


__all__ = ["render_json", "render_markdown", "render_text", "report_to_dict", "show_time"]
