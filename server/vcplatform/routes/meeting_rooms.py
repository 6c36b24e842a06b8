"""Meeting rooms. Their link changes only through reset-link; their unit never changes."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from vcplatform import apimodels, models, serialize
from vcplatform.access import Principal
from vcplatform.audit import Recorder
from vcplatform.context import IdempotencyKey, IfMatch, OrgCtx, check_if_match
from vcplatform.errors import ValidationFailed
from vcplatform.ids import new_id, new_link_token
from vcplatform.pagination import page
from vcplatform.routes.common import (
    DEFAULT_PAGE,
    Cursor,
    Limit,
    UnitFilter,
    columns,
    ensure_unique_name,
    load,
    respond_in_scope,
    settings,
)
from vcplatform.routes.waiting_areas import MANAGE, scoped_list, target_unit

router = APIRouter(tags=["meeting rooms"])

# Fields copied to columns as they are; the unit, the name and the owner are checked first.
CREATED = settings(apimodels.MeetingRoomCreate, handled={"unit_id"})
PATCHED = settings(apimodels.MeetingRoomPatch, handled={"unit_id", "name", "waiting_area_id"})


def _owner(session: Session, principal: Principal, area_id: str | None, unit_id: str) -> None:
    if area_id is None:
        return
    area = session.scalars(
        select(models.WaitingArea).where(
            models.WaitingArea.id == area_id, models.WaitingArea.org_id == principal.org_id
        )
    ).first()
    if area is None:
        raise ValidationFailed.field("waitingAreaId", f"there is no waiting area {area_id!r}")
    if area.unit_id != unit_id:
        raise ValidationFailed.field(
            "waitingAreaId", "the waiting area must be in the same unit as the meeting room"
        )


@router.get("/orgs/{org}/meeting-rooms", response_model=apimodels.MeetingRoomPage)
def list_meeting_rooms(
    ctx: OrgCtx,
    unit_id: UnitFilter = None,
    limit: Limit = DEFAULT_PAGE,
    cursor: Cursor = None,
) -> Any:
    stmt = scoped_list(ctx.principal, models.MeetingRoom, unit_id)
    with ctx.reading() as session:
        return page(
            session,
            stmt,
            models.MeetingRoom,
            limit=limit,
            cursor=cursor,
            render=serialize.meeting_room,
        )


@router.post("/orgs/{org}/meeting-rooms", status_code=201, response_model=apimodels.MeetingRoom)
def create_meeting_room(
    body: apimodels.MeetingRoomCreate, ctx: OrgCtx, idempotency_key: IdempotencyKey = None
) -> Response:
    principal = ctx.principal

    def change(session: Session) -> tuple[int, dict[str, Any]]:
        unit = target_unit(session, principal, body.unit_id)
        _owner(session, principal, body.waiting_area_id, unit.id)
        ensure_unique_name(session, models.MeetingRoom, name=body.name, unit_id=unit.id)
        room = models.MeetingRoom(
            id=new_id("room"),
            org_id=principal.org_id,
            unit_id=unit.id,
            link=f"{ctx.settings.public_url}/room/{new_link_token()}",
            **columns(body, CREATED),
        )
        return 201, Recorder.of(session, principal).created("meeting-room.create", room)

    return ctx.mutate(change, idempotency_key=idempotency_key, body=body)


@router.get("/orgs/{org}/meeting-rooms/{room_id}", response_model=apimodels.MeetingRoom)
def get_meeting_room(room_id: str, ctx: OrgCtx) -> Response:
    return respond_in_scope(ctx, models.MeetingRoom, room_id, serialize.meeting_room)


@router.patch("/orgs/{org}/meeting-rooms/{room_id}", response_model=apimodels.MeetingRoom)
def update_meeting_room(
    room_id: str,
    body: apimodels.MeetingRoomPatch,
    ctx: OrgCtx,
    if_match: IfMatch = None,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    principal = ctx.principal

    def change(session: Session) -> tuple[int, dict[str, Any]]:
        room = load(session, models.MeetingRoom, principal.org_id, room_id, lock=True)
        principal.require(principal.can_manage_unit(room.unit_id), MANAGE)
        check_if_match(if_match, room.version)
        fields = body.model_fields_set
        if "unit_id" in fields and body.unit_id != room.unit_id:
            raise ValidationFailed.field(
                "unitId", "a meeting room cannot move to another unit; create a new room there"
            )
        before = serialize.meeting_room(room)
        if "name" in fields and body.name != room.name:
            ensure_unique_name(
                session,
                models.MeetingRoom,
                name=body.name,
                exclude_id=room.id,
                unit_id=room.unit_id,
            )
            room.name = body.name
        if "waiting_area_id" in fields:
            _owner(session, principal, body.waiting_area_id, room.unit_id)
            room.waiting_area_id = body.waiting_area_id
        for name, value in columns(body, fields & set(PATCHED)).items():
            setattr(room, name, value)
        return 200, Recorder.of(session, principal).updated("meeting-room.update", room, before)

    return ctx.mutate(change, idempotency_key=idempotency_key, body=body)


@router.post("/orgs/{org}/meeting-rooms/{room_id}/reset-link", response_model=apimodels.MeetingRoom)
def reset_meeting_room_link(
    room_id: str, ctx: OrgCtx, idempotency_key: IdempotencyKey = None
) -> Response:
    principal = ctx.principal

    def change(session: Session) -> tuple[int, dict[str, Any]]:
        room = load(session, models.MeetingRoom, principal.org_id, room_id, lock=True)
        principal.require(principal.can_manage_unit(room.unit_id), MANAGE)
        before = serialize.meeting_room(room)
        room.link = f"{ctx.settings.public_url}/room/{new_link_token()}"
        return 200, Recorder.of(session, principal).updated("meeting-room.reset-link", room, before)

    return ctx.mutate(change, idempotency_key=idempotency_key)


@router.delete("/orgs/{org}/meeting-rooms/{room_id}", status_code=204, response_class=Response)
def delete_meeting_room(room_id: str, ctx: OrgCtx, if_match: IfMatch = None) -> Response:
    principal = ctx.principal

    def change(session: Session) -> tuple[int, None]:
        room = load(session, models.MeetingRoom, principal.org_id, room_id, lock=True)
        principal.require(principal.can_manage_unit(room.unit_id), MANAGE)
        check_if_match(if_match, room.version)
        recorder = Recorder.of(session, principal)
        recorder.delete_grants_of(room.id)
        recorder.deleted("meeting-room.delete", room)
        return 204, None

    return ctx.mutate(change)


__all__ = ["router", "target_unit"]
