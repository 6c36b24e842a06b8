"""Fuzz `vcorg validate` in-process with random and mutated YAML.

Whatever the input, the command must answer with exit code 0 or 1, never a
traceback, and every output line in the documented format. Bounded to run in
CI in well under a minute.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vcorg.cli import main
from vcorg.config.rules import catalogue

REPO = Path(__file__).resolve().parents[2]
SEED = (REPO / "examples" / "hospital" / "org.yaml").read_bytes()
TEXT_LINE = re.compile(r"^[^\n]+:\d+:\d+: (error|warning): [^\n]*$")
GITHUB_LINE = re.compile(r"^::(error|warning) file=[^,\n]*,line=\d+,col=\d+,title=[^:\n]*::[^\n]*$")
KNOWN_IDS = set(catalogue())
FUZZ = settings(
    max_examples=int(os.environ.get("VCORG_FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _run(content: bytes | dict[str, bytes], fmt: str) -> int:
    files = content if isinstance(content, dict) else {"org.yaml": content}
    with tempfile.TemporaryDirectory() as tmp:
        for name, body in files.items():
            (Path(tmp) / name).parent.mkdir(parents=True, exist_ok=True)
            (Path(tmp) / name).write_bytes(body)
        target = tmp if len(files) > 1 else str(Path(tmp) / "org.yaml")
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["validate", "--format", fmt, target])
    stdout, stderr = out.getvalue(), err.getvalue()
    assert code in (0, 1), (code, stderr)
    assert "Traceback" not in stdout + stderr
    assert "unexpected" not in stderr, stderr
    if fmt == "json":
        document = json.loads(stdout)
        assert document["valid"] is (code == 0)
        assert {p["id"] for p in document["problems"]} <= KNOWN_IDS
        return code
    pattern = TEXT_LINE if fmt == "text" else GITHUB_LINE
    for line in stdout.splitlines():
        assert pattern.match(line), line
    if code == 1:
        assert stdout, "an invalid config must report at least one problem"
    return code


_FORMATS = st.sampled_from(["text", "json", "github"])


@FUZZ
@given(content=st.binary(max_size=400), fmt=_FORMATS)
def test_random_bytes(content, fmt):
    _run(content, fmt)


@FUZZ
@given(content=st.text(max_size=400), fmt=_FORMATS)
def test_random_text(content, fmt):
    _run(content.encode("utf-8", "surrogatepass"), fmt)


_KEYS = st.sampled_from(
    ["name", "nmae", "units", "roles", "waitingAreas", "open", "from", "<<", "? x", "-", "&a",
     "*a", "!!python/object", "maxParticipants", "days", "x y"]
)  # fmt: skip
_VALUES = st.one_of(
    st.sampled_from(
        ["", "8", "-1", "no", "null", "[", "{", "[mon, mon]", '"25:00"', "*a", "&a x", "|",
         "!!binary AAAA", "!!bool maybe", "!!map [1]", "!!timestamp x", "!!set {a}", ".inf",
         "0x1F", "2024-01-01", "'unterminated", "{a: 1, a: 2}"]
    ),
    st.text(max_size=20),
)  # fmt: skip


@st.composite
def _mutated(draw: st.DrawFn, seed: bytes = SEED) -> bytes:
    lines = seed.split(b"\n")
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "delete", "duplicate", "insert", "nest"]))
        at = draw(st.integers(0, len(lines) - 1))
        if kind == "flip" and lines[at]:
            column = draw(st.integers(0, len(lines[at]) - 1))
            byte = draw(st.integers(0, 255))
            lines[at] = lines[at][:column] + bytes([byte]) + lines[at][column + 1 :]
        elif kind == "delete":
            del lines[at]
        elif kind == "duplicate":
            lines.insert(at, lines[at])
        elif kind == "insert":
            indent = b" " * draw(st.integers(0, 12))
            key, value = draw(_KEYS), draw(_VALUES)
            lines.insert(at, indent + f"{key}: {value}".encode("utf-8", "surrogatepass"))
        else:
            depth = draw(st.integers(1, 2000))
            opener = draw(st.sampled_from([b"[", b"{a: ", b"- "]))
            lines.insert(at, b"      deep: " + opener * depth)
        if not lines:
            lines = [b""]
    return b"\n".join(lines)


@FUZZ
@given(content=_mutated(), fmt=_FORMATS)
def test_mutated_example(content, fmt):
    _run(content, fmt)


MULTI = {
    str(path.relative_to(REPO / "examples" / "multi-file")): path.read_bytes()
    for path in sorted((REPO / "examples" / "multi-file").rglob("*.yaml"))
}


@st.composite
def _mutated_directory(draw: st.DrawFn) -> dict[str, bytes]:
    files = dict(MULTI)
    for name in draw(st.lists(st.sampled_from(sorted(files)), min_size=1, max_size=2)):
        files[name] = draw(_mutated(files[name]))
    if draw(st.booleans()):
        # A second copy of one unit file: keys collide across files.
        name = draw(st.sampled_from(sorted(files)))
        files["units/copy.yaml"] = files[name]
    return files


@FUZZ
@given(files=_mutated_directory(), fmt=_FORMATS)
def test_mutated_directory(files, fmt):
    _run(files, fmt)


def test_unmutated_seeds_are_valid():
    # Guards the fuzz test itself: if the seeds were invalid, mutations would prove little.
    assert _run(SEED, "text") == 0
    assert _run(MULTI, "json") == 0
