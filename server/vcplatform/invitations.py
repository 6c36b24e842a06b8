"""Invitation state changes: pending → accepted (active) / expired / revoked, resend."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from vcplatform import models, serialize
from vcplatform.audit import Recorder
from vcplatform.clock import utcnow
from vcplatform.ids import new_id


def state_filter(state: str, now: datetime) -> ColumnElement[bool]:
    """SQL for "effective state is ``state``" (a pending grant past expiry is expired)."""
    grant = models.Grant
    overdue = and_(grant.state == "pending", grant.invitation_expires_at <= now)
    if state == "pending":
        return and_(grant.state == "pending", grant.invitation_expires_at > now)
    if state == "expired":
        return or_(grant.state == "expired", overdue)
    return grant.state == state


def find_account(session: Session, org_id: str, email: str) -> models.Account | None:
    return session.scalars(
        select(models.Account).where(
            models.Account.org_id == org_id, models.Account.email == email.lower()
        )
    ).first()


def ensure_account(session: Session, org_id: str, email: str) -> models.Account:
    account = find_account(session, org_id, email)
    if account is None:
        account = models.Account(id=new_id("acct"), org_id=org_id, email=email.lower())
        session.add(account)
        session.flush()
    return account


def send(grant: models.Grant, ttl: timedelta) -> None:
    """(Re)send: pending again, with a fresh expiry. No email leaves this server."""
    now = utcnow()
    grant.state = "pending"
    if grant.invited_at is None:
        grant.invited_at = now
    grant.invitation_sent_at = now
    grant.invitation_expires_at = now + ttl
    grant.invitation_send_count = (grant.invitation_send_count or 0) + 1
    grant.updated_at = now


def _pending(session: Session, org_id: str, email: str | None) -> list[models.Grant]:
    stmt = select(models.Grant).where(
        models.Grant.org_id == org_id, models.Grant.state == "pending"
    )
    if email is not None:
        stmt = stmt.where(models.Grant.email == email.lower())
    return list(session.scalars(stmt.order_by(models.Grant.created_at, models.Grant.id)))


def accept(session: Session, org_id: str, email: str | None, actor: str) -> list[models.Grant]:
    """Accept every pending (not yet expired) invitation, as if its email link was clicked."""
    now = utcnow()
    recorder = Recorder(session, org_id, actor)
    accepted = []
    for grant in _pending(session, org_id, email):
        if serialize.grant_state(grant, now) != "pending":
            continue
        before = serialize.grant(grant)
        grant.account_id = ensure_account(session, org_id, grant.email).id
        grant.state = "active"
        grant.accepted_at = now
        grant.updated_at = now
        recorder.saved("grant.accept", grant, before)
        accepted.append(grant)
    return accepted


def expire(session: Session, org_id: str, email: str | None, actor: str) -> list[models.Grant]:
    """Expire pending invitations now (an operator shortcut for the 30-day wait)."""
    now = utcnow()
    recorder = Recorder(session, org_id, actor)
    expired = []
    for grant in _pending(session, org_id, email):
        before = serialize.grant(grant)
        grant.state = "expired"
        grant.invitation_expires_at = min(grant.invitation_expires_at or now, now)
        grant.updated_at = now
        recorder.saved("grant.expire", grant, before)
        expired.append(grant)
    return expired
