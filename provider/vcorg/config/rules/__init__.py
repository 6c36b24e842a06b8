"""Semantic rules: what the JSON Schema cannot say.

A rule is a function ``(config, sources) -> Iterable[Problem]``. Rules report;
they never raise, so one run shows every problem. Each problem carries a stable
kebab-case id (listed by `rule_ids()`) that tests pin and that could later be
used to switch a rule off.

The checks that need only one setting's value are written as functions of that value
(`setting_findings`), so the resources' ``check()`` runs the very same rules on the
inputs it is given.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from pydantic import BaseModel

from vcorg.config.models import OrgConfig, Unit, WaitingArea
from vcorg.config.positions import SourceMap
from vcorg.config.problem import Problem
from vcorg.config.rules import details, hours, identity, people
from vcorg.config.rules.base import Finding, Rule

RULES: tuple[Rule, ...] = (
    *identity.RULES,
    *people.RULES,
    *hours.RULES,
    *details.RULES,
)


def run_rules(config: OrgConfig, sources: SourceMap) -> list[Problem]:
    """Every problem every rule finds, in no particular order."""
    found: list[Problem] = []
    for rule in RULES:
        found.extend(rule(config, sources))
    return found


# (model, field) -> the errors its value alone can show, at paths relative to the object.
SETTING_CHECKS: dict[tuple[type[BaseModel], str], Callable[[Any], Iterable[Finding]]] = {
    (Unit, "reporting_tags"): details.repeated_tags,
    (WaitingArea, "reporting_tags"): details.repeated_tags,
    (WaitingArea, "caller_details"): details.caller_keys,
    (WaitingArea, "access_hours"): hours.open_blocks,
}


def setting_findings(model: type[BaseModel], field: str, value: Any) -> Iterator[Finding]:
    """The errors in one (valid) setting of a unit, waiting area or meeting room."""
    check = SETTING_CHECKS.get((model, field))
    if check is not None and value is not None:
        yield from check(value)


def rule_ids() -> Iterable[str]:
    """Ids of the semantic rules (checks beyond the schema)."""
    for module in (identity, people, hours, details):
        yield from module.IDS


def catalogue() -> dict[str, str]:
    """Every problem id vcorg's config stage can report, with what it checks."""
    from vcorg.config.load import FILE_IDS
    from vcorg.config.schema_errors import SCHEMA_IDS
    from vcorg.config.yamlload import YAML_IDS

    found: dict[str, str] = {**YAML_IDS, **FILE_IDS, **SCHEMA_IDS}
    for module in (identity, people, hours, details):
        found.update(module.IDS)
    return found
