"""The one shape every configuration (and later-stage) problem takes.

A `Problem` is data first: a stable kebab-case ``id`` that tests and future
switches can rely on, a position, a dotted path into the config, and a message
for an admin. Renderers in `vcorg.config.report` print lists of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the configuration, pointing at a line."""

    id: str
    file: str
    line: int
    column: int
    path: str
    message: str
    severity: Severity = Severity.ERROR

    def sort_key(self) -> tuple[str, int, int, str, str, str]:
        return (self.file, self.line, self.column, self.path, self.id, self.message)

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": self.path,
            "message": self.message,
            "severity": self.severity.value,
        }

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return (
            f"{self.file}:{self.line}:{self.column}: {self.severity.value}: {where}{self.message}"
        )


def sorted_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Problems in report order (file, line, column), without exact duplicates."""
    return sorted(set(problems), key=Problem.sort_key)


class ConfigError(Exception):
    """The configuration is invalid; ``problems`` lists every reason, sorted."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted_problems(problems)
        errors = sum(1 for p in self.problems if p.severity is Severity.ERROR)
        first = f": {self.problems[0]}" if self.problems else ""
        super().__init__(f"{errors} error(s) in the configuration{first}")
