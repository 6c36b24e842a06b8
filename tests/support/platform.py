"""Run a real ``vcplatform serve`` in a subprocess for tests.

    with PlatformServer(tmp_path) as platform:
        httpx.get(platform.url + "/api/v1/me", headers=platform.headers)
        platform.accept_invitations()
        assert platform.dump()["units"] == []

Extra ``serve`` options (faults, rate limits) go in ``serve_args``. The server binds
127.0.0.1 on a free port and uses ``sqlite:///<dir>/p.db`` unless ``db_url`` is given.
"""

from __future__ import annotations

import atexit
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

LISTENING = re.compile(r"^vcplatform listening on (http://\S+)$")
METRIC = re.compile(
    r'^vcplatform_requests_total\{method="(\w+)",route="([^"]*)",status="(\w+)"\} (\d+)'
)


class PlatformError(RuntimeError):
    """The server did not start, or an operator command failed."""


class PlatformServer:
    def __init__(
        self,
        directory: Path | str,
        *,
        org: str = "acme",
        org_name: str = "Acme Health",
        admin_email: str = "admin@acme.test",
        serve_args: Sequence[str] = (),
        db_url: str | None = None,
        start_timeout: float = 30.0,
    ) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.org = org
        self.org_name = org_name
        self.admin_email = admin_email
        self.serve_args = list(serve_args)
        self.db_url = db_url or f"sqlite:///{self.directory / 'p.db'}"
        self.start_timeout = start_timeout
        self.url = ""
        self.token = ""
        self.process: subprocess.Popen[bytes] | None = None
        self.stdout_path = self.directory / "vcplatform.stdout"
        self.stderr_path = self.directory / "vcplatform.stderr"

    # --- lifecycle ------------------------------------------------------------------

    def start(self) -> PlatformServer:
        # One CLI process (each costs about a second): the organisation comes with the token.
        self.token = self.cli(
            "token",
            "create",
            "--org",
            self.org,
            "--org-name",
            self.org_name,
            "--email",
            self.admin_email,
            "--role",
            "system-administrator",
        ).strip()
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "vcplatform",
                    "serve",
                    "--port",
                    "0",
                    "--db",
                    self.db_url,
                    *self.serve_args,
                ],
                stdout=out,
                stderr=err,
                env=_env(),
            )
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            first = self.stdout_path.read_text().split("\n", 1)
            if len(first) == 2:
                match = LISTENING.match(first[0])
                if not match:
                    self.stop()
                    raise PlatformError(f"unexpected first line from serve: {first[0]!r}")
                self.url = match.group(1)
                return self
            if self.process.poll() is not None:
                raise PlatformError(
                    f"vcplatform serve exited with {self.process.returncode}:\n"
                    + self.stderr_path.read_text()
                )
            time.sleep(0.05)
        self.stop()
        raise PlatformError(f"vcplatform serve did not start within {self.start_timeout}s")

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

    def __enter__(self) -> PlatformServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # --- conveniences ---------------------------------------------------------------

    @property
    def api(self) -> str:
        return f"{self.url}/api/v1"

    @property
    def org_api(self) -> str:
        return f"{self.url}/api/v1/orgs/{self.org}"

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def client(self, token: str | None = None, **kwargs: Any) -> httpx.Client:
        """An httpx client on the org's API base with a bearer token (admin by default)."""
        return httpx.Client(
            base_url=self.org_api,
            headers={"Authorization": f"Bearer {token or self.token}"},
            timeout=kwargs.pop("timeout", 30.0),
            **kwargs,
        )

    def cli(self, *args: str) -> str:
        """Run ``vcplatform ARGS --db <this db>``; return stdout, raise on failure."""
        result = subprocess.run(
            [sys.executable, "-m", "vcplatform", *args, "--db", self.db_url],
            capture_output=True,
            text=True,
            env=_env(),
            timeout=120,
        )
        if result.returncode != 0:
            raise PlatformError(
                f"vcplatform {' '.join(args)} failed ({result.returncode}): {result.stderr}"
            )
        return result.stdout

    def create_token(
        self, email: str, role: str = "system-administrator", scope: str | None = None
    ) -> str:
        """A token for ``email`` holding ``role`` (on ``scope``'s id for scoped roles)."""
        args = ["token", "create", "--org", self.org, "--email", email, "--role", role]
        if scope is not None:
            flag = {
                "organisation": "--unit",
                "service": "--waiting-area",
                "meeting": "--meeting-room",
            }[role.split("-")[0]]
            args += [flag, scope]
        return self.cli(*args).strip()

    def dump(self) -> dict[str, Any]:
        return json.loads(self.cli("dump", "--org", self.org))

    def accept_invitations(self, email: str | None = None) -> int:
        return self._invitations("accept", email)

    def expire_invitations(self, email: str | None = None) -> int:
        return self._invitations("expire", email)

    def _invitations(self, action: str, email: str | None) -> int:
        args = ["invitations", action, "--org", self.org]
        if email is not None:
            args += ["--email", email]
        return int(json.loads(self.cli(*args))["count"])

    def metrics(self) -> dict[tuple[str, str, str], int]:
        """The request counters: ``{(method, route, status): count}``."""
        text = httpx.get(f"{self.url}/metrics", timeout=10).text
        counts = {}
        for line in text.splitlines():
            match = METRIC.match(line)
            if match:
                method, route, status, count = match.groups()
                counts[(method, route, status)] = int(count)
        return counts

    def request_count(self) -> int:
        """API requests served so far (``/api/…`` only; /metrics itself is not counted)."""
        return sum(n for (_, route, _), n in self.metrics().items() if route.startswith("/api/"))


