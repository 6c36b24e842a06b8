"""A minimal `pulumi-language-python` built on the SDK's own in-process language server.

Why this exists: the official host is a Go program whose module
(`github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3`) the Go module
proxy does not serve on CI and offline machines, so `scripts/ensure-pulumi` cannot build
it there. vcorg's own commands never need it (they run inline programs through the
Automation API), but running the example Pulumi project with a plain `pulumi up` does.
This stand-in runs a project's `__main__.py` through `pulumi.automation`'s
`LanguageServer`, with the interpreter the shim (`shim_script`) starts it with:

- the project's virtualenv when `Pulumi.yaml` names one (`runtime.options.virtualenv`,
  the plain `virtualenv: DIR` form), relative to the project directory, as the official
  host does; a virtualenv that is named but missing is an error saying how to create it;
- else `$PULUMI_PYTHON_CMD`, else `python3`.

The host itself is imported from that interpreter, so the virtualenv must hold vcorg
(the example's `requirements.txt` installs it). It supports `pulumi up/preview/refresh/
destroy`; it does not create virtualenvs or install dependencies (`pulumi install`).
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

    def Handshake(
        self, request: language_pb2.LanguageHandshakeRequest, context: grpc.ServicerContext
    ) -> language_pb2.LanguageHandshakeResponse:
        return language_pb2.LanguageHandshakeResponse()

    def Run(
        self, request: language_pb2.RunRequest, context: grpc.ServicerContext
    ) -> language_pb2.RunResponse:
        wrong = _virtualenv_mismatch(request)
        if wrong is not None:
            return language_pb2.RunResponse(error=wrong)
        path = _program_path(request)
        directory = str(path.parent)
        if directory not in sys.path:
            sys.path.insert(0, directory)
        os.chdir(request.pwd or directory)

        def program() -> None:
            runpy.run_path(str(path), run_name="__main__")

        self.program = program
        # The SDK's LanguageServer.Run has no annotations (it returns a RunResponse).
        response: language_pb2.RunResponse = super().Run(request, context)  # type: ignore[no-untyped-call]
        return response


def _virtualenv_mismatch(request: language_pb2.RunRequest) -> str | None:
    """An error when Pulumi.yaml names a virtualenv that this host is not running in."""
    options = request.info.options
    if not options or "virtualenv" not in options.fields:
        return None
    named = options.fields["virtualenv"].string_value
    if not named:
        return None
    root = Path(request.info.root_directory or request.pwd or os.getcwd())
    venv = (root / named).resolve()
    if Path(sys.prefix).resolve() == venv:
        return None
    return (
        f"Pulumi.yaml names the virtualenv {named!r} ({venv}), but vcorg's stand-in language "
        f"host runs in {sys.prefix}; unset PULUMI_PYTHON_CMD, or create the virtualenv: "
        f"python3 -m venv {named} && {named}/bin/pip install -r requirements.txt"
    )


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


_SHIM = r"""#!/bin/sh
# MARKER: stand-in written by vcorg; see that module's docstring.
# The engine starts language hosts in the project directory. Like the official host,
# run in the virtualenv that Pulumi.yaml names (runtime.options.virtualenv), if any.
python="${PULUMI_PYTHON_CMD:-python3}"
for project in Pulumi.yaml Pulumi.yml; do
  [ -f "$project" ] || continue
  venv=$(sed -n 's/^[[:space:]]*virtualenv:[[:space:]]*//p' "$project" | head -n 1 |
    sed -e 's/[[:space:]]#.*$//' -e 's/[[:space:]]*$//' | tr -d "\"'")
  if [ -n "$venv" ]; then
    if [ ! -x "$venv/bin/python" ]; then
      echo "$project names the virtualenv '$venv', but $PWD/$venv/bin/python is missing." >&2
      echo "Create it: python3 -m venv $venv && $venv/bin/pip install -r requirements.txt" >&2
      exit 1
    fi
    python="$venv/bin/python"
    PATH="$(cd "$venv/bin" && pwd):$PATH"
    export PATH
  fi
  break
done
exec "$python" -m MARKER "$@"
"""


def shim_script() -> str:
    return _SHIM.replace("MARKER", SHIM_MARKER)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
