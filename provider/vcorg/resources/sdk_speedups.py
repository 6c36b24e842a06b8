"""Per-resource costs of the Pulumi Python SDK (3.272) that a vcorg program does not need.

Profiling a no-op plan of 1,000 to 5,000 resources (`bench/profile_plan.py`) showed the
program's process spending most of its CPU in the SDK, not in vcorg:

- **A quadratic drain.** `pulumi.runtime.stack.wait_for_rpcs` waits for the program's
  pending outputs with `asyncio.wait(all_pending, FIRST_COMPLETED)` in a loop. Each round
  subscribes to and unsubscribes from every pending output to learn that one finished, so
  N resources with k outputs each cost O((kN)²) (pulumi/pulumi#22411 introduced the loop;
  python/cpython#74741 is the `asyncio.wait` cost). :func:`_wait_for_rpcs` keeps the same
  contract (every RPC and every output awaited, the first failure re-raised, repeated until
  quiet) with one subscription per output.
- **A debug log per step, sent synchronously.** Every registration sends three or more
  `log.debug` messages to the engine as blocking gRPC calls from the event loop. The engine
  drops them unless it runs with `--debug`/`-v`, which vcorg never asks for; they are kept
  when `VCORG_DEBUG` is set.
- **Type hints re-read per resource.** `rpc.resolve_outputs` calls
  `_types.resource_types(type(res))`, which evaluates the resource class's annotations with
  `typing.get_type_hints` for every resource. A class's hints never change: cached per class.
- **An Output for every property.** `rpc.transfer_properties` gives each input of each
  resource an Output (four futures and a task); vcorg's program reads back only a link
  or two. Resources that declare ``read_back`` (vcorg.resources.dynamic) get Outputs for
  those names only; the engine's answer for the others is dropped, as the SDK already
  does for names it has no Output for.
- **A stack trace per resource.** Every registration walks the Python stack with
  `traceback.extract_stack()` (reading source lines) and the engine stores the frames in
  state: about 2 KB per resource, more than the resource's own data. vcorg's resources are
  declared by the YAML, not by a line of Python, so the trace says nothing useful.

:func:`install` applies them all to the current process; vcorg's own programs call it
before they declare resources. A Pulumi project that uses `vcorg.Organisation` may call it
too; it then applies to every resource of that program. Each patch checks that the SDK
still has the function it replaces, so an SDK upgrade fails loudly in
`tests/provider/test_sdk_speedups.py` instead of silently doing nothing.
"""

from __future__ import annotations

import asyncio
import functools
import os
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pulumi._types as sdk_types
import pulumi.log as sdk_log
import pulumi.runtime.resource as sdk_resource
import pulumi.runtime.rpc as sdk_rpc
import pulumi.runtime.stack as sdk_stack
from pulumi.runtime import settings as sdk_settings
from pulumi.runtime.proto import source_pb2

if TYPE_CHECKING:
    from pulumi import Inputs, Resource
    from pulumi.runtime.rpc import Resolver

    Transfer = Callable[[Resource, Inputs, bool], dict[str, Resolver]]

_MARKER = "__vcorg_speedup__"


class SdkChanged(RuntimeError):
    """The Pulumi SDK no longer has a function vcorg replaces; the pin must be reviewed."""


def _marked(function: Callable[..., Any]) -> Callable[..., Any]:
    setattr(function, _MARKER, True)
    return function


def _require(module: ModuleType, name: str) -> Callable[..., Any]:
    current: object = getattr(module, name, None)
    if not callable(current):
        raise SdkChanged(f"pulumi SDK: {module.__name__}.{name} is gone; review sdk_speedups")
    return current


async def _wait_for_rpcs(await_all_outstanding_tasks: bool = True) -> None:
    """`wait_for_rpcs` in linear time: one done-callback per pending output, not per round."""
    rpc_manager = sdk_settings._get_rpc_manager()
    settings = sdk_settings.SETTINGS
    while True:
        while rpc_manager.rpcs:
            await asyncio.sleep(0)
            try:
                await rpc_manager.rpcs.pop()
            except Exception as exn:
                if rpc_manager.unhandled_exception is not None:
                    cause = rpc_manager.unhandled_exception.with_traceback(
                        rpc_manager.exception_traceback
                    )
                    raise exn from cause
                raise
        if rpc_manager.unhandled_exception is not None:
            raise rpc_manager.unhandled_exception.with_traceback(rpc_manager.exception_traceback)
        if await_all_outstanding_tasks:
            while True:
                with settings.lock:
                    pending = list(settings.outputs)
                    settings.outputs.clear()
                if not pending:
                    break
                # FIRST_EXCEPTION returns once every output is done, or at the first failure,
                # which is what the SDK's FIRST_COMPLETED loop amounts to, in one pass.
                done, not_done = await asyncio.wait(pending, return_when=asyncio.FIRST_EXCEPTION)
                for task in done:
                    await task
                if not_done:
                    with settings.lock:
                        settings.outputs.update(not_done)
        if not rpc_manager.rpcs:
            break


def _read_back_only(transfer: Transfer) -> Transfer:
    def transfer_properties(res: Resource, props: Inputs, custom: bool) -> dict[str, Resolver]:
        wanted = getattr(type(res), "read_back", None)
        if wanted is None or not isinstance(props, dict):
            return transfer(res, props, custom)
        return transfer(res, {k: v for k, v in props.items() if k in wanted}, custom)

    return transfer_properties


def _no_stack_trace() -> source_pb2.StackTrace:
    return source_pb2.StackTrace()


def _quiet_debug(
    msg: str,
    resource: Resource | None = None,
    stream_id: int | None = None,
    ephemeral: bool | None = None,
) -> None:
    """The engine discards debug messages unless it was asked for them; vcorg never is."""


def _cached_per_class(function: Callable[[type], dict[str, type]]) -> Callable[..., Any]:
    cached = functools.lru_cache(maxsize=None)(function)

    def per_class(resource_cls: type) -> dict[str, type]:
        return dict(cached(resource_cls))

    return per_class


def install() -> None:
    """Apply the speed-ups to this process (idempotent)."""
    resource_types = _require(sdk_types, "resource_types")
    transfer = _require(sdk_rpc, "transfer_properties")
    for module, name, replacement in (
        (sdk_rpc, "transfer_properties", _read_back_only(transfer)),
        (sdk_stack, "wait_for_rpcs", _wait_for_rpcs),
        (sdk_resource, "_get_stack_trace", _no_stack_trace),
        (sdk_types, "resource_types", _cached_per_class(resource_types)),
    ):
        if not getattr(_require(module, name), _MARKER, False):
            setattr(module, name, _marked(replacement))
    if not os.environ.get("VCORG_DEBUG") and not getattr(
        _require(sdk_log, "debug"), _MARKER, False
    ):
        sdk_log.debug = _marked(_quiet_debug)