def _env() -> dict[str, str]:
    env = dict(os.environ)
    # Make the server importable from a source checkout even without an editable install.
    server_dir = str(Path(__file__).resolve().parents[2] / "server")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (server_dir, env.get("PYTHONPATH")) if p)
    return env


def unique_name(prefix: str) -> str:
    """A name no other test on a shared server uses."""
    return f"{prefix} {uuid.uuid4().hex[:8]}"


_POSTGRES: dict[str, str] = {}


def postgres_url() -> str:
    """A PostgreSQL server for the storage tests: ``$VCPLATFORM_TEST_POSTGRES_URL``, else one
    started (once per test process) with ``scripts/postgres``. Never skips: a missing
    PostgreSQL is an error.
    """
    configured = os.environ.get("VCPLATFORM_TEST_POSTGRES_URL")
    if configured:
        return configured
    if "url" not in _POSTGRES:
        script = Path(__file__).resolve().parents[2] / "scripts" / "postgres"
        # Directly under /tmp: the postgres user must be able to reach the directory.
        directory = tempfile.mkdtemp(prefix="vcplatform-pg-", dir="/tmp")
        result = subprocess.run(
            [str(script), "start", directory], capture_output=True, text=True, timeout=600
        )
        if result.returncode != 0:
            raise PlatformError(f"scripts/postgres start failed: {result.stderr}")
        _POSTGRES["url"] = result.stdout.strip().splitlines()[-1]
        atexit.register(_stop_postgres, str(script), directory)
    return _POSTGRES["url"]


def _stop_postgres(script: str, directory: str) -> None:
    subprocess.run([script, "stop", directory], capture_output=True, timeout=120)
    shutil.rmtree(directory, ignore_errors=True)


def fresh_postgres_database(prefix: str = "vcplatform_test") -> str:
    """Create an empty database on :func:`postgres_url`'s server and return its URL."""
    import psycopg
    from psycopg import sql

    base = postgres_url()
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    head, _, _ = base.rpartition("/")
    return f"{head}/{name}"


def drop_postgres_database(url: str) -> None:
    """Drop a database made by :func:`fresh_postgres_database` (after its server stopped)."""
    import psycopg
    from psycopg import sql

    name = url.rpartition("/")[2]
    with psycopg.connect(postgres_url(), autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
