"""Cursor pagination over ``(created_at, id)``, the order every list uses."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, or_
from sqlalchemy.orm import Session

from vcplatform.clock import parse_rfc3339, rfc3339
from vcplatform.errors import ValidationFailed
from vcplatform.models import Listed

DEFAULT_LIMIT = 100
MAX_LIMIT = 500


def encode_cursor(created_at: datetime, object_id: str) -> str:
    raw = json.dumps([rfc3339(created_at), object_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        stamp, object_id = json.loads(raw)
        return parse_rfc3339(stamp), str(object_id)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError) as exc:
        raise ValidationFailed.field("cursor", "is not a cursor this server issued") from exc


def page(
    session: Session,
    stmt: Select[Listed],
    model: type[Listed],
    *,
    limit: int,
    cursor: str | None,
    render: Callable[[Listed], dict[str, Any]],
) -> dict[str, Any]:
    """Run ``stmt`` (already filtered) for one page: ``{"items", "nextCursor"}``."""
    if cursor:
        created_at, object_id = decode_cursor(cursor)
        stmt = stmt.where(
            or_(
                model.created_at > created_at,
                and_(model.created_at == created_at, model.id > object_id),
            )
        )
    rows = session.scalars(stmt.order_by(model.created_at, model.id).limit(limit + 1)).all()
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor(rows[-1].created_at, rows[-1].id)
    return {"items": [render(row) for row in rows], "nextCursor": next_cursor}
