"""Caller details and reporting tags: keys and tags that reports can tell apart."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from vcorg.config.models import CallerDetail, OrgConfig
from vcorg.config.positions import SourceMap
from vcorg.config.problem import Problem, Severity
from vcorg.config.rules.base import Finding, area_path, placed, problem, waiting_areas

IDS = {
    "duplicate-caller-detail-key": "Caller-detail keys are unique within their waiting area.",
    "reserved-caller-detail-key": "`name` and `phone` are always asked; they cannot be added.",
    "duplicate-reporting-tag": "A reporting tag is listed once per unit or waiting area.",
    "suspended-without-message": (
        "Warning: a suspended waiting area should tell callers why (`suspendedMessageForCallers`)."
    ),
}

# The platform always asks for these itself.
RESERVED_CALLER_KEYS = frozenset({"name", "phone"})


def caller_details(config: OrgConfig, sources: SourceMap) -> Iterator[Problem]:
    for unit_key, _, key, area in waiting_areas(config):
        yield from placed(sources, area_path(unit_key, key), caller_keys(area.caller_details))


def caller_keys(details: Sequence[CallerDetail]) -> Iterator[Finding]:
    """Caller-detail keys of one waiting area: unique, and not one the platform asks itself."""
    seen: dict[str, int] = {}
    for index, detail in enumerate(details or ()):
        if detail is None or detail.key is None:
            continue  # failed the schema (a hole, see vcorg.config.salvage)
        parts = ("callerDetails", index, "key")
        if detail.key.lower() in RESERVED_CALLER_KEYS:
            yield Finding(
                "reserved-caller-detail-key",
                parts,
                f"{detail.key!r} is always asked by the platform; remove this entry",
            )
        elif detail.key in seen:
            yield Finding(
                "duplicate-caller-detail-key",
                parts,
                f"caller-detail key {detail.key!r} is already used by item {seen[detail.key]}",
            )
        else:
            seen[detail.key] = index


def repeated_tags(tags: Sequence[str]) -> Iterator[Finding]:
    """The reporting tags of one unit or waiting area, each listed once."""
    seen: set[str] = set()
    for index, tag in enumerate(tags or ()):
        if tag is None:
            continue
        if tag in seen:
            yield Finding(
                "duplicate-reporting-tag",
                ("reportingTags", index),
                f"reporting tag {tag!r} is listed twice",
            )
        seen.add(tag)


def reporting_tags(config: OrgConfig, sources: SourceMap) -> Iterator[Problem]:
    for unit_key, unit in config.units.items():
        yield from placed(sources, ("units", unit_key), repeated_tags(unit.reporting_tags))
    for unit_key, _, key, area in waiting_areas(config):
        yield from placed(sources, area_path(unit_key, key), repeated_tags(area.reporting_tags))


def suspended_messages(config: OrgConfig, sources: SourceMap) -> Iterator[Problem]:
    """A warning only: suspending without telling callers why is allowed but unkind."""
    for unit_key, _, key, area in waiting_areas(config):
        if area.suspended is True and area.suspended_message_for_callers == "":
            yield problem(
                sources,
                "suspended-without-message",
                (*area_path(unit_key, key), "suspended"),
                "the area is suspended but suspendedMessageForCallers is empty; "
                "service users will not know why or what to do",
                severity=Severity.WARNING,
            )


RULES = (caller_details, reporting_tags, suspended_messages)
