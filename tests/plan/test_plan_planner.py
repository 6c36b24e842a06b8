"""Planner behaviour: property paths, list semantics, moves, people, markers, risk flags."""

from __future__ import annotations

import random

from tests.plan.plan_scenario import (
    PROVIDER,
    TOKEN_EMAIL,
    caller,
    hours,
    meeting_room,
    members_out,
    rich_change_set,
    role_members,
    same,
    step,
    unit,
    waiting_area,
)
from vcorg.plan import (
    SECRET,
    UNKNOWN,
    MemberAction,
    PropertyAction,
    PropertyChange,
    ResourceChange,
    RiskId,
    build_plan,
)

UNKNOWN_WIRE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


def _only(plan_steps: list, **kw: object) -> ResourceChange:
    plan = build_plan(plan_steps, **kw)  # type: ignore[arg-type]
    resources = [r for g in plan.units for r in g.resources]
    assert len(resources) == 1
    return resources[0]


def _flag_ids(plan_steps: list, **kw: object) -> list[str]:
    return [f.id.value for f in build_plan(plan_steps, **kw).risk_flags]  # type: ignore[arg-type]


def test_rename_is_one_property_change_with_old_and_new() -> None:
    c = _only(
        [
            step(
                "OrganisationalUnit",
                "cardiology",
                "update",
                unit("cardiology", "Cardiology"),
                unit("cardiology", "Cardiac Services"),
            )
        ]
    )
    assert c.properties == (
        PropertyChange("name", PropertyAction.CHANGE, "Cardiology", "Cardiac Services"),
    )


def test_access_hours_change_has_an_indexed_path() -> None:
    old = waiting_area("clinic", "cardiology", "Clinic")
    new = waiting_area("clinic", "cardiology", "Clinic", accessHours=hours("18:00"))
    c = _only([step("WaitingArea", "clinic", "update", old, new)])
    assert c.properties == (
        PropertyChange("accessHours.open[0].to", PropertyAction.CHANGE, "17:00", "18:00"),
    )


def test_days_and_tags_change_item_by_item_not_as_whole_lists() -> None:
    old = waiting_area("clinic", "u", "Clinic", reportingTags=["a", "b"])
    new_hours = {
        "timezone": "Europe/London",
        "open": [{"days": ["mon", "tue", "sat"], "from": "09:00", "to": "17:00"}],
    }
    new = waiting_area("clinic", "u", "Clinic", reportingTags=["b", "c"], accessHours=new_hours)
    c = _only([step("WaitingArea", "clinic", "update", old, new)])
    got = {(p.path, p.action.value, p.old if p.old is not None else p.new) for p in c.properties}
    assert got == {
        ("accessHours.open[0].days", "remove", "wed"),
        ("accessHours.open[0].days", "remove", "thu"),
        ("accessHours.open[0].days", "remove", "fri"),
        ("accessHours.open[0].days", "add", "sat"),
        ("reportingTags", "remove", "a"),
        ("reportingTags", "add", "c"),
    }


def test_reordered_tags_show_as_one_change() -> None:
    old = unit("u", "U", tags=["a", "b"])
    new = unit("u", "U", tags=["b", "a"])
    c = _only([step("OrganisationalUnit", "u", "update", old, new)])
    assert c.properties == (
        PropertyChange("reportingTags", PropertyAction.CHANGE, ["a", "b"], ["b", "a"]),
    )


def test_caller_details_are_matched_by_key() -> None:
    old = waiting_area("w", "u", "W", callerDetails=[caller("a", "A"), caller("b", "B")])
    new = waiting_area("w", "u", "W", callerDetails=[caller("b", "Bee"), caller("c", "C")])
    c = _only([step("WaitingArea", "w", "update", old, new)])
    assert [(p.path, p.action.value) for p in c.properties] == [
        ("callerDetails[a]", "remove"),
        ("callerDetails[b].label", "change"),
        ("callerDetails[c]", "add"),
    ]


def test_bool_and_int_are_not_confused() -> None:
    old = waiting_area("w", "u", "W", suspended=False)
    new = waiting_area("w", "u", "W", suspended=0)
    c = _only([step("WaitingArea", "w", "update", old, new)])
    assert c.properties == (PropertyChange("suspended", PropertyAction.CHANGE, False, 0),)


