"""Semantic rules: what the JSON Schema cannot say.

A rule is a function ``(config, sources) -> Iterable[Problem]``. Rules report;
they never raise, so one run shows every problem. Each problem carries a stable
kebab-case id (listed in ``RULE_IDS``) that tests pin and that could later be
used to switch a rule off.
"""

from __future__ import annotations

from collections.abc import Iterable

from vcorg.config.models import OrgConfig
from vcorg.config.positions import SourceMap
from vcorg.config.problem import Problem
from vcorg.config.rules import details, hours, identity, people
from vcorg.config.rules.base import Rule

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
