"""The three problem renderers print the same sorted list, each in its own form."""

from __future__ import annotations

import json

from vcorg.config.problem import ConfigError, Problem, Severity, sorted_problems
from vcorg.config.report import render_github, render_json, render_text

ODD = Problem("duplicate-email", "org, v2:a.yaml", 3, 7, "units.a", "50% of\nthe list")
WARN = Problem("suspended-without-message", "a.yaml", 1, 1, "", "why?", Severity.WARNING)


def test_text_is_one_line_per_problem():
    assert render_text([ODD, WARN]) == (
        "org, v2:a.yaml:3:7: error: units.a: 50% of\\nthe list\na.yaml:1:1: warning: why?\n"
    )


def test_github_escapes_properties_and_data():
    assert render_github([ODD, WARN]) == (
        "::error file=org%2C v2%3Aa.yaml,line=3,col=7,title=vcorg duplicate-email::"
        "units.a: 50%25 of%0Athe list\n"
        "::warning file=a.yaml,line=1,col=1,title=vcorg suspended-without-message::why?\n"
    )


def test_json_counts_and_fields():
    document = json.loads(render_json([ODD, WARN]))
    assert (document["valid"], document["errorCount"], document["warningCount"]) == (False, 1, 1)
    assert document["problems"][0]["message"] == "50% of\nthe list"
    assert json.loads(render_json([WARN]))["valid"] is True


def test_sorted_by_file_line_column_and_deduplicated():
    late = Problem("a", "b.yaml", 2, 1, "", "m")
    early = Problem("a", "b.yaml", 1, 9, "", "m")
    other = Problem("a", "a.yaml", 9, 9, "", "m")
    assert sorted_problems([late, early, other, late]) == [other, early, late]
    error = ConfigError([late, early])
    assert error.problems == [early, late]
    assert "2 error(s)" in str(error)
