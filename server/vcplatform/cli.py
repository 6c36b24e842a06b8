"""The ``vcplatform`` command: serve the API and operate on its database.

Command and option names are a contract other tools rely on: add, never rename.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from vcplatform.db import Database, DatabaseUrlError, default_db, normalise_url
from vcplatform.operator import OperatorError
from vcplatform.roles import ACCOUNT_ROLES
from vcplatform.settings import (
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_PUBLIC_URL,
    ListenError,
    SettingError,
)


def _rate(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number between 0 and 1") from None


def _statuses(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError("use 500, 503 or 500,503") from None


def parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        default=default_db(),
        help="database: a SQLite file path, sqlite:///PATH or postgresql://… "
        "(default: $VCPLATFORM_DB or ./vcplatform.db)",
    )
    top = argparse.ArgumentParser(
        prog="vcplatform", description="The reference video-call platform (API v1)."
    )
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser(
        "serve",
        parents=[common],
        help="migrate the database, then serve the API",
        description="Serve the API. Prints 'vcplatform listening on http://HOST:PORT' "
        "as its first stdout line once ready.",
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8750, help="0 picks a free port")
    serve.add_argument(
        "--public-url",
        default=DEFAULT_PUBLIC_URL,
        help="base of waiting-area and meeting-room links",
    )
    serve.add_argument(
        "--invitation-ttl-days",
        type=float,
        default=30.0,
        help="days until a pending invitation expires (default 30)",
    )
    serve.add_argument(
        "--max-body-bytes",
        type=int,
        default=DEFAULT_MAX_BODY_BYTES,
        help="larger request bodies get 413 (default 1 MiB)",
    )
    serve.add_argument(
        "--rate-limit",
        metavar="N/PERIOD",
        help="per-token limit such as 5/s or 600/min; over it: 429 + Retry-After",
    )
    serve.add_argument(
        "--log-level", default="warning", choices=["critical", "error", "warning", "info", "debug"]
    )
    faults = serve.add_argument_group(
        "fault injection",
        "Faults strike before a request is processed, except "
        "--fault-after-commit-rate. /metrics and /openapi.json are never faulted.",
    )
    faults.add_argument(
        "--fault-error-rate",
        type=_rate,
        default=0.0,
        metavar="F",
        help="fraction of requests answered 500/503 (see --fault-statuses)",
    )
    faults.add_argument(
        "--fault-statuses",
        type=_statuses,
        default=(500, 503),
        metavar="500,503",
        help="statuses --fault-error-rate picks from",
    )
    faults.add_argument(
        "--fault-latency-ms",
        type=int,
        default=0,
        metavar="N",
        help="delay every request by N milliseconds",
    )
    faults.add_argument(
        "--fault-drop-rate",
        type=_rate,
        default=0.0,
        metavar="F",
        help="fraction of requests whose connection is closed unanswered",
    )
    faults.add_argument(
        "--fault-after-commit-rate",
        type=_rate,
        default=0.0,
        metavar="F",
        help="fraction of POST/PATCH/DELETE requests whose change commits "
        "but whose response is lost (connection closed)",
    )
    faults.add_argument(
        "--fault-seed",
        type=int,
        default=None,
        metavar="N",
        help="seed the fault dice for a reproducible run",
    )

    org = sub.add_parser("org", help="organisations").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    org_create = org.add_parser("create", parents=[common], help="create (idempotent)")
    org_create.add_argument("key")
    org_create.add_argument("--name", required=True)

    token = sub.add_parser("token", help="API tokens").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    token_create = token.add_parser(
        "create",
        parents=[common],
        help="create the account and role if missing; print a new token (only) on stdout",
    )
    token_create.add_argument("--org", required=True)
    token_create.add_argument(
        "--org-name", metavar="NAME", help="create the organisation with this name if missing"
    )
    token_create.add_argument("--email", required=True)
    token_create.add_argument("--role", required=True, choices=ACCOUNT_ROLES)
    scope = token_create.add_mutually_exclusive_group()
    scope.add_argument("--unit", metavar="ID", help="scope of a unit role")
    scope.add_argument("--waiting-area", metavar="ID", help="scope of a waiting-area role")
    scope.add_argument("--meeting-room", metavar="ID", help="scope of a meeting-room role")

    inv = sub.add_parser("invitations", help="invitations").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    for name, help_text in (
        ("accept", "accept pending invitations, as if the email link was clicked"),
        ("expire", "expire pending invitations now"),
    ):
        action = inv.add_parser(name, parents=[common], help=help_text)
        action.add_argument("--org", required=True)
        action.add_argument("--email", help="only this person's invitations")

    usage = sub.add_parser("usage", help="usage data (calls)").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    simulate = usage.add_parser(
        "simulate",
        parents=[common],
        help="record realistic calls for the organisation; the same seed gives the same calls",
    )
    simulate.add_argument("--org", required=True)
    simulate.add_argument("--days", type=int, default=30, help="how many days (default 30)")
    simulate.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    simulate.add_argument(
        "--until",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="last day simulated, inclusive (default: yesterday, UTC)",
    )

    dump = sub.add_parser("dump", parents=[common], help="print the organisation tree as JSON")
    dump.add_argument("--org", required=True)

    sub.add_parser("migrate", parents=[common], help="create or upgrade the database schema")

    openapi = sub.add_parser("openapi", help="print the OpenAPI document (no database needed)")
    openapi.add_argument("--output", metavar="FILE", help="write it here instead of stdout")
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return _run(args)
    except (DatabaseUrlError, SettingError) as exc:
        return _fail(str(exc), 2)
    except (OperatorError, ListenError) as exc:
        return _fail(str(exc), 1)
    except SQLAlchemyError as exc:
        first_line = (str(exc).splitlines() or [""])[0]
        return _fail(f"database {_shown(args.db)}: {type(exc).__name__}: {first_line}", 1)
    except KeyboardInterrupt:
        return 130


def _fail(message: str, code: int) -> int:
    print(f"vcplatform: error: {message}", file=sys.stderr)
    return code


def _shown(db: str) -> str:
    """The database URL without its password, for messages."""
    try:
        return make_url(normalise_url(db)).render_as_string(hide_password=True)
    except (DatabaseUrlError, ArgumentError):
        return "(unreadable URL)"


def _run(args: argparse.Namespace) -> int:
    if args.command == "openapi":
        return _openapi(args.output)
    db = Database(args.db)
    db.migrate()
    if args.command == "serve":
        return _serve(db, args)
    if args.command == "migrate":
        return 0
    from vcplatform import operator

    if args.command == "org":
        org, created = operator.create_org(db, args.key, args.name)
        print(json.dumps({"id": org.id, "key": org.key, "name": org.name, "created": created}))
    elif args.command == "token":
        scope_id = args.unit or args.waiting_area or args.meeting_room
        if args.org_name:
            operator.create_org(db, args.org, args.org_name)
        print(operator.create_token(db, args.org, args.email, args.role, scope_id))
    elif args.command == "invitations":
        change = (
            operator.accept_invitations
            if args.action == "accept"
            else (operator.expire_invitations)
        )
        grants = change(db, args.org, args.email)
        print(json.dumps({"count": len(grants), "grants": [g["id"] for g in grants]}))
    elif args.command == "usage":
        from vcplatform.usage.simulate import simulate_org

        result = simulate_org(db, args.org, days=args.days, seed=args.seed, last=args.until)
        print(json.dumps(result.to_dict()))
    elif args.command == "dump":
        from vcplatform.dump import dump

        print(json.dumps(dump(db, args.org), indent=2, sort_keys=True))
    return 0


def _openapi(output: str | None) -> int:
    from pathlib import Path

    from vcplatform.app import build
    from vcplatform.settings import Settings

    document = build(Settings(), Database("sqlite://")).app.openapi()
    text = json.dumps(document, indent=2, sort_keys=True) + "\n"
    if output:
        Path(output).write_text(text)
    else:
        sys.stdout.write(text)
    return 0


def _serve(db: Database, args: argparse.Namespace) -> int:
    from vcplatform.server import serve
    from vcplatform.settings import Faults, RateLimit, Settings

    settings = Settings(
        public_url=args.public_url.rstrip("/"),
        invitation_ttl=timedelta(days=args.invitation_ttl_days),
        max_body_bytes=args.max_body_bytes,
        rate_limit=RateLimit.parse(args.rate_limit) if args.rate_limit else None,
        faults=Faults(
            error_rate=args.fault_error_rate,
            statuses=args.fault_statuses,
            latency_ms=args.fault_latency_ms,
            drop_rate=args.fault_drop_rate,
            after_commit_rate=args.fault_after_commit_rate,
            seed=args.fault_seed,
        ),
    )
    serve(db, settings, host=args.host, port=args.port, log_level=args.log_level)
    return 0
