"""Alembic environment: runs on the connection Gijiroku hands over (see storage.db.migrate)."""

from alembic import context
from sqlmodel import SQLModel

from gijiroku.storage import tables  # noqa: F401  (registers the tables on the metadata)
from gijiroku.storage.tables import outside_the_tables

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    include_object=outside_the_tables,  # (the search index: made by migration 0016 alone)
)
with context.begin_transaction():
    context.run_migrations()
