"""Base of the vcorg resource classes: provider wiring and the idempotency anchor."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any, ClassVar, cast

import pulumi
from pulumi.dynamic import Resource, ResourceProvider

from . import sdk_fixes


class VcorgResource(Resource):
    """A dynamic resource whose provider is a module-level singleton.

    Every resource gets an extra input, ``resourceUrn`` (its own URN, computed the way
    the engine computes it), from which ``create()`` derives the Idempotency-Key.
    """

    # Outputs reserved as empty input slots, so the engine keeps what the provider returns
    # under these names (the plan reads them: `vcorg.resources.OUTPUT_SLOTS`).
    output_slots: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self,
        provider: ResourceProvider,
        resource_name: str,
        props: dict[str, Any],
        opts: pulumi.ResourceOptions | None,
    ) -> None:
        # The SDK serialises the provider in Resource.__init__ below: guard it first.
        sdk_fixes.install()
        opts = opts or pulumi.ResourceOptions()
        type_token = f"pulumi-python:{self._resource_type_name}"
        props = dict(props)
        parent = opts.parent
        prefix = getattr(parent, "child_urn_prefix", None)
        if prefix:
            # The URN as a plain string: no Output to resolve per resource.
            props["resourceUrn"] = f"{prefix}{type_token}::{resource_name}"
        else:
            props["resourceUrn"] = pulumi.create_urn(
                resource_name,
                type_token,
                parent=_detached(parent.urn) if parent is not None else None,
            )
        for name in self.output_slots:
            props.setdefault(name, None)
        super().__init__(provider, resource_name, props, opts)


def _detached(urn: pulumi.Output[str]) -> pulumi.Output[str]:
    """The same URN value without its dependency on the parent.

    Depending on a component means depending on all its children, this resource
    included: a cycle. A URN is known before the resource is created, so dropping the
    dependency loses no ordering.
    """
    value = cast("Awaitable[str]", urn.future())
    return pulumi.Output(set(), value, urn.is_known())
