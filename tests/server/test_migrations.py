"""The alembic migrations build exactly the tables the models declare."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from vcplatform import models
from vcplatform.migrate import upgrade


def test_migrations_match_the_models(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'p.db'}")
    upgrade(engine)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), models.Base.metadata)
    assert diff == [], "models.py and the migrations disagree: add a migration"


def test_max_queue_length_is_added_to_existing_waiting_areas(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'p.db'}")
    upgrade(engine, "0001")
    with engine.begin() as connection:
        columns = {c["name"] for c in sa.inspect(connection).get_columns("waiting_areas")}
    assert "max_queue_length" not in columns
    upgrade(engine)
    with engine.begin() as connection:
        column = next(
            c
            for c in sa.inspect(connection).get_columns("waiting_areas")
            if c["name"] == "max_queue_length"
        )
    assert column["nullable"] is True
