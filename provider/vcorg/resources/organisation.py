"""Organisation: a component that turns a loaded config into the whole resource tree."""

from __future__ import annotations

from collections.abc import Sequence
from os import PathLike
from pathlib import Path
from typing import Any

import pulumi
from pydantic import BaseModel

from vcorg.config import models
from vcorg.config.ownership import console_owned
from vcorg.vocabulary import (
    MEETING_ROOM_KIND,
    ROLES_BY_SCOPE,
    UNIT_KIND,
    WAITING_AREA_KIND,
    roles_field,
)

from .meeting_room import MeetingRoom
from .role_members import RoleMembers
from .unit import OrganisationalUnit
from .waiting_area import WaitingArea

COMPONENT_TYPE = "vcorg:index:Organisation"


class OrganisationArgumentError(ValueError):
    """The component was given neither a config nor a path, or both."""


class Organisation(pulumi.ComponentResource):
    """Every unit, waiting area, meeting room and role membership of one organisation.

    All resources are children of this component, never of their unit, so moving a
    waiting area to another unit keeps its URN (and its link). References between
    objects are Outputs of the referenced resources, which orders creates and deletes.
    Fields the console owns (`consoleOwned`) are the resources' `ignore_changes`: set on
    create, never reverted.
    """

    units: dict[str, OrganisationalUnit]
    waiting_areas: dict[str, WaitingArea]
    meeting_rooms: dict[str, MeetingRoom]
    role_members: dict[str, RoleMembers]

    def __init__(
        self,
        resource_name: str,
        *,
        config: models.OrgConfig | None = None,
        config_path: str | PathLike[str] | Sequence[str | PathLike[str]] | None = None,
        adopt: bool | None = None,
        links: bool = True,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """``links``: register the unit ids and the links of every waiting area and meeting
        room as the component's outputs (the `vcorg` CLI reads them from the engine's
        events instead, and skips gathering thousands of Outputs into one)."""
        super().__init__(COMPONENT_TYPE, resource_name, None, opts)
        if (config is None) == (config_path is None):
            raise OrganisationArgumentError(
                "Organisation needs exactly one of config= (a loaded OrgConfig) "
                "or config_path= (YAML files or a directory)."
            )
        if config is None:
            assert config_path is not None  # exactly one of the two, checked above
            config = _load(config_path)
        self.config = config
        self.organisation = config.organisation
        self._adopt = config.defaults.adopt_existing if adopt is None else adopt
        self._child = pulumi.ResourceOptions(parent=self)
        self._console_owned = console_owned(config)
        self.units, self.waiting_areas, self.meeting_rooms, self.role_members = {}, {}, {}, {}
        for unit_key, unit in config.units.items():
            self._add_unit(unit_key, unit)
        outputs: dict[str, Any] = {"organisation": self.organisation}
        if links:
            outputs["unitIds"] = {k: r.id for k, r in self.units.items()}
            outputs["waitingAreaLinks"] = {k: r.link for k, r in self.waiting_areas.items()}
            outputs["meetingRoomLinks"] = {k: r.link for k, r in self.meeting_rooms.items()}
        self.register_outputs(outputs)

    def _add_unit(self, unit_key: str, unit: models.Unit) -> None:
        res = OrganisationalUnit(
            unit_key,
            organisation=self.organisation,
            key=unit_key,
            settings=unit,
            adopt=self._adopt,
            opts=self._options(UNIT_KIND, unit_key),
        )
        self.units[unit_key] = res
        self._add_roles(unit_key, "unit", unit_key, res.id, unit.roles)
        for wa_key, wa in unit.waiting_areas.items():
            self._add_waiting_area(unit_key, res, wa_key, wa)
        for room_key, room in unit.meeting_rooms.items():
            self._add_meeting_room(unit_key, res, room_key, room)

    def _add_waiting_area(
        self, unit_key: str, unit: OrganisationalUnit, wa_key: str, wa: models.WaitingArea
    ) -> None:
        res = WaitingArea(
            wa_key, **self._in_unit(unit_key, unit, WAITING_AREA_KIND, wa_key), settings=wa
        )
        self.waiting_areas[wa_key] = res
        self._add_roles(unit_key, "waiting-area", wa_key, res.id, wa.roles)

    def _add_meeting_room(
        self, unit_key: str, unit: OrganisationalUnit, room_key: str, room: models.MeetingRoom
    ) -> None:
        area = self.waiting_areas.get(room.waiting_area) if room.waiting_area else None
        res = MeetingRoom(
            room_key,
            **self._in_unit(unit_key, unit, MEETING_ROOM_KIND, room_key),
            settings=room,
            waiting_area_key=room.waiting_area,
            waiting_area_id=area.id if area is not None else None,
        )
        self.meeting_rooms[room_key] = res
        self._add_roles(unit_key, "meeting-room", room_key, res.id, room.roles)

    def _in_unit(
        self, unit_key: str, unit: OrganisationalUnit, kind: str, key: str
    ) -> dict[str, Any]:
        """The arguments every object placed in a unit (waiting area, meeting room) takes."""
        return {
            "organisation": self.organisation,
            "key": key,
            "unit_key": unit_key,
            "unit_id": unit.id,
            "adopt": self._adopt,
            "opts": self._options(kind, key),
        }

    def _options(self, kind: str, key: str) -> pulumi.ResourceOptions:
        """A child of this component; the fields the console owns are never reverted."""
        owned = self._console_owned.get((kind, key))
        if not owned:
            return self._child
        return pulumi.ResourceOptions.merge(
            self._child, pulumi.ResourceOptions(ignore_changes=sorted(owned))
        )

    def _add_roles(
        self,
        unit_key: str,
        scope_type: str,
        scope_key: str,
        scope_id: pulumi.Output[str],
        roles: BaseModel,
    ) -> None:
        given = roles.model_fields_set
        for role in ROLES_BY_SCOPE[scope_type]:
            attribute = roles_field(role)
            # A key left out means "not managed here"; an empty list means "nobody".
            if attribute not in given:
                continue
            name = f"{scope_key}.{role}"
            self.role_members[name] = RoleMembers(
                name,
                organisation=self.organisation,
                unit_key=unit_key,
                scope_type=scope_type,
                scope_key=scope_key,
                scope_id=scope_id,
                role=role,
                emails=list(getattr(roles, attribute)),
                opts=self._child,
            )


def _load(config_path: str | PathLike[str] | Sequence[str | PathLike[str]]) -> models.OrgConfig:
    from vcorg.config import load_config

    paths = (
        [Path(config_path)]
        if isinstance(config_path, str | PathLike)
        else [Path(p) for p in config_path]
    )
    return load_config(paths)
