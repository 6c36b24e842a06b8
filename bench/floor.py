"""The engine floor: do-nothing dynamic resources, for comparing vcorg against the engine.

A `Noop` resource's provider answers every call from its inputs without any I/O, so a
run of N of them costs what the Pulumi engine and the dynamic-provider host cost for N
resources and nothing else. The provider lives in this importable module, like vcorg's,
so its pickle in state is a short reference and not a copy of its code.

The provider process must be able to import this module: run the engine with the
repository root on `PYTHONPATH` (bench_scale.py does).
"""

from __future__ import annotations

from typing import Any

from pulumi.dynamic import (
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    Resource,
    ResourceProvider,
    UpdateResult,
)


class NoopProvider(ResourceProvider):
    serialize_as_secret_always = False

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        return CheckResult(news, [])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = any(olds.get(k) != v for k, v in news.items() if k != "__provider")
        return DiffResult(changes=changed)

    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(f"noop-{props.get('name')}", dict(props))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        return ReadResult(id_, props)

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(dict(news))

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        return None


NOOP_PROVIDER = NoopProvider()


class Noop(Resource, module="bench", name="Noop"):
    def __init__(self, name: str, props: dict[str, Any]) -> None:
        super().__init__(NOOP_PROVIDER, name, {"name": name, **props})


def program(count: int, *, generation: int = 0, changed_every: int = 0) -> None:
    """`count` Noop resources; every `changed_every`-th one carries `generation`."""
    for i in range(count):
        gen = generation if changed_every and i % changed_every == 0 else 0
        Noop(f"r{i:06d}", {"index": i, "generation": gen, "payload": "x" * 200})
