"""Running the app under uvicorn, announcing the address once ready."""

from __future__ import annotations

import socket
import sys

import uvicorn

from vcplatform.app import build
from vcplatform.db import Database
from vcplatform.settings import ListenError, Settings


class _AnnouncingServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, announce: str) -> None:
        super().__init__(config)
        self.announce = announce

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            # The contract: exactly this one first line on stdout once requests are served.
            sys.stdout.write(self.announce + "\n")
            sys.stdout.flush()


def serve(db: Database, settings: Settings, *, host: str, port: int, log_level: str) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit this. Without it, keep-alive requests stall ~40 ms:
    # the response goes out in two writes and Nagle waits for the client's delayed ACK.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ListenError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    sock.listen(256)
    bound_port = sock.getsockname()[1]
    shown_host = f"[{host}]" if family == socket.AF_INET6 else host
    platform = build(settings, db)
    config = uvicorn.Config(
        platform.asgi,
        log_level=log_level,
        access_log=False,
        proxy_headers=False,
        server_header=False,
        lifespan="off",
        timeout_graceful_shutdown=5,
    )
    server = _AnnouncingServer(config, f"vcplatform listening on http://{shown_host}:{bound_port}")
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
        db.dispose()
