"""Sentences shared by the text and Markdown renderings of a `DriftReport`."""

from __future__ import annotations

import json

from vcorg.plan.changes import MemberDrift, PropertyChange, ResourceDrift
from vcorg.plan.labels import role_label, scope_label

from .audit import show_time
from .report import DriftReport
from .unmanaged import Coverage, Unmanaged, kind_words, total

TITLE = "vcorg drift"
DRIFT_SECTION = "Changed outside vcorg since the last apply"
UNMANAGED_SECTION = "Unmanaged objects (on the platform, in no configuration)"


def _n(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


def headline(report: DriftReport) -> str:
    """`Drift found: 1 changed, 0 deleted, ...` or `No drift: ...`; counts always given."""
    c = report.counts
    lead = "Drift found" if report.has_drift else "No drift"
    return (
        f"{lead}: {c.changed:,} changed, {c.deleted:,} deleted, "
        f"{_n(c.people_added, 'person', 'people')} added, {c.people_removed:,} removed, "
        f"{_n(c.invitations_expired, 'invitation', 'invitations')} expired outside vcorg; "
        f"{_n(c.unmanaged, 'unmanaged object', 'unmanaged objects')}, {c.ignored:,} ignored; "
        f"{_n(c.console_owned, 'console-owned change', 'console-owned changes')} (not drift)."
    )


def coverage_part(c: Coverage) -> str:
    return f"{c.managed:,} of {kind_words(c.kind, c.total)} ({_percent(c.percent)})"


def coverage_sentence(report: DriftReport) -> str:
    """`Coverage: 3 of 4 units (75%), ...; 40 of 42 objects (95.2%).`"""
    parts = ", ".join(coverage_part(c) for c in report.coverage)
    everything = total(report.coverage)
    return (
        f"Coverage (managed ÷ all on the platform): {parts}; "
        f"{everything.managed:,} of {_n(everything.total, 'object', 'objects')} "
        f"({_percent(everything.percent)})."
    )


def _percent(value: float) -> str:
    return f"{value:.0f}%" if value == int(value) else f"{value:.1f}%"


def context_sentence(report: DriftReport) -> str:
    """Where and when, and what the comparison is against."""
    where = (
        f"Organisation {report.organisation!r} (stack {report.stack!r}) on {report.api_url}, "
        f"checked {show_time(report.checked_at)}"
    )
    if not report.state_exists or report.managed == 0:
        return f"{where}. vcorg manages nothing here yet: no apply has recorded any object."
    last = report.last_update
    when = f"{last.kind} at {show_time(last.started_at)}, " if last is not None else ""
    text = f"{where}, against the state of the last apply ({when}{report.managed:,} resources)."
    if report.not_visible:
        text += (
            f" {_n(report.not_visible, 'managed resource is', 'managed resources are')} not "
            f"visible to this token ({report.token_email}) and were not checked: a system "
            "administrator's token sees the whole organisation."
        )
    return text


def audit_sentence(report: DriftReport) -> str:
    window = report.audit
    if not window.needed:
        return "Nothing to attribute, so the audit log was not read."
    if not window.available:
        return f"Attribution unavailable: {window.reason}."
    more = "" if window.complete else f" (stopped after {window.events:,}: only partly read)"
    return (
        f"Attribution from the platform's audit log since {show_time(window.since)}: "
        f"{_n(window.events, 'event', 'events')} read in "
        f"{_n(window.requests, 'request', 'requests')}{more}."
    )


NEXT_STEPS = (
    "`vcorg apply` reverts what was changed outside vcorg (it reads the platform first) "
    "and re-sends expired invitations; fields the console owns are never reverted. For an "
    "unmanaged object: delete it in the console, declare it in the configuration "
    "(`vcorg apply --adopt` takes it over), or list it under `drift.ignoreUnmanaged`."
)


def annotation(
    report: DriftReport, d: ResourceDrift, item: PropertyChange | MemberDrift | None
) -> str:
    """`— by ana@x at … (waiting-area.update)` after a drift row, or '' for none."""
    found = report.attribution(d, item)
    return f"— {found.text()}" if found is not None else ""


def unmanaged_text(report: DriftReport, u: Unmanaged) -> str:
    """One line about an unmanaged object, with who made it or why it is ignored."""
    if u.kind == "grant":
        where = f"{scope_label(u.scope_type or '')} {_quote(u.scope_name or u.scope_id or '')}"
        if u.scope_type != "unit" and u.unit_name:
            where += f" in unit {_quote(u.unit_name)}"
        state = f", {u.state}" if u.state and u.state != "active" else ""
        text = f"grant: {u.name} as {role_label(u.role or '')} of {where}{state} ({u.id})"
    else:
        text = f"{kind_words(u.kind)} {_quote(u.name)}"
        if u.unit_name:
            text += f" in unit {_quote(u.unit_name)}"
        text += f" ({u.id})"
    if u.config_key:
        text += f"; the configuration declares it as {u.config_key!r} (not applied yet)"
    if u.ignored is not None:
        reason = f": {u.ignored.reason}" if u.ignored.reason else ""
        return f"{text}  — ignored by drift.ignoreUnmanaged {_quote(u.ignored.pattern)}{reason}"
    found = report.attributions.get(("unmanaged", u.id))
    return f"{text}  — {found.text()}" if found is not None else text


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)
