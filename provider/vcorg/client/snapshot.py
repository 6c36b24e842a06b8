"""One organisation as the platform holds it, read by list.

`read_snapshot` lists every unit, waiting area, meeting room and role grant the token
can see, each collection page by page (500 objects a page), so it costs a handful of
requests plus one per page, never one per object. `vcorg export` writes configuration
from it, and `vcorg plan --adopt` matches the objects a plan would create against it.
Revoked grants are history and are not read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from ._types import Collection, JSONObject
from .client import PlatformClient

# Called after each object read: the collection and how many of it were read so far.
ReadListener = Callable[[Collection, int], None]
# Grants that hold (or held, until they expired) a seat; revoked ones are history.
LIVE_GRANT_STATES = frozenset({"active", "pending", "expired"})


@dataclass(frozen=True)
class OrgSnapshot:
    """Every object of one organisation, each collection in the platform's order
    (creation time, then id)."""

    organisation: str
    units: tuple[JSONObject, ...] = ()
    waiting_areas: tuple[JSONObject, ...] = ()
    meeting_rooms: tuple[JSONObject, ...] = ()
    grants: tuple[JSONObject, ...] = ()

    def of(self, collection: Collection) -> tuple[JSONObject, ...]:
        return {
            Collection.UNITS: self.units,
            Collection.WAITING_AREAS: self.waiting_areas,
            Collection.MEETING_ROOMS: self.meeting_rooms,
            Collection.GRANTS: self.grants,
        }[collection]

    def by_collection(self) -> Mapping[Collection, Sequence[JSONObject]]:
        return {collection: self.of(collection) for collection in Collection}

    @property
    def objects(self) -> int:
        return len(self.units) + len(self.waiting_areas) + len(self.meeting_rooms)


def read_snapshot(
    client: PlatformClient,
    organisation: str,
    *,
    grant_unit_ids: Sequence[str] | None = None,
    listener: ReadListener | None = None,
) -> OrgSnapshot:
    """List the organisation, one collection after the other (see `read_grants`)."""
    objects = read_objects(client, organisation, listener=listener)
    grants = read_grants(client, organisation, unit_ids=grant_unit_ids, listener=listener)
    return replace(objects, grants=grants)


def read_objects(
    client: PlatformClient, organisation: str, *, listener: ReadListener | None = None
) -> OrgSnapshot:
    """Units, waiting areas and meeting rooms; no grants."""
    found = {
        collection: _read(client.iter_objects(organisation, collection), collection, listener)
        for collection in (Collection.UNITS, Collection.WAITING_AREAS, Collection.MEETING_ROOMS)
    }
    return OrgSnapshot(
        organisation,
        units=found[Collection.UNITS],
        waiting_areas=found[Collection.WAITING_AREAS],
        meeting_rooms=found[Collection.MEETING_ROOMS],
    )


def read_grants(
    client: PlatformClient,
    organisation: str,
    *,
    unit_ids: Sequence[str] | None = None,
    listener: ReadListener | None = None,
) -> tuple[JSONObject, ...]:
    """Active, pending and expired grants: of the whole organisation in one paged list,
    or, with *unit_ids*, one list per unit (each holds the grants on the unit and on
    every area and room in it)."""
    pages: Iterable[JSONObject]
    if unit_ids is None:
        pages = client.iter_objects(organisation, Collection.GRANTS)
    else:
        pages = _chain(
            client.iter_objects(organisation, Collection.GRANTS, unit_id=unit_id)
            for unit_id in unit_ids
        )
    grants = _read(pages, Collection.GRANTS, listener)
    return tuple(g for g in grants if g.get("state") in LIVE_GRANT_STATES)


def _read(
    pages: Iterable[JSONObject], collection: Collection, listener: ReadListener | None
) -> tuple[JSONObject, ...]:
    items: list[JSONObject] = []
    if listener is not None:
        listener(collection, 0)
    for obj in pages:
        items.append(obj)
        if listener is not None:
            listener(collection, len(items))
    return tuple(items)


def _chain(iterables: Iterable[Iterable[JSONObject]]) -> Iterable[JSONObject]:
    for iterable in iterables:
        yield from iterable
