"""The shape of the tree Organisation builds, checked with Pulumi's unit-test mocks.

Mocks never call the dynamic providers; these tests pin parents, names, types and the
inputs handed to each resource. Provider behaviour is tested over gRPC elsewhere.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pulumi
import pytest

from vcorg.config import load_config
from vcorg.resources import Organisation, OrganisationArgumentError

DATA = Path(__file__).parent / "data"
RM = "pulumi-python:dynamic/vcorg:RoleMembers"


class Recorder(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.resources: dict[str, pulumi.runtime.MockResourceArgs] = {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.resources[args.name] = args
        outs = dict(args.inputs)
        if args.typ.endswith(("WaitingArea", "MeetingRoom")):
            outs["link"] = f"https://video.example/{args.name}"
        return f"{args.name}-id", outs

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list]:
        return {}, []


@pytest.fixture
def recorder() -> Recorder:
    mocks = Recorder()
    pulumi.runtime.set_mocks(mocks, project="vcorg", stack="test", preview=False)
    return mocks


@pulumi.runtime.test
def test_types_and_names(recorder: Recorder) -> None:
    org = Organisation("metro", config=load_config([DATA / "metro.yaml"]))

    def verify(_: Any) -> None:
        kinds = {name: args.typ for name, args in recorder.resources.items()}
        assert kinds == {
            "metro": "vcorg:index:Organisation",
            "internal-medicine": "pulumi-python:dynamic/vcorg:OrganisationalUnit",
            "housing": "pulumi-python:dynamic/vcorg:OrganisationalUnit",
            "general-clinic": "pulumi-python:dynamic/vcorg:WaitingArea",
            "housing-intake": "pulumi-python:dynamic/vcorg:WaitingArea",
            "case-review": "pulumi-python:dynamic/vcorg:MeetingRoom",
            "internal-medicine.organisation-administrator": RM,
            "internal-medicine.organisation-reporter": RM,
            "housing.organisation-administrator": RM,
            "general-clinic.service-provider": RM,
            "case-review.meeting-room-member": RM,
        }
        assert not recorder.resources["metro"].custom

    return pulumi.Output.all(*[m.id for m in org.role_members.values()]).apply(verify)


@pulumi.runtime.test
def test_inputs_follow_the_contract(recorder: Recorder) -> None:
    org = Organisation("metro", config=load_config([DATA / "metro.yaml"]))

    def verify(_: Any) -> None:
        r = recorder.resources
        wa = r["general-clinic"].inputs
        assert wa["unitId"] == "internal-medicine-id"
        assert wa["unitKey"] == "internal-medicine"
        assert wa["accessHours"] == {
            "timezone": "Australia/Sydney",
            "open": [{"days": ["mon", "tue", "wed", "thu", "fri"], "from": "08:00", "to": "17:30"}],
        }
        assert wa["callerDetails"] == [
            {"key": "dob", "label": "Date of birth", "type": "date", "required": True}
        ]
        # Idempotency keys come from the organisation, kind and key: no URN in state.
        assert "resourceUrn" not in wa
        room = r["case-review"].inputs
        assert room["waitingAreaId"] == "general-clinic-id"
        assert room["maxParticipants"] == 4
        admins = r["internal-medicine.organisation-administrator"].inputs
        assert admins["emails"] == ["ana.lee@metro-health.example"]
        assert admins["scopeType"] == "unit"
        assert admins["scopeId"] == "internal-medicine-id"
        # An empty list is kept: it means "nobody holds this role".
        assert r["internal-medicine.organisation-reporter"].inputs["emails"] == []
        providers = r["general-clinic.service-provider"].inputs["emails"]
        assert providers == ["dr.khan@metro-health.example", "dr.wu@metro-health.example"]
        # Roles left out of the config are not managed at all.
        assert "housing.organisation-reporter" not in r
        assert "general-clinic.service-administrator" not in r
        for args in r.values():
            if args.typ.startswith("pulumi-python:dynamic/"):
                assert isinstance(args.inputs["__provider"], str)
                assert len(args.inputs["__provider"]) < 200

    return pulumi.Output.all(org.urn, *[m.id for m in org.role_members.values()]).apply(verify)


@pulumi.runtime.test
def test_children_are_parented_to_the_component_not_the_unit(recorder: Recorder) -> None:
    org = Organisation("metro", config=load_config([DATA / "metro.yaml"]))

    def verify(urns: list[str]) -> None:
        for urn in urns:
            assert "::vcorg:index:Organisation$pulumi-python:dynamic/vcorg:" in urn
            assert "OrganisationalUnit$" not in urn

    children = [*org.units.values(), *org.waiting_areas.values(), *org.meeting_rooms.values()]
    return pulumi.Output.all(*[c.urn for c in children]).apply(verify)


def test_needs_exactly_one_source() -> None:
    with pytest.raises(OrganisationArgumentError):
        Organisation("x")
