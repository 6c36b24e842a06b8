"""Drive the dynamic-provider host (``python -m pulumi.dynamic``) over gRPC, as the engine does.

The engine is not involved: each call builds the protobuf request by hand, with the
provider sent as the plain base64 string the SDK stores under ``__provider``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from typing import Any

import grpc
import pulumi.dynamic.dynamic as sdk_dynamic
from google.protobuf import json_format, struct_pb2
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc
from pulumi.runtime.rpc import UNKNOWN

from vcorg.resources import sdk_fixes
from vcorg.resources.base import PlatformProvider

__all__ = ["UNKNOWN", "DiffOutcome", "ProviderHost", "RpcFailed"]

PROVIDER_KEY = "__provider"


class RpcFailed(Exception):
    """A provider method failed; ``details`` is what the engine would show the user."""

    def __init__(self, code: grpc.StatusCode, details: str) -> None:
        super().__init__(details)
        self.code = code
        self.details = details


@dataclass
class DiffOutcome:
    changes: bool | None
    replaces: list[str]
    delete_before_replace: bool


def _struct(props: dict[str, Any]) -> struct_pb2.Struct:
    s = struct_pb2.Struct()
    s.update(props)
    return s


def _dict(s: struct_pb2.Struct) -> dict[str, Any]:
    return json_format.MessageToDict(s, preserving_proto_field_name=True)


class ProviderHost:
    """One ``python -m pulumi.dynamic`` process and a stub talking to it."""

    def __init__(self, *, env: dict[str, str] | None = None) -> None:
        full_env = {**os.environ, **(env or {})}
        full_env.pop("VCORG_TOKEN", None)
        full_env.pop("VCORG_API_URL", None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pulumi.dynamic"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=full_env,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline().decode().strip()
        if not line.isdigit():
            err = self.process.stderr.read().decode() if self.process.stderr else ""
            raise RuntimeError(f"provider host did not print its port: {line!r} {err}")
        self.port = int(line)
        self.channel = grpc.insecure_channel(f"127.0.0.1:{self.port}")
        self.stub = provider_pb2_grpc.ResourceProviderStub(self.channel)

    def close(self) -> None:
        self.channel.close()
        self.process.kill()
        self.process.wait(timeout=10)

    def stderr_text(self) -> str:
        """Everything the host printed on stderr (only after ``close()``)."""
        return self.process.stderr.read().decode() if self.process.stderr else ""

    def _call(self, method: str, request: Any) -> Any:
        try:
            return getattr(self.stub, method)(request, timeout=120)
        except grpc.RpcError as exc:
            raise RpcFailed(exc.code(), exc.details() or "") from None

    def configure(self, config: dict[str, str]) -> None:
        self._call("Configure", provider_pb2.ConfigureRequest(args=_struct(dict(config))))

    @staticmethod
    def urn(type_name: str, name: str) -> str:
        return f"urn:pulumi:test::vcorg::pulumi-python:dynamic/vcorg:{type_name}::{name}"

    @staticmethod
    def with_provider(provider: PlatformProvider, props: dict[str, Any]) -> dict[str, Any]:
        sdk_fixes.install()  # as constructing a resource does, before the SDK serialises
        return {**props, PROVIDER_KEY: sdk_dynamic.serialize_provider(provider)}

    def check(
        self, urn: str, olds: dict[str, Any], news: dict[str, Any]
    ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        resp = self._call(
            "Check", provider_pb2.CheckRequest(urn=urn, olds=_struct(olds), news=_struct(news))
        )
        return _dict(resp.inputs), [(f.property, f.reason) for f in resp.failures]

    def create(self, urn: str, props: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        resp = self._call("Create", provider_pb2.CreateRequest(urn=urn, properties=_struct(props)))
        return resp.id, _dict(resp.properties)

    def read(
        self, urn: str, id_: str, props: dict[str, Any]
    ) -> tuple[str, dict[str, Any], dict[str, Any]]:
        resp = self._call(
            "Read", provider_pb2.ReadRequest(id=id_, urn=urn, properties=_struct(props))
        )
        return resp.id, _dict(resp.properties), _dict(resp.inputs)

    def diff(self, urn: str, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffOutcome:
        resp = self._call(
            "Diff",
            provider_pb2.DiffRequest(id=id_, urn=urn, olds=_struct(olds), news=_struct(news)),
        )
        changes = {
            provider_pb2.DiffResponse.DIFF_SOME: True,
            provider_pb2.DiffResponse.DIFF_NONE: False,
        }.get(resp.changes)
        return DiffOutcome(changes, list(resp.replaces), resp.deleteBeforeReplace)

    def update(
        self, urn: str, id_: str, olds: dict[str, Any], news: dict[str, Any]
    ) -> dict[str, Any]:
        resp = self._call(
            "Update",
            provider_pb2.UpdateRequest(id=id_, urn=urn, olds=_struct(olds), news=_struct(news)),
        )
        return _dict(resp.properties)

    def delete(self, urn: str, id_: str, props: dict[str, Any]) -> None:
        self._call("Delete", provider_pb2.DeleteRequest(id=id_, urn=urn, properties=_struct(props)))
