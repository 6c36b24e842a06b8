"""A refresh preview: each managed resource read back by its own provider, in-process.

`pulumi refresh` asks each resource's provider to `read()` it and compares the answer
with the state. This does the same with the very same providers, but in this process and
without the engine, so nothing is written and no lock is taken; and the providers' list
cache is filled first from the snapshot `vcorg drift` already read, so the reads cost no
further requests (only an object missing from every list is asked for by id).

The result is one `ResourceStep` per resource, `refresh-drift` with the recorded and
refreshed states when they differ and `same` otherwise: exactly what a refreshed plan's
steps say about drift, so `vcorg.plan` describes both alike.

A token that is not a system administrator sees only part of the organisation: an object
in none of its lists is asked for by id, and one it may not read (403) is reported as not
visible, with the role memberships on it, rather than as deleted.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from vcorg.client import ClientSettings, Collection, Forbidden, NotFound
from vcorg.plan.drift import differs, judged_outputs
from vcorg.plan.steps import DRIFT_CHANGED, DRIFT_DELETED, Op, ResourceStep
from vcorg.vocabulary import ROLE_MEMBERS_KIND

from .platform import PlatformSnapshot
from .state import StateResource


@dataclass(frozen=True)
class _StackConfig:
    """What a provider's ``configure()`` reads: the platform URL and the token."""

    api_url: str
    token: str

    def get(self, key: str) -> str | None:
        return {"vcorg:apiUrl": self.api_url, "vcorg:token": self.token}.get(key)


@dataclass(frozen=True)
class _Configure:
    config: _StackConfig


@dataclass(frozen=True)
class Refreshed:
    """One resource after its read: the step, and the raw states either side."""

    step: ResourceStep
    recorded: StateResource
    # What the provider's read returned (outputs); None when the object is gone.
    outputs: dict[str, Any] | None
    # False when the token may not read the object (or the scope of a role): not checked.
    visible: bool = True


_COLLECTIONS = {
    "OrganisationalUnit": Collection.UNITS,
    "WaitingArea": Collection.WAITING_AREAS,
    "MeetingRoom": Collection.MEETING_ROOMS,
}


def refresh(
    resources: tuple[StateResource, ...],
    snapshot: PlatformSnapshot,
    *,
    organisation: str,
    api_url: str,
    token: str,
) -> Iterator[Refreshed]:
    """Read every resource back through its provider, as a refresh would."""
    from vcorg.resources import (
        MEETING_ROOM_PROVIDER,
        OUTPUT_SLOTS,
        ROLE_MEMBERS_PROVIDER,
        UNIT_PROVIDER,
        WAITING_AREA_PROVIDER,
    )
    from vcorg.resources.session import session_for
    from vcorg.vocabulary import MEETING_ROOM_KIND, UNIT_KIND, WAITING_AREA_KIND

    providers: Mapping[str, Any] = {
        UNIT_KIND: UNIT_PROVIDER,
        WAITING_AREA_KIND: WAITING_AREA_PROVIDER,
        MEETING_ROOM_KIND: MEETING_ROOM_PROVIDER,
        ROLE_MEMBERS_KIND: ROLE_MEMBERS_PROVIDER,
    }
    request = _Configure(_StackConfig(api_url, token))
    for provider in providers.values():
        provider.configure(request)
    session = session_for(ClientSettings(api_url=api_url, token=token))
    _warm(session, organisation, snapshot)
    hidden: set[str] = set()
    # Objects first, so the role memberships on a scope the token cannot see are known.
    ordered = sorted(resources, key=lambda r: (r.type_name == ROLE_MEMBERS_KIND, r.urn))
    for resource in ordered:
        collection = _COLLECTIONS.get(resource.type_name)
        if collection is None:
            visible = str(resource.outputs.get("scopeId")) not in hidden
        else:
            visible = _visible(session.client, organisation, collection, resource, snapshot)
        if not visible:
            hidden.add(resource.id)
            yield Refreshed(
                drift_step(resource, resource.outputs, OUTPUT_SLOTS),
                resource,
                resource.outputs,
                visible=False,
            )
            continue
        result = providers[resource.type_name].read(resource.id, dict(resource.outputs))
        outputs = dict(result.outs or {}) if result.id else None
        yield Refreshed(drift_step(resource, outputs, OUTPUT_SLOTS), resource, outputs)


def _visible(
    client: Any,
    org: str,
    collection: Collection,
    resource: StateResource,
    snapshot: PlatformSnapshot,
) -> bool:
    """Whether the token may read the object (a missing one counts: it is deleted)."""
    if resource.id in snapshot.collection(collection):
        return True
    try:
        client.get_object(org, collection, resource.id)
    except NotFound:
        return True
    except Forbidden:
        return False
    return True


def _warm(session: Any, org: str, snapshot: PlatformSnapshot) -> None:
    """Fill the providers' read cache with the lists already read (no request)."""
    for collection in (Collection.UNITS, Collection.WAITING_AREAS, Collection.MEETING_ROOMS):
        objects = list(snapshot.collection(collection).values())
        session.cache.invalidate(org, collection.value)
        session.cache.items((org, collection.value, None), lambda objects=objects: objects)
    grants = list(snapshot.grants.values())
    session.grants.invalidate(org)
    session.grants.scope(org, "", lambda: grants)


def drift_step(
    resource: StateResource, outputs: dict[str, Any] | None, slots: frozenset[str]
) -> ResourceStep:
    """The step of one resource after its read (*outputs*; None when it is gone)."""
    recorded = judged_outputs(resource.inputs, resource.outputs, output_slots=slots)
    refreshed = None
    if outputs is not None:
        refreshed = judged_outputs(resource.inputs, outputs, output_slots=slots)
    drift: str | None = None
    if outputs is None:
        drift = DRIFT_DELETED
    elif differs(recorded, refreshed):
        drift = DRIFT_CHANGED
    return ResourceStep(
        urn=resource.urn,
        type_name=resource.type_name,
        name=resource.name,
        op=Op.REFRESH_DRIFT if drift else Op.SAME,
        # The names and keys vcorg manages: those the last apply recorded.
        old_inputs=resource.inputs,
        new_inputs=resource.inputs,
        old_outputs=resource.outputs,
        new_outputs=outputs,
        drift=drift,
        recorded_outputs=recorded if drift else None,
        refreshed_outputs=refreshed if drift else None,
    )
