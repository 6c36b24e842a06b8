"""Who am I, my organisation, and the audit log."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response
from sqlalchemy import select

from vcplatform import apimodels, models, serialize
from vcplatform.context import AccountCtx, OrgCtx, respond
from vcplatform.errors import ValidationFailed
from vcplatform.pagination import page
from vcplatform.routes.common import DEFAULT_PAGE, Cursor, Limit

router = APIRouter(tags=["account"])


@router.get("/me", response_model=apimodels.Me)
def me(ctx: AccountCtx) -> Any:
    principal = ctx.principal
    roles = [
        {"role": role, "scopeType": scope_type, "scopeId": scope_id}
        for role, scope_type, scope_id in principal.role_rows
    ]
    if principal.system_administrator:
        roles.insert(
            0,
            {
                "role": "system-administrator",
                "scopeType": "organisation",
                "scopeId": principal.org_id,
            },
        )
    return {
        "accountId": principal.account_id,
        "email": principal.email,
        "organisation": principal.org_key,
        "roles": roles,
    }


@router.get("/orgs/{org}", response_model=apimodels.Organisation)
def get_organisation(ctx: OrgCtx) -> Response:
    with ctx.reading() as session:
        org = session.get(models.Organisation, ctx.principal.org_id)
        assert org is not None  # the token's organisation; cascades remove tokens with it
        return respond(200, serialize.organisation(org))


Since = Annotated[
    str | None,
    Query(
        max_length=40,
        description="Only events at or after this time (RFC 3339, e.g. 2026-11-29T10:00:00Z)",
    ),
]


@router.get("/orgs/{org}/audit", response_model=apimodels.AuditPage)
def list_audit(
    ctx: OrgCtx, limit: Limit = DEFAULT_PAGE, cursor: Cursor = None, since: Since = None
) -> Any:
    ctx.principal.require(
        ctx.principal.system_administrator, "only a system administrator can read the audit log"
    )
    stmt = select(models.AuditEvent).where(models.AuditEvent.org_id == ctx.principal.org_id)
    if since is not None:
        stmt = stmt.where(models.AuditEvent.created_at >= _instant("since", since))
    with ctx.reading() as session:
        return page(
            session,
            stmt,
            models.AuditEvent,
            limit=limit,
            cursor=cursor,
            render=serialize.audit_event,
        )


def _instant(name: str, text: str) -> datetime:
    """An RFC 3339 time (``Z`` or an offset; a time without a zone is UTC), as naive UTC."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValidationFailed.field(
            name, f"{text!r} is not an RFC 3339 time such as 2026-11-29T10:00:00Z"
        ) from None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value
