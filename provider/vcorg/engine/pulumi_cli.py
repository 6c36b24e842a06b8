"""Find the `pulumi` CLI, or build the pinned release from the Go module proxy.

Real users install Pulumi the official way and get it from PATH. CI and offline
machines, where the official installer cannot be downloaded, build the pinned release
with `go` into a per-user cache once and reuse it afterwards.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from vcorg.engine.language_host import SHIM_NAME, shim_script
from vcorg.engine.versions import PULUMI_CLI_MINIMUM, PULUMI_CLI_VERSION

PKG_MODULE = "github.com/pulumi/pulumi/pkg/v3"
SDK_MODULE = "github.com/pulumi/pulumi/sdk/v3"
CLI_PACKAGE = f"{PKG_MODULE}/cmd/pulumi"
LAUNCHER = "pulumi-resource-pulumi-python"
EXEC_SHIM = "pulumi-language-python-exec"


class PulumiNotAvailable(Exception):
    """No usable `pulumi` on PATH and the pinned release could not be built."""


def _version_tuple(text: str) -> tuple[int, ...]:
    match = re.search(r"(\d+)\.(\d+)\.(\d+)", text)
    return tuple(int(x) for x in match.groups()) if match else (0,)


def cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "vcorg" / "pulumi"


def cached_bin_dir(version: str = PULUMI_CLI_VERSION) -> Path:
    return cache_root() / f"v{version}" / "bin"


def cli_version(pulumi: Path) -> str | None:
    """`pulumi version`, remembered per binary (path, size, mtime): it costs ~0.5 s a run."""
    try:
        stat = pulumi.resolve().stat()
    except OSError:
        return None
    identity = f"{pulumi.resolve()}:{stat.st_size}:{stat.st_mtime_ns}"
    known = _VERSIONS_SEEN.get(identity) or _read_versions().get(identity)
    if known:
        _VERSIONS_SEEN[identity] = known
        return known
    version = _run_version(pulumi)
    if version:
        _VERSIONS_SEEN[identity] = version
        _remember_version(identity, version)
    return version


_VERSIONS_SEEN: dict[str, str] = {}


def _versions_file() -> Path:
    return cache_root() / "versions.json"


def _read_versions() -> dict[str, str]:
    try:
        data = json.loads(_versions_file().read_text())
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _remember_version(identity: str, version: str) -> None:
    data = _read_versions()
    data[identity] = version
    with contextlib.suppress(OSError):
        _versions_file().parent.mkdir(parents=True, exist_ok=True)
        tmp = _versions_file().with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True))
        tmp.replace(_versions_file())


def _run_version(pulumi: Path) -> str | None:
    try:
        out = subprocess.run(
            [str(pulumi), "version"],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "PULUMI_SKIP_UPDATE_CHECK": "true"},
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def _usable(bin_dir: Path, *, exact: str | None = None) -> bool:
    pulumi = bin_dir / "pulumi"
    if not (pulumi.is_file() and os.access(pulumi, os.X_OK)):
        return False
    version = cli_version(pulumi)
    if version is None:
        return False
    if exact is not None:
        return _version_tuple(version) == _version_tuple(exact)
    return _version_tuple(version) >= _version_tuple(PULUMI_CLI_MINIMUM)


def pulumi_bin_dir(*, build: bool = True, log: Callable[[str], None] | None = None) -> Path:
    """Return the directory holding a usable `pulumi`, building it if needed."""
    if os.environ.get("VCORG_PULUMI_FROM_PATH", "1") != "0":
        found = shutil.which("pulumi")
        if found and _usable(Path(found).resolve().parent):
            return Path(found).resolve().parent
    cached = cached_bin_dir()
    if _usable(cached, exact=PULUMI_CLI_VERSION):
        install_language_host_shim(cached)
        return cached
    if not build:
        raise PulumiNotAvailable(
            f"pulumi {PULUMI_CLI_VERSION} is not on PATH and not built yet; "
            "run scripts/ensure-pulumi or install Pulumi from pulumi.com"
        )
    return build_pinned(log=log)


ensure_pulumi = pulumi_bin_dir


@contextlib.contextmanager
def _build_lock() -> Iterator[None]:
    cache_root().mkdir(parents=True, exist_ok=True)
    with open(cache_root() / ".build.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _go(args: list[str], cwd: Path, log: Callable[[str], None]) -> str:
    go = shutil.which("go")
    if go is None:
        raise PulumiNotAvailable(
            "neither `pulumi` nor `go` is on PATH; install Pulumi (pulumi.com/docs/install) "
            "or Go 1.24+ so vcorg can build the pinned engine"
        )
    env = {**os.environ, "GOFLAGS": "-mod=mod", "CGO_ENABLED": "0"}
    log(f"$ go {' '.join(args)}")
    proc = subprocess.run([go, *args], cwd=cwd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-15:])
        raise PulumiNotAvailable(f"`go {' '.join(args[:2])}` failed:\n{tail}")
    return proc.stdout


def _module_dir(module: str, version: str, cwd: Path, log: Callable[[str], None]) -> dict[str, str]:
    """`go mod download -json`: the module's paths ("Dir", "GoMod", ...), all text."""
    out = _go(["mod", "download", "-json", f"{module}@v{version}"], cwd, log)
    info: dict[str, str] = json.loads(out)
    return info


