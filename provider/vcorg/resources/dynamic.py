"""Base of the vcorg resource classes: provider wiring and the idempotency anchor."""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import Resource, ResourceProvider


class VcorgResource(Resource):
    """A dynamic resource whose provider is a module-level singleton.

    Every resource gets an extra input, ``resourceUrn`` (its own URN, computed the way
    the engine computes it), from which ``create()`` derives the Idempotency-Key.
    """

    def __init__(
        self,
        provider: ResourceProvider,
        resource_name: str,
        props: dict[str, Any],
        opts: pulumi.ResourceOptions | None,
        outputs: tuple[str, ...],
    ) -> None:
        opts = opts or pulumi.ResourceOptions()
        type_token = f"pulumi-python:{self._resource_type_name}"
        props = dict(props)
        props["resourceUrn"] = pulumi.create_urn(resource_name, type_token, parent=opts.parent)
        for name in outputs:
            props.setdefault(name, None)
        super().__init__(provider, resource_name, props, opts)
