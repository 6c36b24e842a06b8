"""Where the client finds the platform URL and the API token."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import httpx

from .errors import ConfigurationError

API_URL_KEY = "vcorg:apiUrl"
TOKEN_KEY = "vcorg:token"
API_URL_ENV = "VCORG_API_URL"
TOKEN_ENV = "VCORG_TOKEN"
API_PREFIX = "/api/v1"


@dataclass(frozen=True)
class ClientSettings:
    """Connection settings. ``repr`` never shows the token."""

    api_url: str
    token: str = field(repr=False)

    @classmethod
    def resolve(
        cls,
        config_get: Callable[[str], object] | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> ClientSettings:
        """Stack config first (``vcorg:apiUrl``, ``vcorg:token``), then the environment."""
        env = os.environ if environ is None else environ

        def pick(key: str, env_name: str) -> str:
            value = config_get(key) if config_get is not None else None
            if value in (None, ""):
                value = env.get(env_name, "")
            return str(value).strip()

        api_url = pick(API_URL_KEY, API_URL_ENV)
        token = pick(TOKEN_KEY, TOKEN_ENV)
        if not api_url:
            raise ConfigurationError(
                "No platform URL is configured. Set it with "
                f"`pulumi config set {API_URL_KEY} https://...` or the {API_URL_ENV} "
                "environment variable."
            )
        if not token:
            raise ConfigurationError(
                "No API token is configured. Set it with "
                f"`pulumi config set --secret {TOKEN_KEY} ...` or the {TOKEN_ENV} "
                "environment variable."
            )
        return cls(api_url=normalise_api_url(api_url), token=token)


def normalise_api_url(url: str) -> str:
    """Accept ``https://host``, ``https://host/`` or ``https://host/api/v1``."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise ConfigurationError(f"The platform URL {url!r} is not a valid URL.") from exc
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ConfigurationError(
            f"The platform URL {url!r} must start with https:// (or http:// on loopback)."
        )
    base = url.rstrip("/")
    if base.endswith(API_PREFIX):
        base = base[: -len(API_PREFIX)]
    return base
