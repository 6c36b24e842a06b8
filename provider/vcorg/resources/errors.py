"""Errors the dynamic providers raise towards the Pulumi engine."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from vcorg.client import PlatformError

P = ParamSpec("P")
R = TypeVar("R")


class ResourceError(Exception):
    """A provider operation failed; the message is written for the admin running vcorg.

    The dynamic-provider host prints a traceback with every error; raising this type
    ``from None`` at the provider's edge keeps that traceback to the last few frames,
    and its final line is the whole, actionable message.
    """


def reported(method: Callable[P, R]) -> Callable[P, R]:
    """Turn client errors into :class:`ResourceError` at the provider's edge."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except PlatformError as exc:
            raise ResourceError(str(exc)) from None

    return wrapper
