"""Base of the vcorg resource classes: provider wiring and output slots."""

from __future__ import annotations

from typing import Any, ClassVar

import pulumi
from pulumi.dynamic import Resource, ResourceProvider

from . import sdk_fixes


class VcorgResource(Resource):
    """A dynamic resource whose provider is a module-level singleton."""

    # Outputs reserved as empty input slots, so the engine keeps what the provider returns
    # under these names (the plan reads them: `vcorg.resources.OUTPUT_SLOTS`).
    output_slots: ClassVar[tuple[str, ...]] = ()
    # The properties a program reads back from the resource as Outputs (`res.link`). With
    # vcorg.resources.sdk_speedups installed, only these get an Output each; the SDK would
    # otherwise build one, with four futures, for every input of every resource.
    read_back: ClassVar[frozenset[str]] = frozenset()

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
        props = dict(props)
        for name in self.output_slots:
            props.setdefault(name, None)
        super().__init__(provider, resource_name, props, opts)
