"""The shared workflow of the providers of named platform objects.

A provider subclass declares its collection, the config model that declares its settings
and the inputs that place it; this module runs the fixed steps (check, diff, create with
idempotency and adoption, read through the list cache, update with If-Match, delete) so
each resource module stays a short declaration.
Providers hold no state that is pickled: see :meth:`PlatformProvider.__reduce__`.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Mapping
from typing import Any, ClassVar

import pulumi
from pulumi.dynamic import (
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)
from pydantic import BaseModel

from vcorg.client import (
    ClientSettings,
    Collection,
    Conflict,
    JSONObject,
    NotFound,
    PlatformClient,
    PreconditionFailed,
    ProblemDocument,
)

from .dynamic import VcorgResource
from .errors import ResourceError, reported
from .props import changed_fields, digest, is_unknown, public, same, whole_numbers
from .session import Session, session_for
from .validation import Checker

# Outputs the API adds to every object, besides the inputs it echoes, that state keeps.
META_FIELDS = ("version",)
# A resource re-created this many times (deleted on the platform in between) gives up.
MAX_KEY_GENERATIONS = 1000
# The resource ID is Pulumi's own `id`; an output of that name would shadow it. The
# timestamps change with every write and nothing reads them from state (plans, drift and
# export read them from the API): at thousands of resources they were 5% of the state.
_DROPPED = frozenset({"id", "createdAt", "updatedAt"})


class PlatformProvider(ResourceProvider):
    """Base of every vcorg provider: settings from stack config, nothing pickled."""

    # Nothing secret is ever pickled (see __reduce__), so the provider blob in state
    # need not be encrypted; tests/provider/test_pickle.py proves it.
    serialize_as_secret_always = False
    # ... and it is the same bytes for every resource: sdk_fixes pickles it once per class.
    pickle_is_constant = True

    # The name this kind's provider is pickled under (see vcorg.provider).
    kind: ClassVar[str]

    def __init__(self) -> None:
        super().__init__()

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        # The pickle in Pulumi state must be a bare reference: no config, no token, no
        # client, whatever this instance has seen; and short, as every resource stores it
        # twice. Importing vcorg here is cheap: it loads nothing until a name is asked for.
        import vcorg

        return (vcorg.provider, (self.kind,))

    def configure(self, req: ConfigureRequest) -> None:
        self._config = req.config

    def _session(self) -> Session:
        config = getattr(self, "_config", None)
        settings = ClientSettings.resolve(config.get if config is not None else None)
        return session_for(settings)

    @property
    def client(self) -> PlatformClient:
        return self._session().client


class ObjectProvider(PlatformProvider):
    """Units, waiting areas and meeting rooms: named objects with a REST collection."""

    collection: ClassVar[Collection]
    # The config model that declares this kind's settings (sent to the API as its fields,
    # camelCase), and the fields of that model that are not settings of the object itself:
    # its people, its children and references by key.
    settings_model: ClassVar[type[BaseModel]]
    not_settings: ClassVar[frozenset[str]] = frozenset({"roles"})
    # Inputs sent to the API before the settings: the ids of the objects it belongs to.
    placement_fields: ClassVar[tuple[str, ...]] = ()
    # Inputs that only vcorg uses; a change is recorded in state without an API call.
    local_fields: ClassVar[tuple[str, ...]] = ("key", "adopt", "resourceUrn")
    # Inputs whose change the API cannot apply in place.
    replace_fields: ClassVar[tuple[str, ...]] = ("organisation",)
    # Some other object may take this one's name while it is replaced.
    delete_before_replace: ClassVar[bool] = True
    # Lists are filtered by unit for objects that live in one.
    in_unit: ClassVar[bool] = True

    # -- hooks ----------------------------------------------------------------------

    def validate(self, checker: Checker, olds: Mapping[str, Any]) -> None:
        """Add failures for this kind's placement and local inputs (settings are generic)."""

    def subject(self, props: Mapping[str, Any]) -> str:
        return f"{self.collection.label} '{props.get('name')}' (key {props.get('key')})"

    # -- helpers --------------------------------------------------------------------

    @property
    def settings(self) -> tuple[str, ...]:
        """The kind's settings, camelCase, in the config model's order."""
        return settings_fields(self.settings_model, self.not_settings)

    @property
    def api_fields(self) -> tuple[str, ...]:
        """Inputs sent to the API, exactly as the API names them."""
        return (*self.placement_fields, *self.settings)

    @property
    def input_fields(self) -> tuple[str, ...]:
        return ("organisation", *self.local_fields, *self.api_fields)

    def settings_of(self, model: BaseModel) -> dict[str, Any]:
        """The inputs a config object gives: its settings as the API's JSON, unset ones left out."""
        data = model.model_dump(mode="json", by_alias=True, exclude=set(self.not_settings))
        return {k: v for k, v in data.items() if v is not None}

    def body(self, props: Mapping[str, Any], fields: tuple[str, ...] | None = None) -> JSONObject:
        """The API body: the given ``fields`` (absent ones as null, which clears them in a
        PATCH), else every API field the inputs hold, so an optional setting left unset is
        not sent at all."""
        if not fields:
            fields = tuple(f for f in self.api_fields if f in props)
        return {f: to_api(props.get(f)) for f in fields}

    def outputs(self, props: Mapping[str, Any], obj: Mapping[str, Any]) -> dict[str, Any]:
        outs = {f: props.get(f) for f in self.input_fields if f in props}
        outs.update({k: v for k, v in obj.items() if k not in _DROPPED})
        return outs

    def _unit_of(self, props: Mapping[str, Any]) -> str | None:
        return props.get("unitId") if self.in_unit else None

    def _invalidate(self, org: str, *props: Mapping[str, Any]) -> None:
        units = {self._unit_of(p) for p in props}
        self._session().cache.invalidate(org, self.collection.value, *units)

    # -- the provider protocol --------------------------------------------------------

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        checker = Checker(news)
        checker.key("organisation")
        checker.key("key")
        checker.settings(self.settings_model, self.settings)
        self.validate(checker, olds)
        checker.boolean("adopt")
        return CheckResult(news, checker.failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        replaces = changed_fields(olds, news, self.replace_fields)
        changes = changed_fields(olds, news, self.api_fields + self.local_fields)
        changes = [c for c in changes if c not in ("adopt", "resourceUrn")]
        if replaces:
            return DiffResult(
                changes=True,
                replaces=replaces,
                delete_before_replace=self.delete_before_replace,
            )
        return DiffResult(changes=bool(changes))

    @reported
    def create(self, props: dict[str, Any]) -> CreateResult:
        org = props["organisation"]
        body = self.body(props)
        existing = self._adoptable(org, props, body) if props.get("adopt") else None
        if existing is not None:
            # Adopted before any POST: the object keeps its id and link, and only the
            # settings that differ are sent (nothing at all when they match).
            obj = self._take_over(org, props, body, existing)
            outs = self.outputs(props, obj)
            outs["adopted"] = "unchanged" if obj is existing else "updated"
            if obj is not existing:
                self._session().cache.apply((org, self.collection.value, None), upserts=[obj])
            return CreateResult(obj["id"], outs)
        obj = self._create_or_take_over(org, props, body)
        self._invalidate(org, props)
        return CreateResult(obj["id"], self.outputs(props, obj))

    def _adoptable(self, org: str, props: Mapping[str, Any], body: JSONObject) -> JSONObject | None:
        """The object with this name in this scope (the organisation, or the unit), if any.

        Found in the organisation-wide list of the collection, read once (page by page)
        for every adoption of the run, and indexed by scope and name.
        """
        session = self._session()
        key = (org, self.collection.value, None)
        items = session.cache.items(key, lambda: session.client.iter_objects(org, self.collection))
        index = session.names.get(key)
        if index is None or index[0] is not items or index[1] != len(items):
            by_name = {
                (o.get("unitId") if self.in_unit else None, o.get("name")): object_id
                for object_id, o in items.items()
            }
            index = (items, len(items), by_name)
            session.names[key] = index
        found = index[2].get((self._unit_of(props), body.get("name")))
        return items.get(found) if found is not None else None

    def _create_or_take_over(
        self, org: str, props: Mapping[str, Any], body: JSONObject
    ) -> JSONObject:
        """POST under a key derived from this resource alone; what the key made is ours.

        The key does not depend on the body, so a create cut off by a crash is recognised
        on the re-run even when the configuration changed in between: the platform answers
        with the object the key made (a replay, or 409 idempotency-key-reused naming it),
        and this resource takes it over and brings it to the current settings. When that
        object was deleted since (out of band, or by a replacement), the next generation
        of the key makes a new one. Keys stay deterministic, so crashes at any point of
        this loop still converge.
        """
        anchor = self.natural_key(props)
        client = self.client
        for generation in range(MAX_KEY_GENERATIONS):
            key = digest("vcorg-create", anchor, generation)
            try:
                created = client.create(
                    org, self.collection, body, idempotency_key=key, subject=self.subject(props)
                )
            except Conflict as exc:
                if exc.key_reused:
                    existing = self._get_or_none(org, exc.existing_id)
                    if existing is None:
                        continue  # what the key made is gone: a new generation makes anew
                    return self._take_over(org, props, body, existing)
                if not props.get("adopt"):
                    raise
                return self._adopt(org, props, body, exc)
            obj = created.object
            if not created.replayed:
                self._session().fresh.add(obj["id"])
                return obj
            existing = self._get_or_none(org, obj["id"])
            if existing is not None:
                return self._take_over(org, props, body, existing)
        raise ResourceError(
            f"Could not create {self.subject(props)}: the platform holds {MAX_KEY_GENERATIONS} "
            "deleted earlier versions of it. Report this to the vcorg maintainers."
        )

    def _get_or_none(self, org: str, object_id: str | None) -> JSONObject | None:
        if not object_id:
            return None
        try:
            return self.client.get_object(org, self.collection, object_id)
        except NotFound:
            return None

    def _take_over(
        self, org: str, props: Mapping[str, Any], body: JSONObject, existing: JSONObject
    ) -> JSONObject:
        """An object this resource made earlier (provably): bring it to ``body``."""
        patch = {f: v for f, v in body.items() if not same(existing.get(f), v)}
        if not patch:
            return existing
        anchor = self.natural_key(props)
        return self.client.update(
            org,
            self.collection,
            existing["id"],
            patch,
            version=existing.get("version"),
            idempotency_key=digest("vcorg-update", anchor, existing.get("version")),
            subject=self.subject(props),
        ).object

    def natural_key(self, props: Mapping[str, Any]) -> str:
        return f"{props.get('organisation')}/{self.collection.value}/{props.get('key')}"

    def _adopt(
        self, org: str, props: Mapping[str, Any], body: JSONObject, exc: Conflict
    ) -> JSONObject:
        """Take over the object that holds this name, and bring it to the desired settings."""
        existing: JSONObject | None = None
        if exc.existing_id:
            try:
                existing = self.client.get_object(org, self.collection, exc.existing_id)
            except NotFound:
                existing = None
        if existing is None:
            unit_id = self._unit_of(props)
            candidates = self.client.iter_objects(org, self.collection, unit_id=unit_id)
            existing = next((o for o in candidates if o.get("name") == body.get("name")), None)
        if existing is None:
            raise exc
        patch = {f: v for f, v in body.items() if not same(existing.get(f), v)}
        if not patch:
            return existing
        return self.client.update_object(
            org,
            self.collection,
            existing["id"],
            patch,
            version=existing.get("version"),
            subject=self.subject(props),
        )

    @reported
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        org = props["organisation"]
        session = self._session()
        # A refresh reads every resource: one paged list of the whole collection serves
        # them all, so requests grow with pages (500 objects each), not with objects.
        items = session.cache.items(
            (org, self.collection.value, None),
            lambda: session.client.iter_objects(org, self.collection),
        )
        obj = items.get(id_)
        if obj is None:
            # Not where we left it: moved to another unit in the console, or deleted.
            try:
                obj = session.client.get_object(org, self.collection, id_)
            except NotFound:
                return ReadResult("", {})
        outs = self.outputs(props, obj)
        inputs = {f: outs.get(f) for f in self.input_fields if f in outs}
        return ReadResult(id_, outs, inputs)

    @reported
    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        org = news["organisation"]
        patch = self.body(news, tuple(changed_fields(olds, news, self.api_fields)))
        if not patch:
            previous = {k: v for k, v in olds.items() if k not in self.input_fields}
            return UpdateResult(self.outputs(news, public(previous)))
        anchor = self.natural_key(news)
        try:
            try:
                written = self.client.update(
                    org,
                    self.collection,
                    id_,
                    patch,
                    version=olds.get("version"),
                    # One key per (resource, version it changes): a change cut off by a
                    # crash is recognised on the re-run, even with another configuration.
                    idempotency_key=digest("vcorg-update", anchor, olds.get("version")),
                    subject=self.subject(news),
                )
                obj = written.object
                if written.replayed:
                    # Our own earlier change, replayed: read what the object holds now.
                    obj = self.client.get_object(org, self.collection, id_)
            except Conflict as exc:
                if not exc.key_reused:
                    raise
                obj = self._resume_update(org, id_, news, anchor, exc.existing_version)
            except PreconditionFailed:
                obj = self._resolve_stale_update(org, id_, olds, news, patch)
        except NotFound:
            raise ResourceError(
                f"{self.subject(news)} no longer exists on the platform (id {id_}); it was "
                "probably deleted in the console. Run `pulumi refresh` (or `vcorg plan "
                "--refresh`) so it is recreated on the next apply."
            ) from None
        self._invalidate(org, olds, news)
        return UpdateResult(self.outputs(news, obj))

    def _resume_update(
        self,
        org: str,
        id_: str,
        news: Mapping[str, Any],
        anchor: str,
        ours: int | None,
    ) -> JSONObject:
        """Earlier runs of this resource changed the object and crashed before recording it.

        ``ours`` is the version the state's key produced. Each later crashed run wrote on
        top of the previous one under the key of the version it found, so the chain of
        keys K(v), K(v+1), ... proves which versions were ours. Follow it to the current
        version; if it breaks (a 412: someone else wrote in between), stop as for any
        concurrent change. The fields are compared with the platform, not with the state,
        which never saw these changes.
        """
        client = self.client
        current = client.get_object(org, self.collection, id_, subject=self.subject(news))
        wanted = self.body(news)
        patch = {f: v for f, v in wanted.items() if not same(current.get(f), v)}
        if not patch:
            return current
        version = ours
        for _ in range(MAX_KEY_GENERATIONS):
            if version is None:
                break
            try:
                written = client.update(
                    org,
                    self.collection,
                    id_,
                    patch,
                    version=version,
                    idempotency_key=digest("vcorg-update", anchor, version),
                    subject=self.subject(news),
                )
            except Conflict as exc:
                if not exc.key_reused:
                    raise
                version = exc.existing_version  # that version was ours too: follow on
                continue
            except PreconditionFailed:
                break  # the next version is not ours
            if not written.replayed:
                return written.object
            version = written.object.get("version")  # ours, with this very patch: follow on
        raise PreconditionFailed(
            f"Could not update {self.subject(news)}: someone changed it on the platform "
            "after vcorg's interrupted earlier change. Run a refresh, review the plan "
            "again, then apply.",
            problem=ProblemDocument(status=412, detail="version mismatch"),
            method="PATCH",
            path=f"{self.collection.value}/{id_}",
            subject=self.subject(news),
        )

    def _resolve_stale_update(
        self,
        org: str,
        id_: str,
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
        patch: JSONObject,
    ) -> JSONObject:
        """The object moved on since we read it (412): go ahead only when that is harmless.

        - It already holds every value we asked for: a retried PATCH whose first response
          was lost, so the update is done.
        - None of the fields we change were changed by the other writer (a console edit
          elsewhere, or a side effect of this run such as a room losing its owner area):
          apply our fields on the current version; the other change is kept and shows as
          drift on the next refresh.
        Otherwise someone changed the same fields: fail and ask for a refresh and review.
        """
        current = self.client.get_object(org, self.collection, id_, subject=self.subject(news))
        if all(same(current.get(f), v) for f, v in patch.items()):
            return current
        if all(same(current.get(f), olds.get(f)) for f in patch):
            return self.client.update_object(
                org,
                self.collection,
                id_,
                patch,
                version=current.get("version"),
                subject=self.subject(news),
            )
        raise PreconditionFailed(
            f"Could not update {self.subject(news)}: someone changed "
            f"{', '.join(f for f in patch if not same(current.get(f), olds.get(f)))} on the "
            "platform since vcorg last read it. Run a refresh, review the plan again, "
            "then apply.",
            problem=ProblemDocument(status=412, detail="version mismatch"),
            method="PATCH",
            path=f"{self.collection.value}/{id_}",
            subject=self.subject(news),
        )

    @reported
    def delete(self, id_: str, props: dict[str, Any]) -> None:
        org = props["organisation"]
        # Already gone is fine: deleted out of band, or a retried delete that had landed.
        with contextlib.suppress(NotFound):
            try:
                self._delete(org, id_, props.get("version"), props)
            except PreconditionFailed:
                # The deletion was reviewed and does not depend on the object's settings;
                # a newer version (a console edit, or a side effect of this run, such as a
                # room losing its owner area) does not make it less wanted.
                current = self.client.get_object(org, self.collection, id_)
                self._delete(org, id_, current.get("version"), props)
        self._invalidate(org, props)

    def _delete(
        self, org: str, id_: str, version: int | float | None, props: Mapping[str, Any]
    ) -> None:
        self.client.delete_object(
            org, self.collection, id_, version=version, subject=self.subject(props)
        )


def to_api(value: Any) -> Any:
    """Pulumi sends every number as a float; the API wants integers where they are whole."""
    if is_unknown(value):
        raise ResourceError("internal error: an unknown value reached the platform API")
    return whole_numbers(value)


@functools.cache
def settings_fields(model: type[BaseModel], not_settings: frozenset[str]) -> tuple[str, ...]:
    """The camelCase names of a config model's settings, in declaration order."""
    return tuple(
        field.alias or name
        for name, field in model.model_fields.items()
        if name not in not_settings
    )


class ObjectResource(VcorgResource):
    """Base of the resource classes whose provider is an :class:`ObjectProvider`.

    Every such object takes an organisation, a key and ``adopt``, and reports the API's
    metadata; the subclass passes what places it and the config object of its settings.
    """

    version: pulumi.Output[int]
    output_slots: ClassVar[tuple[str, ...]] = META_FIELDS

    def __init__(
        self,
        provider: ObjectProvider,
        resource_name: str,
        *,
        organisation: pulumi.Input[str],
        key: pulumi.Input[str],
        placement: Mapping[str, Any],
        settings: BaseModel,
        adopt: pulumi.Input[bool],
        opts: pulumi.ResourceOptions | None,
    ) -> None:
        # Inputs in the order they have always been registered: organisation and key
        # first, what places the object, its settings, adopt last. `adopt: false` is the
        # default and is left out: at thousands of resources it is state nobody reads.
        props = {
            "organisation": organisation,
            "key": key,
            **placement,
            **provider.settings_of(settings),
            **({} if adopt is False else {"adopt": adopt}),
        }
        super().__init__(provider, resource_name, props, opts)