def _replace_directives(go_mod: Path) -> list[str]:
    """The pkg module's non-local replace directives, which `go install` refuses to honour."""
    lines = []
    for line in go_mod.read_text().splitlines():
        stripped = line.strip()
        if stripped.startswith("replace ") and "=> ." not in stripped:
            lines.append(stripped)
    return lines


def build_pinned(*, log: Callable[[str], None] | None = None) -> Path:
    """Build the pinned CLI and lay out the Python plugin launchers beside it."""
    say = log or (lambda msg: print(msg, file=sys.stderr))
    target = cached_bin_dir()
    with _build_lock():
        if _usable(target, exact=PULUMI_CLI_VERSION):
            return target
        say(
            f"vcorg: building pulumi v{PULUMI_CLI_VERSION} from the Go module proxy"
            " (first run only)"
        )
        with tempfile.TemporaryDirectory(prefix="vcorg-pulumi-build-") as tmp:
            work = Path(tmp)
            (work / "go.mod").write_text("module vcorg.local/pulumibuild\n\ngo 1.24\n")
            pkg = _module_dir(PKG_MODULE, PULUMI_CLI_VERSION, work, say)
            replaces = _replace_directives(Path(pkg["GoMod"]))
            with (work / "go.mod").open("a") as handle:
                handle.write("\n" + "\n".join(replaces) + "\n")
            (work / "tools.go").write_text(
                f'//go:build tools\n\npackage tools\n\nimport _ "{CLI_PACKAGE}"\n'
            )
            _go(
                [
                    "get",
                    f"{CLI_PACKAGE}@v{PULUMI_CLI_VERSION}",
                    f"{SDK_MODULE}@v{PULUMI_CLI_VERSION}",
                ],
                work,
                say,
            )
            staging = work / "bin"
            staging.mkdir()
            ldflags = f"-s -w -X {SDK_MODULE}/go/common/version.Version=v{PULUMI_CLI_VERSION}"
            _go(
                [
                    "build",
                    "-trimpath",
                    "-ldflags",
                    ldflags,
                    "-o",
                    str(staging / "pulumi"),
                    CLI_PACKAGE,
                ],
                work,
                say,
            )
            # The dynamic-provider launcher and the exec shim ship in the SDK module's tree.
            sdk = _module_dir(SDK_MODULE, PULUMI_CLI_VERSION, work, say)
            sdk_dir = Path(sdk["Dir"])
            for name, rel in ((LAUNCHER, "python/dist"), (EXEC_SHIM, "python/cmd")):
                shutil.copyfile(sdk_dir / rel / name, staging / name)
            for item in staging.iterdir():
                item.chmod(0o755)
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                shutil.rmtree(target)
            shutil.move(str(staging), str(target))
        install_language_host_shim(target)
        say(f"vcorg: pulumi v{PULUMI_CLI_VERSION} ready in {target}")
    return target


def install_language_host_shim(bin_dir: Path) -> None:
    """Put vcorg's stand-in `pulumi-language-python` beside a CLI we built.

    The official host's Go module is not served by the proxy, so a built CLI has none;
    see vcorg.engine.language_host for what the stand-in does and does not do.
    """
    shim = bin_dir / SHIM_NAME
    text = shim_script()
    if shim.is_file() and shim.read_text() == text:
        return
    tmp = shim.with_suffix(".tmp")
    tmp.write_text(text)
    tmp.chmod(0o755)
    tmp.replace(shim)


def engine_env(bin_dir: Path | None = None) -> dict[str, str]:
    """Environment for running the engine: our bin first on PATH, no update checks."""
    bin_dir = bin_dir or pulumi_bin_dir()
    env = dict(os.environ)
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env["PULUMI_SKIP_UPDATE_CHECK"] = "true"
    env.setdefault("PULUMI_DIY_BACKEND_NO_LEGACY_WARNING", "true")
    # The dynamic-provider launcher runs `python3 -m pulumi.dynamic`; make it ours.
    env.setdefault("PULUMI_PYTHON_CMD", sys.executable)
    return env


def main(argv: list[str] | None = None) -> int:
    """Print the directory holding pulumi."""
    try:
        print(pulumi_bin_dir())
    except PulumiNotAvailable as exc:
        print(f"vcorg: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
