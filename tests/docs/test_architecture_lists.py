"""docs/architecture.md's "how to add" sections name the files a change really touches.

- "How to add a setting": every file it names exists, and the worked example,
  `maxQueueLength`, is named by no source or schema file outside that list.
- "How to add a resource kind": its list of existing files is exactly the set of source
  files that name all three object kinds (unit, waiting area, meeting room) side by side.
"""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "architecture.md"
SOURCES = ("provider/vcorg", "server/vcplatform")

KINDS = {
    "unit": re.compile(r"\bUnits?\b|\bUNITS?\b|OrganisationalUnit|\"unit\""),
    "waiting area": re.compile(r"WaitingArea|WAITING_AREAS?\b|waiting[-_]areas?"),
    "meeting room": re.compile(r"MeetingRoom|MEETING_ROOMS?\b|meeting[-_]rooms?"),
}


def _section(title: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index(f"## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def _paths(section: str) -> set[str]:
    """Repository file paths in backticks; placeholders such as `<kind>` are skipped."""
    words = re.findall(r"`([^`\s]+)`", section)
    return {w for w in words if "/" in w and "<" not in w and not w.endswith("/")}


def _source_files() -> list[Path]:
    return sorted(p for root in SOURCES for p in (REPO / root).rglob("*.py"))


def test_setting_files_exist_and_are_the_only_ones_naming_the_example() -> None:
    listed = _paths(_section("How to add a setting"))
    missing = sorted(p for p in listed if not (REPO / p).exists())
    assert missing == [], f"docs/architecture.md names files that do not exist: {missing}"
    candidates = [*_source_files(), *(REPO / "schemas").glob("*.json")]
    naming = {
        str(p.relative_to(REPO))
        for p in candidates
        if re.search(r"maxQueueLength|max_queue_length", p.read_text(encoding="utf-8"))
    }
    assert naming, "the worked example maxQueueLength is gone: update the section"
    unlisted = sorted(naming - listed)
    assert unlisted == [], (
        f"files name maxQueueLength but 'How to add a setting' does not: {unlisted}"
    )


def test_resource_kind_list_is_every_file_that_names_all_kinds() -> None:
    section = _paths(_section("How to add a resource kind"))
    listed = {p for p in section if p.endswith(".py") and p.startswith(SOURCES)}
    missing = sorted(p for p in listed if not (REPO / p).exists())
    assert missing == [], f"docs/architecture.md names files that do not exist: {missing}"
    naming_all = {
        str(p.relative_to(REPO))
        for p in _source_files()
        if "migrations" not in p.parts
        and all(kind.search(p.read_text(encoding="utf-8")) for kind in KINDS.values())
    }
    assert naming_all - listed == set(), "add these to 'How to add a resource kind'"
    assert listed - naming_all == set(), "these no longer name every kind: drop them"
