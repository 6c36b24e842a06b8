"""An S3-compatible object store on loopback (moto's server), for a shared Pulumi backend.

Teams keep vcorg's state in a bucket (`PULUMI_BACKEND_URL=s3://...`). The crash tests
run against one so that what vcorg promises on a shared backend is tested on one: the
state, the lock and its healing all go through the bucket, not through local files.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

import httpx

BUCKET = "vcorg-state"
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "vcorg-test",
    "AWS_SECRET_ACCESS_KEY": "vcorg-test",
    "AWS_REGION": "us-east-1",
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class S3Server:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = _free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def backend_url(self) -> str:
        """The Pulumi backend URL of the bucket (gocloud's s3blob syntax)."""
        return f"s3://{BUCKET}?endpoint={self.endpoint}&use_path_style=true&region=us-east-1"

    def start(self) -> S3Server:
        self.directory.mkdir(parents=True, exist_ok=True)
        moto = Path(sys.executable).parent / "moto_server"
        with (self.directory / "moto.log").open("wb") as log:
            self.process = subprocess.Popen(
                [str(moto), "-H", "127.0.0.1", "-p", str(self.port)], stdout=log, stderr=log
            )
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.put(f"{self.endpoint}/{BUCKET}", timeout=5).raise_for_status()
                return self
            except httpx.HTTPError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise RuntimeError("moto_server did not start") from None
                time.sleep(0.2)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def __enter__(self) -> S3Server:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
