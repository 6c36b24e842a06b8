"""The export's YAML writer: any value reads back exactly, in the examples' style."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from vcorg.config.yamlload import load_yaml
from vcorg.export.yaml_writer import Commented, render_yaml

# Every character a platform could hand back, except lone surrogates (not UTF-8).
text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)
scalars = text | st.booleans() | st.integers(-10_000, 10_000)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.from_regex(r"[a-z][a-zA-Z]{0,12}", fullmatch=True),
        scalars
        | st.lists(scalars, max_size=4)
        | st.lists(st.dictionaries(st.sampled_from(["key", "label", "from"]), scalars), max_size=3),
        min_size=1,
        max_size=6,
    )
)
def test_any_document_reads_back_as_written(doc: dict[str, object]) -> None:
    text_out = render_yaml(doc, name="doc.yaml")  # raises if it would read back wrong
    loaded, problems = load_yaml(text_out, "doc.yaml")
    assert not problems and loaded == doc


def test_the_style_of_the_examples() -> None:
    doc = {
        "name": "Children's Ward",
        "reportingTags": ["yes", "on", "17:30", "plain"],
        "accessHours": {"open": [{"days": ["mon", "tue"], "from": "08:00", "to": "17:30"}]},
        "informationForCallers": "Line one\nLine two: with a colon\n",
        "roles": {
            "serviceProviders": ["a@x.example", Commented("b@x.example", "invitation expired")],
            "serviceAdministrators": ["c@x.example"],
        },
        "suspended": True,
        "maxParticipants": 4,
    }
    assert render_yaml(doc, header=["yaml-language-server: $schema=x.json", ""]) == (
        "# yaml-language-server: $schema=x.json\n"
        "#\n"
        "name: Children's Ward\n"
        'reportingTags: ["yes", "on", "17:30", plain]\n'
        "accessHours:\n"
        '  open: [{days: [mon, tue], from: "08:00", to: "17:30"}]\n'
        "informationForCallers: |\n"
        "  Line one\n"
        "  Line two: with a colon\n"
        "roles:\n"
        "  serviceProviders:\n"
        "    - a@x.example\n"
        "    - b@x.example  # invitation expired\n"
        "  serviceAdministrators: [c@x.example]\n"
        "suspended: true\n"
        "maxParticipants: 4\n"
    )


def test_long_lists_break_into_blocks() -> None:
    emails = [f"person.number{i}@a-rather-long-domain.example" for i in range(4)]
    text_out = render_yaml({"serviceProviders": emails})
    assert text_out.splitlines()[1:] == [f"  - {e}" for e in emails]


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        st.sampled_from(list(" aé:#-'\"\t\n>|")) | st.characters(blacklist_categories=("Cs",)),
        min_size=80,
        max_size=400,
    )
)
def test_long_text_reads_back_whether_folded_or_quoted(value: str) -> None:
    render_yaml({"informationForCallers": value, "roles": {"x": [value]}})


def test_long_prose_is_folded_like_the_examples() -> None:
    prose = "Please have your latest blood test results and medication list ready. " * 3
    out = render_yaml({"informationForCallers": prose.strip()})
    lines = out.splitlines()
    assert lines[0] == "informationForCallers: >-"
    assert all(len(line) <= 100 and line.startswith("  ") for line in lines[1:])
