"""The vocabulary is plain Python, and the config's roles models follow it."""

from __future__ import annotations

import subprocess
import sys

import pytest
from pydantic import BaseModel

from vcorg.config.models import MeetingRoomRoles, UnitRoles, WaitingAreaRoles
from vcorg.vocabulary import ROLES_BY_SCOPE, SCOPE_TYPES, roles_field


def test_vocabulary_imports_neither_pydantic_nor_pulumi() -> None:
    code = (
        "import sys, vcorg.vocabulary; "
        "print(sorted(m for m in ('pydantic', 'pulumi') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("scope", "model"),
    [("unit", UnitRoles), ("waiting-area", WaitingAreaRoles), ("meeting-room", MeetingRoomRoles)],
)
def test_roles_models_list_the_roles_of_their_scope(scope: str, model: type[BaseModel]) -> None:
    assert list(model.model_fields) == [roles_field(role) for role in ROLES_BY_SCOPE[scope]]


def test_every_scope_has_roles() -> None:
    assert set(ROLES_BY_SCOPE) == set(SCOPE_TYPES)
