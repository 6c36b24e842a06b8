"""Alembic environment: always run online, on the connection vcplatform hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from vcplatform.models import Base

config = context.config
target_metadata = Base.metadata

connection = config.attributes.get("connection")
if connection is None:
    # `alembic revision --autogenerate` during development: use -x url=...
    url = context.get_x_argument(as_dictionary=True).get("url", "sqlite:///dev.db")
    with create_engine(url).connect() as fresh:
        context.configure(connection=fresh, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
