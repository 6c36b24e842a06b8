"""The reviewed change set of the demo: examples/hospital → examples/hospital-v2."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import EXAMPLES, HOSPITAL, OrgStack, assert_converged, find_area, op_counts
from vcorg.config import load_config

pytestmark = pytest.mark.e2e

HOSPITAL_V2 = EXAMPLES / "hospital-v2"


def test_hospital_v2_change_set(fresh_stack: OrgStack) -> None:
    org = fresh_stack
    org.up(HOSPITAL)
    _, moved_before = find_area(org.platform.dump(), "Emergency Follow-up Clinic")

    # Rename, move (area + its role list), hours, +1 provider, −1 reporter; one room and
    # its two role lists go.
    preview = org.preview(HOSPITAL_V2)
    assert op_counts(preview.change_summary) == {"update": 6, "delete": 3}

    org.up(HOSPITAL_V2)
    dump = org.platform.dump()
    assert_converged(dump, load_config([HOSPITAL_V2]))
    unit, moved_after = find_area(dump, "Emergency Follow-up Clinic")
    assert unit["name"] == "Internal Medicine"
    assert (moved_after["id"], moved_after["link"]) == (moved_before["id"], moved_before["link"])
    reporters = [
        g
        for u in dump["units"]
        if u["name"] == "Emergency"
        for g in u["grants"]
        if g["role"] == "organisation-reporter" and g["email"].startswith("ed.quality")
    ]
    assert [g["state"] for g in reporters] == ["revoked"]
    assert op_counts(org.preview().change_summary) == {}
