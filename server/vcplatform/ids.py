"""Server-assigned identifiers and secrets."""

from __future__ import annotations

import hashlib
import secrets
import time

_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"


def _base32(value: int, length: int) -> str:
    chars = []
    for _ in range(length):
        chars.append(_CROCKFORD[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def new_id(prefix: str) -> str:
    """A ULID-shaped id (time first, so ids sort roughly by creation), e.g. ``unit_01h…``."""
    millis = int(time.time() * 1000)
    return f"{prefix}_{_base32(millis, 10)}{_base32(secrets.randbits(80), 16)}"


def new_link_token() -> str:
    """The unguessable part of a waiting-area or meeting-room link."""
    return secrets.token_urlsafe(16)


def new_api_token() -> str:
    """A bearer token: 32 random bytes; only its hash is stored."""
    return "vcp_" + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """sha256 is enough for random 32-byte tokens: there is nothing to brute-force."""
    return hashlib.sha256(token.encode()).hexdigest()
