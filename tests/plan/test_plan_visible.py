"""Every plan renderer shows hidden characters as escapes (issue 12, item 6).

Config validation refuses them in names and emails, but a plan also shows what the
platform holds (a name changed by hand, a description) and a deletion of something that
was never validated by this version. A reviewer must see them in every format.
"""

from __future__ import annotations

import io
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from tests.plan.plan_scenario import meeting_room, role_members, step, unit, waiting_area
from vcorg.plan import build_plan
from vcorg.visible import is_hidden

RLO = "\u202e"
ZWSP = "\u200b"
TAG_A = "\U000e0041"


def _plan(name: str, email: str, description: str):
    return build_plan(
        [
            step("OrganisationalUnit", "im", "create", None, unit("im", name, tags=[name])),
            step(
                "WaitingArea",
                "clinic",
                "update",
                waiting_area("clinic", "im", "Clinic"),
                waiting_area("clinic", "im", name, description=description),
            ),
            step("MeetingRoom", "huddle", "delete", meeting_room("huddle", "im", name), None),
            step(
                "RoleMembers",
                "im.organisation-administrator",
                "create",
                None,
                role_members("im", "unit", "im", "organisation-administrator", [email]),
            ),
        ]
    )


def _no_hidden(text: str, *, keep: str = "\n") -> None:
    hidden = sorted({c for c in text if is_hidden(c) and c not in keep})
    assert not hidden, [f"U+{ord(c):04X}" for c in hidden]


def test_the_issue_email_is_visible_in_every_format():
    plan = _plan(f"Clinic{ZWSP}A", f"ana{RLO}@x.example", f"Walk{TAG_A}-in")
    text = plan.to_text()
    markdown = plan.to_markdown()
    document = plan.to_json()
    for rendered in (text, markdown, document):
        _no_hidden(rendered)
    assert "invite ana\\u202e@x.example as organisation administrator" in text
    assert "ana\\u202e@x.example" in markdown
    assert '"Clinic\\u200bA"' in text and "Clinic\\u200bA" in markdown
    assert "\\U000e0041" in text
    # JSON escapes them the JSON way: the data is unchanged for machines.
    assert "\\u202e" in document and "\\udb40\\udc41" in document
    data = json.loads(document)
    emails = [m["email"] for g in data["units"] for r in g["resources"] for m in r["members"]]
    assert emails == [f"ana{RLO}@x.example"]


def test_the_terminal_rendering_is_visible_too():
    plan = _plan(f"Clinic{RLO}A", "ana@x.example", "")
    out = io.StringIO()
    Console(file=out, force_terminal=True, width=200).print(plan)
    _no_hidden(out.getvalue(), keep="\n\x1b")
    assert "Clinic\\u202eA" in out.getvalue()


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    name=st.text(min_size=1, max_size=30),
    email_local=st.text(min_size=1, max_size=10),
    description=st.text(max_size=30),
)
def test_property_no_renderer_prints_a_hidden_character(name, email_local, description):
    plan = _plan(name, f"{email_local}@x.example", description)
    _no_hidden(plan.to_text())
    _no_hidden(plan.to_markdown())
    document = plan.to_json()
    _no_hidden(document)
    data = json.loads(document)
    assert data["units"][0]["unitName"] == name
