"""A minimal `pulumi-language-python` built on the SDK's own in-process language server.

Why this exists: the official host is a Go program whose module
(`github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3`) the Go module
proxy does not serve on CI and offline machines, so `scripts/ensure-pulumi` cannot build
it there. vcorg's own commands never need it (they run inline programs through the
Automation API), but running the example Pulumi project with a plain `pulumi up` does.
This stand-in runs a project's `__main__.py` with the interpreter it was started with,
through `pulumi.automation`'s `LanguageServer`. It supports `pulumi up/preview/refresh/
destroy`; it does not manage virtualenvs or install dependencies (`pulumi install`).
Machines with an official Pulumi install use the official host and never this one.
"""

from __future__ import annotations

import os
import runpy
import sys
import threading
from concurrent import futures
from pathlib import Path

import grpc
from pulumi.automation._server import LanguageServer
from pulumi.runtime.proto import language_pb2, language_pb2_grpc

SHIM_NAME = "pulumi-language-python"
SHIM_MARKER = "vcorg.engine.language_host"


def _program_path(request: language_pb2.RunRequest) -> Path:
    info = request.info
    if info.program_directory:
        directory = Path(info.program_directory)
        entry = info.entry_point or "."
    else:
        directory = Path(request.pwd or os.getcwd())
        entry = request.program or "."
    path = (directory / entry).resolve()
    return path / "__main__.py" if path.is_dir() else path


class ProjectLanguageServer(LanguageServer):
    """Runs the project's program file instead of an inline function."""

    def __init__(self) -> None:
        super().__init__(program=lambda: None)

    def Handshake(self, request, context):
        return language_pb2.LanguageHandshakeResponse()

    def Run(self, request, context):
        path = _program_path(request)
        directory = str(path.parent)
        if directory not in sys.path:
            sys.path.insert(0, directory)
        os.chdir(request.pwd or directory)
        self.program = lambda: runpy.run_path(str(path), run_name="__main__")
        return super().Run(request, context)


def main(argv: list[str] | None = None) -> int:
    del argv  # the engine address and flags are unused: Run carries what we need
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=4),
        options=[("grpc.max_receive_message_length", 400 * 1024 * 1024)],
    )
    language_pb2_grpc.add_LanguageRuntimeServicer_to_server(ProjectLanguageServer(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(port, flush=True)
    # The engine interrupts its plugins when it is done; that is a clean exit.
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.stop(grace=None)
    return 0


def shim_script() -> str:
    return (
        "#!/bin/sh\n"
        f"# {SHIM_MARKER}: stand-in written by vcorg; see that module's docstring.\n"
        f'exec "${{PULUMI_PYTHON_CMD:-python3}}" -m {SHIM_MARKER} "$@"\n'
    )


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
