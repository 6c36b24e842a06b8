"""Markdown stays under the PR-comment limit: detail is cut, summary and flags are not."""

from __future__ import annotations

import re

from tests.plan.plan_scenario import meeting_room, step, waiting_area
from vcorg.plan import MARKDOWN_LIMIT, build_plan


def _big_change_set(units: int, areas_per_unit: int, deleted_rooms: int) -> list:
    steps = []
    for u in range(units):
        unit_key = f"unit-{u:03d}"
        for a in range(areas_per_unit):
            key = f"{unit_key}-area-{a:03d}"
            old = waiting_area(key, unit_key, f"Area {a}", description="Mornings only")
            new = waiting_area(
                key,
                unit_key,
                f"Area {a} (renamed)",
                description="Mornings and evenings",
                reportingTags=["busy"],
            )
            steps.append(step("WaitingArea", key, "update", old, new))
    for r in range(deleted_rooms):
        key = f"room-{r:04d}"
        steps.append(
            step(
                "MeetingRoom",
                key,
                "delete",
                meeting_room(key, f"unit-{r % units:03d}", f"Room {r}"),
                None,
            )
        )
    return steps


def test_thousands_of_changes_fit_with_summary_and_every_flag() -> None:
    plan = build_plan(_big_change_set(units=40, areas_per_unit=75, deleted_rooms=150))
    assert plan.summary.updates == 3000 and plan.summary.deletes == 150
    md = plan.to_markdown()
    assert len(md) <= MARKDOWN_LIMIT
    assert md.startswith(
        "## vcorg plan\n\n**Plan: 0 to create, 3,000 to update, 0 to replace, "
        "150 to delete, 0 drifted;"
    )
    # 150 deletions raise 300 flags (deletion + link change); all are itemised.
    assert len(plan.risk_flags) == 300
    assert md.count("- ⚠️ **deletion**:") == 150
    assert md.count("- ⚠️ **service-user-link-change**:") == 150
    note = re.search(r"it shows ([\d,]+) of ([\d,]+) changed resources", md)
    assert note is not None
    shown, total = (int(n.replace(",", "")) for n in note.groups())
    assert total == 3150 and 0 < shown < total
    # Each shown resource is whole: its header count matches what the note says.
    assert md.count("\n! update waiting area") + md.count("\n- delete meeting room") == shown
    assert md.rstrip().endswith("for the full plan.")
    # Fences are balanced, so the cut never leaves a code block open.
    assert md.count("```diff") == md.count("\n```\n")


def test_flags_alone_over_the_limit_are_counted_per_id_and_partly_itemised() -> None:
    plan = build_plan(_big_change_set(units=5, areas_per_unit=1, deleted_rooms=2000))
    md = plan.to_markdown()
    assert len(md) <= MARKDOWN_LIMIT
    assert "- ⚠️ **deletion**: 2,000\n" in md
    assert "- ⚠️ **service-user-link-change**: 2,000\n" in md
    assert "more risk flags are not itemised here" in md
    # Each kind of flag gets its share of the itemised list, not only the first kind.
    assert md.count("\n- **deletion**: ") > 50
    assert md.count("\n- **service-user-link-change**: ") > 50
    assert "**Plan: 0 to create, 5 to update, 0 to replace, 2,000 to delete" in md


def test_small_plans_are_not_truncated() -> None:
    plan = build_plan(_big_change_set(units=2, areas_per_unit=3, deleted_rooms=1))
    md = plan.to_markdown()
    assert "truncated" not in md
    assert md.count("\n! update waiting area") == 6


def test_a_tight_limit_is_respected() -> None:
    plan = build_plan(_big_change_set(units=3, areas_per_unit=10, deleted_rooms=0))
    md = plan.to_markdown(limit=3000)
    assert len(md) <= 3000
    assert "Detail truncated" in md