def test_provider_is_dropped_and_secrets_and_unknowns_become_markers() -> None:
    old = waiting_area("w", "u", "W", informationForCallers="hello")
    new = waiting_area("w", "u", "W", informationForCallers=PROVIDER, description=UNKNOWN_WIRE)
    c = _only([step("WaitingArea", "w", "update", old, new)])
    assert c.properties == (
        PropertyChange("description", PropertyAction.CHANGE, "", UNKNOWN),
        PropertyChange("informationForCallers", PropertyAction.CHANGE, "hello", SECRET),
    )
    plan = build_plan([step("WaitingArea", "w", "update", old, new)])
    text = plan.to_text()
    assert 'description: "" → (known after apply)' in text
    assert 'informationForCallers: "hello" → (secret)' in text
    assert "ciphertext" not in text and "__provider" not in text
    assert '{"$vcorg": "secret"}' in plan.to_json().replace("\n", "").replace("  ", "")


def test_plaintext_secret_never_reaches_the_plan() -> None:
    secret = {
        "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
        "plaintext": '"hunter2"',
    }
    new = waiting_area("w", "u", "W", description=secret)
    plan = build_plan([step("WaitingArea", "w", "create", None, new)])
    for rendered in (plan.to_text(), plan.to_markdown(), plan.to_json()):
        assert "hunter2" not in rendered


def test_hidden_ids_do_not_show_but_moves_do_under_both_units() -> None:
    old = waiting_area("hf", "cardiology", "Heart Failure")
    new = waiting_area("hf", "medicine", "Heart Failure", unitId=UNKNOWN_WIRE)
    plan = build_plan(
        [
            step("WaitingArea", "hf", "update", old, new),
            same("OrganisationalUnit", "cardiology", unit("cardiology", "Cardiology")),
            same("OrganisationalUnit", "medicine", unit("medicine", "Medicine")),
        ]
    )
    groups = {g.unit_key: g for g in plan.units}
    assert set(groups) == {"cardiology", "medicine"}
    moved = groups["medicine"].resources[0]
    assert moved.properties == ()
    assert moved.move is not None and moved.move.from_unit_name == "Cardiology"
    assert groups["cardiology"].moved_out[0].to_unit_key == "medicine"
    text = plan.to_text()
    assert 'moves from unit "Cardiology" (cardiology) to unit "Medicine" (medicine)' in text
    assert 'moves to unit "Medicine" (medicine) (listed there)' in text
    assert plan.summary.updates == 1


def test_people_are_invited_removed_and_pending_invitations_revoked() -> None:
    old = role_members(
        "housing",
        "unit",
        "housing",
        "organisation-reporter",
        ["kept@x.example", "gone@x.example", "pending@x.example"],
    )
    new = role_members(
        "housing", "unit", "housing", "organisation-reporter", ["kept@x.example", "New@X.example"]
    )
    out = members_out(
        {"kept@x.example": "active", "gone@x.example": "active", "pending@x.example": "pending"}
    )
    plan = build_plan(
        [
            step("RoleMembers", "housing.organisation-reporter", "update", old, new, out),
            same("OrganisationalUnit", "housing", unit("housing", "Housing")),
        ]
    )
    c = plan.units[0].resources[0]
    assert [(m.action, m.email) for m in c.members] == [
        (MemberAction.INVITE, "new@x.example"),
        (MemberAction.REMOVE, "gone@x.example"),
        (MemberAction.REVOKE, "pending@x.example"),
    ]
    assert c.properties == ()
    assert (plan.summary.people_invited, plan.summary.people_removed) == (1, 2)
    assert '+ invite new@x.example as organisation reporter of "Housing"' in plan.to_text()


def test_input_order_does_not_change_any_rendering() -> None:
    steps = rich_change_set()
    expected = build_plan(steps, token_email=TOKEN_EMAIL)
    rng = random.Random(7)
    for _ in range(5):
        rng.shuffle(steps)
        plan = build_plan(steps, token_email=TOKEN_EMAIL)
        assert plan.to_text() == expected.to_text()
        assert plan.to_markdown() == expected.to_markdown()
        assert plan.to_json() == expected.to_json()


