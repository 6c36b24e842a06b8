"""Property tests: rendering is deterministic and all formats carry the same counts."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.plan.plan_scenario import hours, meeting_room, role_members, step, unit, waiting_area
from vcorg.plan import MARKDOWN_LIMIT, NO_CHANGES, ResourceStep, build_plan

SCHEMA = json.loads((Path(__file__).parents[2] / "schemas" / "plan.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)

UNITS = ["cardiology", "dentistry", "housing"]
OPS = ["create", "update", "delete", "replace", "same", "read", "refresh-drift"]
names = st.sampled_from(["Alpha", "Beta", "Gamma", 'Quote "q"', "Back`tick", "Ünïcode *x*"])
tags = st.lists(st.sampled_from(["a", "b", "c", "d"]), unique=True, max_size=3)
emails = st.lists(
    st.sampled_from(["a@x.example", "b@x.example", "me@x.example"]), unique=True, max_size=3
)


@st.composite
def props_for(draw: st.DrawFn, kind: str, key: str) -> dict:
    unit_key = draw(st.sampled_from(UNITS))
    if kind == "OrganisationalUnit":
        return unit(key, draw(names), tags=draw(tags))
    if kind == "WaitingArea":
        return waiting_area(
            key,
            unit_key,
            draw(names),
            reportingTags=draw(tags),
            accessHours=hours(draw(st.sampled_from(["17:00", "18:00"]))),
        )
    if kind == "MeetingRoom":
        return meeting_room(key, unit_key, draw(names), maxParticipants=draw(st.integers(2, 6)))
    role = draw(st.sampled_from(["organisation-administrator", "organisation-reporter"]))
    return role_members(key, "unit", key, role, draw(emails))


@st.composite
def one_step(draw: st.DrawFn) -> ResourceStep:
    kind = draw(
        st.sampled_from(["OrganisationalUnit", "WaitingArea", "MeetingRoom", "RoleMembers"])
    )
    key = draw(
        st.sampled_from(
            UNITS if kind in ("OrganisationalUnit", "RoleMembers") else ["w1", "w2", "w3"]
        )
    )
    name = f"{key}.organisation-administrator" if kind == "RoleMembers" else key
    op = draw(st.sampled_from(OPS))
    old = None if op == "create" else draw(props_for(kind, key))
    new = None if op == "delete" else draw(props_for(kind, key))
    if op in ("same", "read"):
        new = old
    outs = draw(st.none() | st.fixed_dictionaries({"name": names}))
    return step(kind, name, op, old, new, outs, draw(st.none() | st.just({"name": "drifted"})))


steps_lists = st.lists(one_step(), max_size=25).map(
    lambda steps: list({s.urn: s for s in steps}.values())
)

_COUNTS = re.compile(
    r"Plan: ([\d,]+) to create, ([\d,]+) to update, ([\d,]+) to replace, ([\d,]+) to delete, "
    r"([\d,]+) drifted; ([\d,]+) (?:person|people) to invite, ([\d,]+) to remove; "
    r"([\d,]+) unchanged\."
)


def _counts(text: str) -> tuple[int, ...] | None:
    m = _COUNTS.search(text)
    return None if m is None else tuple(int(g.replace(",", "")) for g in m.groups())


def _risk_count(text: str) -> int:
    m = re.search(r"Risks \(([\d,]+)\)", text)
    return 0 if m is None else int(m.group(1).replace(",", ""))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps_lists, st.randoms(use_true_random=False), st.sampled_from([None, "ME@x.example"]))
def test_rendering_is_deterministic_and_formats_agree(steps, rnd, token) -> None:
    plan = build_plan(steps, token_email=token)
    text, md, js = plan.to_text(), plan.to_markdown(), plan.to_json()

    shuffled = list(steps)
    rnd.shuffle(shuffled)
    again = build_plan(shuffled, token_email=token)
    assert (again.to_text(), again.to_markdown(), again.to_json()) == (text, md, js)

    data = json.loads(js)
    VALIDATOR.validate(data)
    assert len(md) <= MARKDOWN_LIMIT
    tight = plan.to_markdown(limit=2500)
    assert len(tight) <= 2500
    assert _counts(tight) == _counts(md) and _risk_count(tight) == _risk_count(md)
    s = data["summary"]
    expected = (
        s["creates"],
        s["updates"],
        s["replaces"],
        s["deletes"],
        s["drifted"],
        s["peopleInvited"],
        s["peopleRemoved"],
        s["unchanged"],
    )
    if not data["hasChanges"]:
        assert text == md == f"{NO_CHANGES}\n"
        assert data["headline"] == NO_CHANGES
        return
    assert _counts(text) == _counts(md) == _counts(data["headline"]) == expected
    assert _risk_count(text) == _risk_count(md) == len(data["riskFlags"])
    ops = [st_.op.value for st_ in steps]
    assert s["creates"] == ops.count("create") and s["deletes"] == ops.count("delete")
    # Every changed resource appears once in JSON and once as a heading in the text;
    # drift is kept apart, once per drifted resource.
    resources = [r for u in data["units"] for r in u["resources"]]
    changed = sum(op in ("create", "update", "delete", "replace") for op in ops)
    assert len(resources) == changed
    headings = [
        ln for ln in text.splitlines() if re.match(r"  [-+~±] (create|update|delete|replace) ", ln)
    ]
    assert len(headings) == changed
    assert len(data["resourceDrift"]) == s["drifted"] == ops.count("refresh-drift")
    drift_lines = [ln for ln in text.splitlines() if re.search(r" outside vcorg( \(|$)", ln)]
    assert len(drift_lines) == s["drifted"]
    assert s["unchanged"] == sum(op in ("same", "read", "refresh-drift") for op in ops)
