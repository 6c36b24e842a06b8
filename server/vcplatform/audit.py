"""Changing objects and writing the append-only audit log, in the same transaction.

Every change goes through a `Recorder`: it serialises the object before, applies the
write (add, flush or delete) and records one audit row with both sides, so no route
repeats that sequence.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vcplatform import models, serialize
from vcplatform.clock import utcnow
from vcplatform.ids import new_id

if TYPE_CHECKING:
    from vcplatform.access import Principal

Snapshot = dict[str, Any]


@dataclass(frozen=True)
class Recorder:
    """Who changes objects of which organisation, in which session."""

    session: Session
    org_id: str
    actor: str

    @classmethod
    def of(cls, session: Session, principal: Principal) -> Recorder:
        return cls(session, principal.org_id, principal.actor)

    def created(self, action: str, row: models.Versioned) -> Snapshot:
        """Add a new object; returns its API form."""
        self.session.add(row)
        return self.saved(action, row, None)

    def saved(self, action: str, row: models.Versioned, before: Snapshot | None) -> Snapshot:
        """Write the changes made to ``row`` since ``before`` was taken, as they are."""
        self.session.flush()
        after = serialize.of(row)
        self._record(action, row.id, before, after)
        return after

    def updated(
        self,
        action: str,
        row: models.Versioned,
        before: Snapshot,
        *,
        then: Callable[[], None] | None = None,
    ) -> Snapshot:
        """Write an edit: nothing when it changed nothing, else a new ``updatedAt``.

        ``then`` runs after the object is marked changed and before it is written
        (e.g. grants and rooms following a moved waiting area).
        """
        if serialize.of(row) == before:
            return before
        row.updated_at = utcnow()
        if then is not None:
            then()
        return self.saved(action, row, before)

    def deleted(self, action: str, row: models.Versioned) -> None:
        before = serialize.of(row)
        self.session.delete(row)
        self._record(action, row.id, before, None)

    def delete_grants_of(self, scope_id: str) -> None:
        """Delete every grant on a scope that is being deleted, one audit row each."""
        grants = self.session.scalars(select(models.Grant).where(models.Grant.scope_id == scope_id))
        for grant in grants:
            self.deleted("grant.delete", grant)

    def _record(
        self, action: str, object_id: str, before: Snapshot | None, after: Snapshot | None
    ) -> None:
        self.session.add(
            models.AuditEvent(
                id=new_id("audit"),
                org_id=self.org_id,
                actor=self.actor,
                action=action,
                # "unit.create" is about a unit: the kind is the action's prefix.
                object_type=action.partition(".")[0],
                object_id=object_id,
                before=before,
                after=after,
            )
        )