def test_group_order_is_unit_then_waiting_areas_then_meeting_rooms() -> None:
    plan = build_plan(rich_change_set(), token_email=TOKEN_EMAIL)
    cardiology = next(g for g in plan.units if g.unit_key == "cardiology")
    assert [(r.type_name, r.key) for r in cardiology.resources] == [
        ("OrganisationalUnit", "cardiology"),
        ("RoleMembers", "cardiology.organisation-reporter"),
        ("WaitingArea", "cardiology-clinic"),
        ("RoleMembers", "cardiology-clinic.service-provider"),
        ("MeetingRoom", "case-review"),
        ("MeetingRoom", "mdt-huddle"),
        ("MeetingRoom", "weekly-safety"),
        ("RoleMembers", "weekly-safety.meeting-room-member"),
    ]


def test_same_and_read_are_counted_as_unchanged_only() -> None:
    plan = build_plan(
        [
            same("OrganisationalUnit", "u", unit("u", "U")),
            step("OrganisationalUnit", "v", "read", unit("v", "V"), unit("v", "V")),
        ]
    )
    assert not plan.has_changes
    assert plan.units == ()
    assert plan.summary.unchanged == 2


def test_drift_compares_outputs_of_configured_properties_only() -> None:
    props = unit("u", "U")
    old_out = {"id": "unit_1", "version": 3, "name": "U", "description": ""}
    new_out = {"id": "unit_1", "version": 4, "name": "U (renamed in console)", "description": ""}
    plan = build_plan(
        [step("OrganisationalUnit", "u", "refresh-drift", props, props, old_out, new_out)]
    )
    assert plan.units == ()
    [d] = plan.drift
    assert d.properties == (
        PropertyChange("name", PropertyAction.CHANGE, "U", "U (renamed in console)"),
    )


# --- risk flags -------------------------------------------------------------------------


def test_deleting_a_waiting_area_flags_deletion_and_its_link() -> None:
    ids = _flag_ids([step("WaitingArea", "w", "delete", waiting_area("w", "u", "W"), None)])
    assert ids == ["service-user-link-change", "deletion"]


def test_replacing_a_waiting_area_flags_its_link_but_not_a_deletion() -> None:
    old = waiting_area("w", "u", "W")
    ids = _flag_ids([step("WaitingArea", "w", "replace", old, old)])
    assert ids == ["service-user-link-change"]


def test_replaced_meeting_room_flags_link_change() -> None:
    old = meeting_room("r", "u", "R")
    new = meeting_room("r", "v", "R")
    assert _flag_ids([step("MeetingRoom", "r", "replace", old, new)]) == [
        "service-user-link-change"
    ]


def test_a_changed_link_output_on_update_is_flagged() -> None:
    props = meeting_room("r", "u", "R")
    s = step(
        "MeetingRoom",
        "r",
        "update",
        props,
        {**props, "description": "x"},
        {"link": "https://vc.example/room/old"},
        {"link": "https://vc.example/room/new"},
    )
    assert _flag_ids([s]) == ["service-user-link-change"]


def test_plain_updates_raise_no_flags() -> None:
    old = waiting_area("w", "u", "W")
    new = waiting_area("w", "u", "W", description="now with a description")
    assert _flag_ids([step("WaitingArea", "w", "update", old, new)]) == []


def _admins(unit_key: str, emails: list[str]) -> dict:
    return role_members(unit_key, "unit", unit_key, "organisation-administrator", emails)


def test_removing_the_last_admin_leaves_the_unit_without_one() -> None:
    plan = build_plan(
        [
            step(
                "RoleMembers",
                "h.organisation-administrator",
                "update",
                _admins("h", ["a@x.example"]),
                _admins("h", []),
            ),
            same("OrganisationalUnit", "h", unit("h", "Housing")),
        ]
    )
    assert [f.id for f in plan.risk_flags] == [
        RiskId.UNIT_WITHOUT_ADMINISTRATOR,
        RiskId.ADMINISTRATOR_REMOVED,
    ]
    assert plan.units_without_admin[0][:2] == ("h", "Housing")


def test_deleting_the_admin_set_of_a_remaining_unit_is_flagged() -> None:
    plan = build_plan(
        [
            step(
                "RoleMembers",
                "h.organisation-administrator",
                "delete",
                _admins("h", ["a@x.example"]),
                None,
            ),
        ]
    )
    assert [f.id.value for f in plan.risk_flags] == [
        "unit-without-administrator",
        "administrator-removed",
    ]


