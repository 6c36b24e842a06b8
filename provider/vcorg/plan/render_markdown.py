"""Markdown for a pull-request comment, kept under the comment size limit.

The summary and the risk flags always come first and are never cut. Detail follows,
one fenced `diff` block per unit, until the limit; a closing note says what was left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..visible import reveal
from .changes import RiskFlag
from .limits import MARKDOWN_LIMIT
from .rows import (
    CHANGES_HEADING,
    DRIFT_HEADING,
    NO_CHANGES,
    Row,
    RowKind,
    iter_rows,
    plan_drift_rows,
    risk_heading,
    summary_sentence,
)

if TYPE_CHECKING:
    from .model import Plan

TITLE = "## vcorg plan"
# Room kept for the truncation note and the closing fence of a cut block.
_NOTE_RESERVE = 600
# When the flags alone would crowd out everything, they are listed per id instead.
_FLAG_SHARE = 0.6

# `diff` highlighting only knows + - ! and space as a line's first character.
_DIFF_SIGNS = {"+": "+", "-": "-", "~": "!", "±": "!", "!": "!", "→": " ", "=": " ", "": " "}
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


def md_escape(text: str) -> str:
    """Escape text for Markdown prose so names cannot inject formatting or HTML."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def _diff_line(row: Row) -> str:
    # A move or an adoption has no diff colour; keep the sign in the text so it still
    # reads as one.
    text = f"{row.sign} {row.text}" if row.sign in ("→", "=") else row.text
    return f"{_DIFF_SIGNS.get(row.sign, ' ')} {'  ' * (row.level - 1)}{text}"


def _fence_for(lines: list[str]) -> str:
    longest = max((len(m) for line in lines for m in re.findall(r"`+", line)), default=0)
    return "`" * max(3, longest + 1)


def _unit_block(heading: Row, lines: list[str]) -> str:
    fence = _fence_for(lines)
    body = "".join(f"{line}\n" for line in lines)
    return f"#### {md_escape(heading.text)}\n\n{fence}diff\n{body}{fence}\n\n"


def _flag_item(flag: RiskFlag) -> str:
    return f"**{flag.id.value}**: {md_escape(reveal(flag.message))}"


def _flags_full(plan: Plan) -> str:
    items = "".join(f"- ⚠️ {_flag_item(f)}\n" for f in plan.risk_flags)
    return f"### {risk_heading(len(plan.risk_flags)).rstrip(':')}\n\n{items}\n"


def _flags_compact(plan: Plan, budget: int) -> str:
    """Every flag id with its count, then an even share of each id's messages that fits."""
    by_id: dict[str, list[RiskFlag]] = {}
    for f in plan.risk_flags:
        by_id.setdefault(f.id.value, []).append(f)
    head = [f"### {risk_heading(len(plan.risk_flags)).rstrip(':')}\n\n"]
    head.extend(f"- ⚠️ **{rid}**: {len(flags):,}\n" for rid, flags in by_id.items())
    head.append("\n")
    room = budget - sum(map(len, head)) - 200  # 200: the closing sentence
    items: list[str] = []
    shown = 0
    for i, flags in enumerate(by_id.values()):
        share = room // (len(by_id) - i)  # unused room passes on to later ids
        used = 0
        for f in flags:
            line = f"- {_flag_item(f)}\n"
            if used + len(line) > share:
                break
            items.append(line)
            used += len(line)
            shown += 1
        room -= used
    tail = (
        f"\n_{len(plan.risk_flags) - shown:,} more risk flags are not itemised here "
        "(every one is counted above); the full list is in the text and JSON plans._\n\n"
    )
    return "".join(head + items) + tail


