"""Safety rails on the plan: deletion share, units without administrators, self-lockout."""

from __future__ import annotations

import pytest

from tests.plan.plan_scenario import meeting_room, role_members, same, step, unit
from vcorg.plan import (
    SelfLockout,
    TooManyDeletions,
    UnitWithoutAdministrator,
    UnsafePlan,
    build_plan,
)


def _rooms(total: int, deleted: int) -> list:
    steps = []
    for i in range(total):
        props = meeting_room(f"room-{i:02d}", "u", f"Room {i}")
        if i < deleted:
            steps.append(step("MeetingRoom", f"room-{i:02d}", "delete", props, None))
        else:
            steps.append(same("MeetingRoom", f"room-{i:02d}", props))
    return steps


def _admins(unit_key: str, emails: list[str]) -> dict:
    return role_members(unit_key, "unit", unit_key, "organisation-administrator", emails)


def test_deletions_over_the_fraction_are_refused_with_numbers_and_hint() -> None:
    plan = build_plan(_rooms(12, 4))
    with pytest.raises(TooManyDeletions) as err:
        plan.raise_if_unsafe()
    e = err.value
    assert (e.type_name, e.deletions, e.managed, e.max_fraction) == ("MeetingRoom", 4, 12, 0.25)
    # The message says what and the numbers; the advice is the hint, said once.
    assert (
        str(e)
        == e.problem
        == (
            "the plan deletes 4 of 12 meeting rooms (33%), more than the limit of 25% "
            "(--max-delete-fraction 0.25)"
        )
    )
    assert "--force" in e.hint and "refusing" not in e.hint
    assert isinstance(e, UnsafePlan) and e.overridable


def test_deletions_at_the_fraction_pass() -> None:
    build_plan(_rooms(12, 3)).raise_if_unsafe()  # 3/12 = 25% is not above 25%


def test_small_kinds_are_not_judged_by_share() -> None:
    build_plan(_rooms(9, 9)).raise_if_unsafe()
    with pytest.raises(TooManyDeletions):
        build_plan(_rooms(10, 3)).raise_if_unsafe()


def test_force_and_a_higher_fraction_override_the_deletion_cap() -> None:
    plan = build_plan(_rooms(12, 4))
    plan.raise_if_unsafe(force=True)
    plan.raise_if_unsafe(max_delete_fraction=0.5)


def test_managed_counts_from_the_caller_take_precedence() -> None:
    plan = build_plan(_rooms(4, 3))  # the plan alone sees too few rooms to judge
    plan.raise_if_unsafe()
    with pytest.raises(TooManyDeletions) as err:
        plan.raise_if_unsafe(managed_counts={"MeetingRoom": 10})
    assert err.value.managed == 10
    plan.raise_if_unsafe(managed_counts={"MeetingRoom": 100})


def test_unit_without_administrator_is_refused_even_with_force() -> None:
    plan = build_plan(
        [
            step(
                "RoleMembers",
                "housing.organisation-administrator",
                "update",
                _admins("housing", ["a@x.example"]),
                _admins("housing", []),
            ),
            same("OrganisationalUnit", "housing", unit("housing", "Housing")),
        ]
    )
    for force in (False, True):
        with pytest.raises(UnitWithoutAdministrator) as err:
            plan.raise_if_unsafe(force=force)
        assert str(err.value) == (
            'unit "Housing" (housing) would be left with no active or pending '
            "organisation administrator"
        )
        assert "--force does not override" in err.value.hint
        assert not err.value.overridable
        assert err.value.units == (("housing", "Housing"),)


def test_self_lockout_is_refused_unless_forced() -> None:
    plan = build_plan(
        [
            step(
                "RoleMembers",
                "housing.organisation-administrator",
                "update",
                _admins("housing", ["bot@x.example", "b@x.example"]),
                _admins("housing", ["b@x.example"]),
            ),
            same("OrganisationalUnit", "housing", unit("housing", "Housing")),
        ]
    )
    plan.raise_if_unsafe()  # without knowing the token's account there is nothing to check
    with pytest.raises(SelfLockout) as err:
        plan.raise_if_unsafe(token_email="BOT@x.example")
    assert err.value.email == "bot@x.example"
    assert str(err.value) == (
        "the API token's own account bot@x.example would stop being organisation "
        'administrator of unit "Housing" (housing) and could lock itself out'
    )
    assert err.value.hint == "re-run with --force if that is intended"
    plan.raise_if_unsafe(token_email="bot@x.example", force=True)
    plan.raise_if_unsafe(token_email="b2@x.example")


def test_the_planners_token_email_is_the_default_for_the_rail() -> None:
    plan = build_plan(
        [
            step(
                "RoleMembers",
                "h.organisation-administrator",
                "update",
                _admins("h", ["bot@x.example", "b@x.example"]),
                _admins("h", ["b@x.example"]),
            )
        ],
        token_email="bot@x.example",
    )
    with pytest.raises(SelfLockout):
        plan.raise_if_unsafe()


def test_a_safe_plan_passes() -> None:
    build_plan(
        [step("OrganisationalUnit", "u", "update", unit("u", "U"), unit("u", "V"))]
    ).raise_if_unsafe()
