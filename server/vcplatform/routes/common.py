"""Helpers shared by the resource routes."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Annotated, Any, TypeVar

from fastapi import Query
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from vcplatform import models
from vcplatform.context import OrgCtx, respond
from vcplatform.errors import Conflict, NotFound
from vcplatform.pagination import DEFAULT_LIMIT, MAX_LIMIT

Row = TypeVar("Row", bound=models.Base)

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size")]
Cursor = Annotated[
    str | None, Query(max_length=500, description="`nextCursor` of the previous page")
]
UnitFilter = Annotated[
    str | None,
    Query(alias="unitId", max_length=40, description="Only objects in this unit"),
]
DEFAULT_PAGE = DEFAULT_LIMIT

LABELS = {
    models.Unit: "unit",
    models.WaitingArea: "waiting area",
    models.MeetingRoom: "meeting room",
    models.Grant: "grant",
}


def load(
    session: Session, model: type[Row], org_id: str, object_id: str, *, lock: bool = False
) -> Row:
    """The object with this id in the caller's organisation, else 404.

    ``lock`` takes a row lock (PostgreSQL) so a read-modify-write cannot interleave.
    """
    # Every table passed here has `id` and `org_id`; their base class, Row's bound, does not.
    stmt = select(model).where(model.id == object_id, model.org_id == org_id)  # type: ignore[attr-defined]
    if lock:
        stmt = stmt.with_for_update()
    row = session.scalars(stmt).first()
    if row is None:
        raise NotFound(f"there is no {LABELS.get(model, 'object')} with id {object_id!r}")
    return row


def respond_in_scope(
    ctx: OrgCtx,
    model: type[models.WaitingArea] | type[models.MeetingRoom],
    object_id: str,
    render: Callable[[Any], dict[str, Any]],
) -> Response:
    """GET of an object in a unit: for whoever may read its unit or the object itself."""
    with ctx.reading() as session:
        row = load(session, model, ctx.principal.org_id, object_id)
        ctx.principal.require(
            ctx.principal.can_read_scope(row.unit_id, row.id),
            f"you hold no role on this {LABELS[model]} or its unit",
        )
        return respond(200, render(row))


def columns(body: BaseModel, names: Iterable[str]) -> dict[str, Any]:
    """Fields of a request body as column values; nested models as their JSON (camelCase).

    A body field and its column share a name, so a new setting needs no code here.
    """
    return {name: _column(getattr(body, name)) for name in names}


def _column(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True)
    if isinstance(value, list):
        return [_column(item) for item in value]
    return value


def settings(body: type[BaseModel], *, handled: Iterable[str] = ()) -> tuple[str, ...]:
    """The fields of a body model that are copied to columns as they are."""
    skip = set(handled)
    return tuple(name for name in body.model_fields if name not in skip)


def ensure_unique_name(
    session: Session,
    model: type[models.Scope],
    *,
    name: str,
    exclude_id: str | None = None,
    **scope: str,
) -> None:
    """409 with ``existingId`` when ``name`` is taken within ``scope``."""
    stmt = select(model.id).where(model.name == name)
    for column, value in scope.items():
        stmt = stmt.where(getattr(model, column) == value)
    if exclude_id is not None:
        stmt = stmt.where(model.id != exclude_id)
    existing = session.scalars(stmt).first()
    if existing is not None:
        where = "in the organisation" if "org_id" in scope else "in the unit"
        label = LABELS.get(model, "object")
        raise Conflict(f"a {label} named {name!r} already exists {where}", existing_id=existing)