def render_markdown(plan: Plan, *, limit: int = MARKDOWN_LIMIT) -> str:
    """The plan as a Markdown comment of at most *limit* characters."""
    if not plan.has_changes:
        if not plan.drift:
            return f"{NO_CHANGES}\n"
        # Only fields the console owns changed: shown, not counted.
        head = f"{TITLE}\n\n**{NO_CHANGES}**\n\n### {DRIFT_HEADING}\n\n"
        return head + detail_blocks(plan_drift_rows(plan), budget=limit - len(head), cut=_CUT_DRIFT)
    head = f"{TITLE}\n\n**{md_escape(summary_sentence(plan.summary))}**\n\n"
    if plan.risk_flags:
        flags = _flags_full(plan)
        if len(head) + len(flags) > limit * _FLAG_SHARE:
            flags = _flags_compact(plan, int(limit * _FLAG_SHARE) - len(head))
        head += flags
    if not plan.drift:
        head += f"### {CHANGES_HEADING}\n\n"
        return head + detail_blocks(iter_rows(plan), budget=limit - len(head), cut=_CUT_PLAN)
    # Drift first, then the changes; each gets an even share of what is left, and the
    # share drift does not use passes on to the changes.
    changes = list(iter_rows(plan))
    room = limit - len(head) - 2 * len(f"### {CHANGES_HEADING}\n\n")
    drift_budget = room // 2 if changes else room
    drift = f"### {DRIFT_HEADING}\n\n" + detail_blocks(
        plan_drift_rows(plan), budget=drift_budget, cut=_CUT_DRIFT
    )
    if not changes:
        return head + drift
    rest = limit - len(head) - len(drift) - len(f"### {CHANGES_HEADING}\n\n")
    return (
        head
        + drift
        + f"### {CHANGES_HEADING}\n\n"
        + detail_blocks(iter(changes), budget=rest, cut=_CUT_PLAN)
    )


@dataclass(frozen=True)
class Cut:
    """How the note at a cut words it: what is counted, what it fits, where the rest is."""

    counted: str
    fits: str
    rest: str


_CUT_PLAN = Cut(
    "changed resources",
    "a pull-request comment",
    "The summary and risk flags above are complete. "
    "Run `vcorg plan --format text` or `--format json` for the full plan.",
)
_CUT_DRIFT = Cut(
    "drifted objects",
    "a pull-request comment",
    "The summary above is complete. "
    "Run `vcorg drift --format text` or `--format json` for all of the drift.",
)


def detail_blocks(rows: Iterator[Row], *, budget: int, cut: Cut = _CUT_PLAN) -> str:
    """Unit blocks while they fit in *budget*, then a note on what was cut.

    *cut* names what is counted (``changed resources``) and where to find the rest.
    """
    groups: list[tuple[Row, list[Row]]] = []
    for row in rows:
        if row.kind is RowKind.UNIT:
            groups.append((row, []))
        else:
            groups[-1][1].append(row)
    total = sum(1 for _, rows in groups for r in rows if r.kind is RowKind.RESOURCE)

    out: list[str] = []
    used = 0
    shown_resources = shown_units = 0
    for heading, members in groups:
        lines = [_diff_line(r) for r in members]
        block = _unit_block(heading, lines)
        if used + len(block) + _NOTE_RESERVE <= budget:
            out.append(block)
            used += len(block)
            shown_units += 1
            shown_resources += sum(r.kind is RowKind.RESOURCE for r in members)
            continue
        partial, n = _partial_block(heading, members, budget - used - _NOTE_RESERVE)
        if partial:
            out.append(partial)
            shown_resources += n
        out.append(_cut_note(shown_resources, total, shown_units, len(groups), cut))
        break
    return "".join(out)


def _partial_block(heading: Row, rows: list[Row], room: int) -> tuple[str, int]:
    """As many whole resources of one unit as fit in *room*, and how many that is."""
    kept: list[str] = []
    resources = 0
    pending: list[str] = []
    for row in [*rows, None]:
        if row is None or row.kind is RowKind.RESOURCE:
            if pending and len(_unit_block(heading, kept + pending)) <= room:
                kept += pending
                resources += 1
            elif pending:
                break
            pending = []
        if row is not None:
            pending.append(_diff_line(row))
    if not kept:
        return "", 0
    return _unit_block(heading, kept), resources


def _cut_note(shown: int, total: int, shown_units: int, units: int, cut: Cut) -> str:
    return (
        f"> **Detail truncated** to fit {cut.fits}: it shows {shown:,} of "
        f"{total:,} {cut.counted} ({shown_units:,} of {units:,} units complete). "
        f"{cut.rest}\n\n"
    )
