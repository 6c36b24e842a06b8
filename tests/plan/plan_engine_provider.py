"""A network-free dynamic provider for checking what real engine events look like.

It lives in its own importable module so the provider process can unpickle it.
"""

from __future__ import annotations

import uuid
from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, Resource, ResourceProvider, UpdateResult


def _props(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if k != "__provider" and k != "link"}


class EchoProvider(ResourceProvider):
    """Echoes inputs as outputs and mints a link that only a replacement changes."""

    serialize_as_secret_always = False

    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(props["key"], {**props, "link": f"https://vc.example/{uuid.uuid4()}"})

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        old, new = _props(olds), _props(news)
        changed = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
        replaces = [k for k in changed if k == "unitKey"]
        return DiffResult(changes=bool(changed), replaces=replaces)

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult({**news, "link": olds.get("link")})


class WaitingArea(Resource, module="vcorg", name="WaitingArea"):
    link: pulumi.Output[str]

    def __init__(
        self, name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(EchoProvider(), name, {**props, "link": None}, opts)
