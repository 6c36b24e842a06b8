"""The alembic migrations: they build exactly the models' schema, and upgrade old data."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from vcplatform.db import Database
from vcplatform.migrate import upgrade
from vcplatform.models import Base


def test_migrations_match_the_models(tmp_path: Path) -> None:
    db = Database(str(tmp_path / "p.db"))
    db.migrate()
    with db.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    db.dispose()


def test_upgrade_keeps_grants_and_fills_in_their_history(tmp_path: Path) -> None:
    """A database made before calls and grant history upgrades in place, data kept."""
    db = Database(str(tmp_path / "old.db"))
    upgrade(db.engine, "0001")
    stamps = "'2026-10-01 09:00:00', '2026-10-05 12:00:00'"
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO organisations (id, key, name, created_at, updated_at, version) "
                "VALUES ('org_1', 'acme', 'Acme', '2026-10-01', '2026-10-01', 1)"
            )
        )
        for grant_id, state, sends in (("g_invited", "active", 1), ("g_direct", "active", 0)):
            connection.execute(
                text(
                    "INSERT INTO grants (id, org_id, unit_id, scope_type, scope_id, role, "
                    "email, state, invitation_send_count, created_at, updated_at, version) "
                    f"VALUES ('{grant_id}', 'org_1', 'u', 'unit', 'u', "
                    f"'organisation-reporter', '{grant_id}@acme.test', '{state}', {sends}, "
                    f"{stamps}, 1)"
                )
            )
    db.migrate()
    with db.engine.connect() as connection:
        rows = {
            row.id: row
            for row in connection.execute(
                text("SELECT id, invited_at, accepted_at, granted_by FROM grants")
            )
        }
        assert connection.execute(text("SELECT count(*) FROM calls")).scalar() == 0
    assert str(rows["g_invited"].invited_at).startswith("2026-10-01 09:00")
    assert str(rows["g_invited"].accepted_at).startswith("2026-10-05 12:00")
    assert rows["g_direct"].invited_at is None
    assert str(rows["g_direct"].accepted_at).startswith("2026-10-01 09:00")
    assert rows["g_direct"].granted_by is None
    db.dispose()


def test_max_queue_length_is_added_to_existing_waiting_areas(tmp_path: Path) -> None:
    db = Database(str(tmp_path / "p.db"))
    upgrade(db.engine, "0001")
    with db.engine.begin() as connection:
        columns = {c["name"] for c in inspect(connection).get_columns("waiting_areas")}
    assert "max_queue_length" not in columns
    db.migrate()
    with db.engine.begin() as connection:
        column = next(
            c
            for c in inspect(connection).get_columns("waiting_areas")
            if c["name"] == "max_queue_length"
        )
    assert column["nullable"] is True
    db.dispose()
