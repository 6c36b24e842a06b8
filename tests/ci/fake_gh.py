"""A stand-in for the GitHub CLI, for running the example workflows' shell steps.

It keeps a small GitHub in a JSON file (`$FAKE_GH_STATE`: issues with their comments,
labels), records every call it gets (`$FAKE_GH_LOG`, one JSON array of arguments per
line), and answers the subcommands the workflows use as `gh` does, `--jq` filters
included (gh embeds a jq; this uses the `jq` package). The repository comes from
`$GH_REPO`, as with the real `gh`. Anything else is an error, so a workflow that starts
calling something new fails its test until the fake learns it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

import jq

STATE = Path(os.environ["FAKE_GH_STATE"])
LOG = Path(os.environ["FAKE_GH_LOG"])


def _load() -> dict[str, Any]:
    if STATE.exists():
        return json.loads(STATE.read_text())
    return {"issues": [], "labels": [], "next": 1}


def _save(state: dict[str, Any]) -> None:
    STATE.write_text(json.dumps(state, indent=1))


def _repo() -> str:
    repo = os.environ.get("GH_REPO", "")
    if not repo:
        sys.exit("fake gh: GH_REPO is not set (the workflow must say which repository)")
    return repo


def _issue(state: dict[str, Any], number: int) -> dict[str, Any]:
    for issue in state["issues"]:
        if issue["number"] == number:
            return issue
    sys.exit(f"fake gh: no issue #{number}")


def _out(value: Any, jq_filter: str | None) -> None:
    if jq_filter is None:
        print(json.dumps(value))
        return
    for result in jq.compile(jq_filter).input_value(value).all():
        print(result if isinstance(result, str) else json.dumps(result))


def _body(args: argparse.Namespace) -> str:
    if getattr(args, "body_file", None):
        return Path(args.body_file).read_text()
    return str(args.body)


def api(state: dict[str, Any], argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="gh api")
    parser.add_argument("path")
    parser.add_argument("--method", "-X", default="GET")
    parser.add_argument("--paginate", action="store_true")
    parser.add_argument("--jq", "-q")
    parser.add_argument("--field", "-F", action="append", default=[])
    parser.add_argument("--raw-field", "-f", action="append", default=[])
    args = parser.parse_args(argv)
    parts = args.path.strip("/").split("/")
    if parts[:3] != ["repos", *_repo().split("/")]:
        sys.exit(f"fake gh: api path {args.path!r} is not in {_repo()}")
    rest = parts[3:]
    if args.method == "GET" and len(rest) == 3 and rest[0] == "issues" and rest[2] == "comments":
        comments = _issue(state, int(rest[1]))["comments"]
        # Two comments a page, so --paginate and per-page --jq are exercised.
        pages = [comments[i : i + 2] for i in range(0, len(comments), 2)] or [[]]
        for page in pages if args.paginate else pages[:1]:
            _out(page, args.jq)
        return
    if args.method == "PATCH" and rest[:2] == ["issues", "comments"] and len(rest) == 3:
        fields = dict(f.split("=", 1) for f in args.field + args.raw_field)
        body = fields["body"]
        if body.startswith("@") and args.field:
            body = Path(body[1:]).read_text()
        for issue in state["issues"]:
            for comment in issue["comments"]:
                if comment["id"] == int(rest[2]):
                    comment["body"] = body
                    _out(comment, args.jq)
                    return
        sys.exit(f"fake gh: no comment {rest[2]}")
    sys.exit(f"fake gh: api {args.method} {args.path} is not faked")


def issue(state: dict[str, Any], argv: list[str]) -> None:
    verb, rest = argv[0], argv[1:]
    parser = argparse.ArgumentParser(prog=f"gh issue {verb}")
    if verb == "list":
        parser.add_argument("--state", default="open")
        parser.add_argument("--label", action="append", default=[])
        parser.add_argument("--limit", "-L", type=int, default=30)
        parser.add_argument("--json", required=True)
        parser.add_argument("--jq", "-q")
        args = parser.parse_args(rest)
        found = [
            {k: i[k] for k in args.json.split(",")}
            for i in reversed(state["issues"])
            if (args.state == "all" or i["state"] == args.state)
            and all(label in i["labels"] for label in args.label)
        ][: args.limit]
        _out(found, args.jq)
        return
    if verb == "create":
        parser.add_argument("--title", "-t", required=True)
        parser.add_argument("--body-file", "-F")
        parser.add_argument("--body", "-b")
        parser.add_argument("--label", "-l", action="append", default=[])
        args = parser.parse_args(rest)
        for label in args.label:
            if label not in state["labels"]:
                sys.exit(f"fake gh: could not add label: '{label}' not found")
        number = state["next"]
        state["next"] += 1
        state["issues"].append(
            {
                "number": number,
                "title": args.title,
                "body": _body(args),
                "labels": args.label,
                "state": "open",
                "comments": [],
            }
        )
        print(f"https://github.com/{_repo()}/issues/{number}")
        return
    parser.add_argument("number", type=int)
    if verb == "edit":
        parser.add_argument("--body-file", "-F")
        parser.add_argument("--title", "-t")
        args = parser.parse_args(rest)
        found = _issue(state, args.number)
        found["body"] = Path(args.body_file).read_text()
        if args.title:
            found["title"] = args.title
        print(f"https://github.com/{_repo()}/issues/{args.number}")
        return
    if verb == "close":
        parser.add_argument("--comment", "-c")
        args = parser.parse_args(rest)
        found = _issue(state, args.number)
        if args.comment:
            _comment(state, found, args.comment)
        found["state"] = "closed"
        return
    sys.exit(f"fake gh: issue {verb} is not faked")


def _comment(state: dict[str, Any], issue: dict[str, Any], body: str) -> None:
    ids = [c["id"] for i in state["issues"] for c in i["comments"]]
    comment_id = max([999, *ids]) + 1
    issue["comments"].append({"id": comment_id, "body": body, "user": "github-actions[bot]"})


def pr(state: dict[str, Any], argv: list[str]) -> None:
    if argv[0] != "comment":
        sys.exit(f"fake gh: pr {argv[0]} is not faked")
    parser = argparse.ArgumentParser(prog="gh pr comment")
    parser.add_argument("number", type=int)
    parser.add_argument("--body-file", "-F")
    parser.add_argument("--body", "-b")
    parser.add_argument("--edit-last", action="store_true")
    args = parser.parse_args(argv[1:])
    target = _issue(state, args.number)
    if args.edit_last:
        if not target["comments"]:
            sys.exit("fake gh: no comments found for current user")
        target["comments"][-1]["body"] = _body(args)
        return
    _comment(state, target, _body(args))
    print(f"https://github.com/{_repo()}/pull/{args.number}#issuecomment")


def label(state: dict[str, Any], argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="gh label create")
    parser.add_argument("verb", choices=["create"])
    parser.add_argument("name")
    parser.add_argument("--color", "-c")
    parser.add_argument("--description", "-d")
    parser.add_argument("--force", "-f", action="store_true")
    args = parser.parse_args(argv)
    if args.name in state["labels"] and not args.force:
        sys.exit(f"fake gh: label {args.name!r} already exists")
    if args.name not in state["labels"]:
        state["labels"].append(args.name)


def main(argv: list[str]) -> None:
    with LOG.open("a") as log:
        log.write(json.dumps(argv) + "\n")
    if not os.environ.get("GH_TOKEN"):
        sys.exit("fake gh: GH_TOKEN is not set")
    state = _load()
    commands = {"api": api, "issue": issue, "pr": pr, "label": label}
    if not argv or argv[0] not in commands:
        sys.exit(f"fake gh: {' '.join(argv[:2])} is not faked")
    commands[argv[0]](state, argv[1:])
    _save(state)


if __name__ == "__main__":
    main(sys.argv[1:])
