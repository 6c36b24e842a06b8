"""What an admin sees when things go wrong, and that the token never shows."""

from __future__ import annotations

import pytest

from tests.provider.grpc_host import ProviderHost, RpcFailed
from tests.provider.harness import Providers, start_host
from tests.support.platform import PlatformServer
from vcorg.resources import UNIT_PROVIDER

WRONG_TOKEN = "vcp_wrong-token-that-must-never-leak-0001"


def test_rejected_token_is_explained_and_never_echoed(platform: PlatformServer) -> None:
    host = start_host(platform, {"vcorg:apiUrl": platform.url, "vcorg:token": WRONG_TOKEN})
    providers = Providers(host, platform)
    try:
        with pytest.raises(RpcFailed) as info:
            providers.units.create("sec", providers.unit("sec", "Secure"))
    finally:
        host.close()
    details = info.value.details
    assert "401" in details
    assert "vcorg:token" in details
    assert "VCORG_TOKEN" in details
    assert WRONG_TOKEN not in details
    assert WRONG_TOKEN not in host.stderr_text()


def test_real_token_never_in_outputs_errors_or_host_output(platform: PlatformServer) -> None:
    host = start_host(platform)
    providers = Providers(host, platform)
    try:
        id_, state = providers.units.create("sec2", providers.unit("sec2", "Secure 2"))
        _, outs, inputs = providers.units.read("sec2", id_, state)
        with pytest.raises(RpcFailed) as info:
            providers.units.create("sec3", providers.unit("sec3", "Secure 2"))
    finally:
        host.close()
    blob = repr((state, outs, inputs, info.value.details, host.stderr_text()))
    assert platform.token not in blob
    assert "already exists" in info.value.details


def test_missing_settings_say_what_to_set() -> None:
    host = ProviderHost()
    try:
        host.configure({})
        bag = {"organisation": "acme", "key": "k", "name": "N", "resourceUrn": "u"}
        with pytest.raises(RpcFailed) as info:
            host.create(host.urn("OrganisationalUnit", "k"), host.with_provider(UNIT_PROVIDER, bag))
    finally:
        host.close()
    assert "pulumi config set vcorg:apiUrl" in info.value.details
    assert "VCORG_API_URL" in info.value.details


def test_unreachable_platform_is_a_transport_error(platform: PlatformServer) -> None:
    # A port nobody listens on: connection refused, retried, then explained.
    host = start_host(platform, {"vcorg:apiUrl": "http://127.0.0.1:9", "vcorg:token": "t"})
    try:
        bag = {"organisation": "acme", "key": "k", "name": "N", "resourceUrn": "u"}
        with pytest.raises(RpcFailed) as info:
            host.create(host.urn("OrganisationalUnit", "k"), host.with_provider(UNIT_PROVIDER, bag))
    finally:
        host.close()
    assert "connection to http://127.0.0.1:9 failed" in info.value.details
    assert "safe to re-run" in info.value.details
