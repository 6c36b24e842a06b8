"""What an export cannot express, object by object, and what that means for the admin.

Nothing is dropped silently. Leaving something out of the configuration never changes
it on the platform: vcorg only manages what a configuration declares, so an object left
out stays as it is (vcorg neither changes nor deletes it), a role left out is not
managed, and a platform setting the configuration has no word for is never sent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

OBJECT_LEFT_OUT = (
    "left out of the export, so vcorg will not manage it (it neither changes nor deletes it)"
)
CHILDREN_LEFT_OUT = "so it is left out too, and vcorg will not manage it"
ROLE_LEFT_OUT = "this role is left out of the export, so vcorg will not manage who holds it"
FIELD_LEFT_OUT = (
    "the configuration has no such setting: left out, and vcorg leaves it as it is on the platform"
)


@dataclass(frozen=True)
class Loss:
    """One thing left out: which object, what, and the consequence."""

    subject: str
    what: str
    consequence: str

    def __str__(self) -> str:
        return f"{self.subject}: {self.what}; {self.consequence}"


def show(value: Any, limit: int = 60) -> str:
    """A value short enough for a one-line warning."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"
