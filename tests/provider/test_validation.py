"""check() helpers: one failure per problem, each with its property path."""

from __future__ import annotations

from typing import Any

import pytest

from vcorg.resources import RoleMembersProvider, UnitProvider, WaitingAreaProvider
from vcorg.resources.props import changed_fields, is_unknown, same


def area(**extra: Any) -> dict[str, Any]:
    return {
        "organisation": "metro",
        "key": "clinic",
        "unitKey": "unit",
        "unitId": "unit_1",
        "name": "Clinic",
        "type": "regular",
        "accessHours": {"timezone": "UTC", "open": []},
        "callerDetails": [],
        **extra,
    }


@pytest.mark.parametrize(
    ("extra", "paths"),
    [
        ({}, []),
        ({"type": "walk-in"}, ["type"]),
        (
            {"callerDetails": [{"key": "dob", "label": "DOB"}, {"key": "dob", "label": "X"}]},
            ["callerDetails[1].key"],
        ),
        (
            {"callerDetails": [{"key": "a", "label": " ", "type": "colour"}]},
            ["callerDetails[0].label", "callerDetails[0].type"],
        ),
        ({"accessHours": {"open": []}}, ["accessHours.timezone"]),
        ({"suspended": "yes"}, ["suspended"]),
        ({"informationForCallers": "x" * 2001}, ["informationForCallers"]),
        ({"name": ""}, ["name"]),
    ],
)
def test_waiting_area_paths(extra: dict[str, Any], paths: list[str]) -> None:
    result = WaitingAreaProvider().check({}, area(**extra))
    assert [f.property for f in result.failures] == paths


def test_role_members_normalise_emails() -> None:
    news = {
        "organisation": "metro",
        "unitKey": "u",
        "scopeType": "unit",
        "scopeKey": "u",
        "scopeId": "unit_1",
        "role": "organisation-reporter",
        "emails": ["B@x.org", "a@x.org", "b@X.org "],
    }
    result = RoleMembersProvider().check({}, news)
    assert result.failures == []
    assert result.inputs["emails"] == ["a@x.org", "b@x.org"]


def test_unit_tags_limit() -> None:
    news = {"organisation": "metro", "key": "u", "name": "U", "reportingTags": ["t"] * 21}
    failures = UnitProvider().check({}, news).failures
    assert [(f.property, f.reason) for f in failures] == [
        ("reportingTags", "has 21 items; at most 20 are allowed")
    ]


def test_comparisons_treat_none_and_empty_text_alike_and_unknown_as_changed() -> None:
    assert same(None, "")
    assert same({"b": 1, "a": [None]}, {"a": [""], "b": 1.0})
    assert not same(["a", "b"], ["b", "a"])
    unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
    assert is_unknown({"x": [unknown]})
    assert changed_fields({"a": 1, "b": 2}, {"a": 1, "b": unknown}, ["a", "b"]) == ["b"]