def test_removing_one_of_two_admins_only_flags_the_removal() -> None:
    plan = build_plan(
        [
            step(
                "RoleMembers",
                "h.organisation-administrator",
                "update",
                _admins("h", ["a@x.example", "b@x.example"]),
                _admins("h", ["b@x.example"]),
            ),
        ]
    )
    assert [f.id.value for f in plan.risk_flags] == ["administrator-removed"]
    assert plan.units_without_admin == ()


def test_deleting_a_whole_unit_does_not_flag_its_admins() -> None:
    plan = build_plan(
        [
            step("OrganisationalUnit", "h", "delete", unit("h", "Housing"), None),
            step(
                "RoleMembers",
                "h.organisation-administrator",
                "delete",
                _admins("h", ["a@x.example"]),
                None,
            ),
        ]
    )
    assert [f.id.value for f in plan.risk_flags] == ["deletion"]


def test_a_new_unit_without_admins_is_flagged() -> None:
    plan = build_plan([step("OrganisationalUnit", "n", "create", None, unit("n", "New"))])
    assert [f.id.value for f in plan.risk_flags] == ["unit-without-administrator"]
    plan = build_plan(
        [
            step("OrganisationalUnit", "n", "create", None, unit("n", "New")),
            step(
                "RoleMembers",
                "n.organisation-administrator",
                "create",
                None,
                _admins("n", ["a@x.example"]),
            ),
        ]
    )
    assert plan.risk_flags == ()


def test_self_lockout_is_flagged_for_the_token_account_case_insensitively() -> None:
    s = step(
        "RoleMembers",
        "h.organisation-administrator",
        "update",
        _admins("h", ["me@x.example", "b@x.example"]),
        _admins("h", ["b@x.example"]),
    )
    assert _flag_ids([s], token_email="Me@X.example") == ["self-lockout", "administrator-removed"]
    assert _flag_ids([s], token_email="other@x.example") == ["administrator-removed"]
    assert _flag_ids([s]) == ["administrator-removed"]


def test_role_members_follow_a_moved_scope_without_a_pointer_of_their_own() -> None:
    old = role_members("a", "waiting-area", "w", "service-provider", ["p@x.example"])
    new = role_members("b", "waiting-area", "w", "service-provider", ["p@x.example"])
    plan = build_plan([step("RoleMembers", "w.service-provider", "update", old, new)])
    [group] = plan.units
    assert group.unit_key == "b" and group.moved_out == ()
    [change] = group.resources
    assert change.move is not None and change.properties == () and change.members == ()
    assert '→ moves from unit "a" (a) to unit "b" (b)' in plan.to_text()


def test_an_update_with_nothing_visible_says_why() -> None:
    old = waiting_area("w", "u", "W")
    new = waiting_area("w", "u", "W", unitId="unit_other")
    text = build_plan([step("WaitingArea", "w", "update", old, new)]).to_text()
    assert text.splitlines()[-1] == (
        "    (only internal identifiers or platform-managed fields differ)"
    )


# --- drift in a refreshed plan -------------------------------------------------------


def test_console_owned_only_drift_is_shown_but_not_counted() -> None:
    from tests.plan.plan_scenario import drifted

    area = waiting_area("w", "u", "W")
    out = {**area, "link": "https://v.example/wait/w", "version": 1}
    console = {**area, "suspended": True}
    step_ = drifted(
        "WaitingArea",
        "w",
        "same",
        recorded=(area, out),
        refreshed=(console, {**out, "suspended": True, "version": 2}),
        new=console,
    )
    owned = {("WaitingArea", "w"): frozenset({"suspended"})}
    plan = build_plan([step_], console_owned=owned)
    [d] = plan.drift
    assert d.console_owned_only and d.properties[0].console_owned
    assert plan.summary.drifted == 0 and not plan.has_changes
    assert "console-owned" in plan.to_text()
    # Without the console owning it, the same change is drift.
    assert build_plan([step_]).summary.drifted == 1


def test_adopt_is_a_directive_never_shown_as_a_change() -> None:
    old = {**unit("u", "U"), "adopt": True}
    new = {**unit("u", "U (renamed)"), "adopt": False}
    c = _only([step("OrganisationalUnit", "u", "update", old, new)])
    assert [p.path for p in c.properties] == ["name"]
