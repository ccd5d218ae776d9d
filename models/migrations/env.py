"""Alembic environment for the orders database, configured from code (no alembic.ini).

At run time `store.database.open_database` passes an open connection in
`config.attributes["connection"]`. To write a new revision, let Alembic compare the
models with a database at head:

    from alembic import command
    from store.database import alembic_config
    command.revision(alembic_config("sqlite:///data/processed/orders.db"),
                     message="add …", autogenerate=True)
"""
from alembic import context
from sqlalchemy import create_engine

from models.db import Base, Money

config = context.config


def render_item(type_, obj, autogen_context):
    """Write Money columns as plain SQLAlchemy types, so revisions need no app imports."""
    if type_ == "type" and isinstance(obj, Money):
        return 'sa.Numeric(18, 2).with_variant(sa.Text(), "sqlite")'
    return False  # everything else: Alembic's default rendering


def run_migrations(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        render_as_batch=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
else:
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as own_connection:
        run_migrations(own_connection)
    engine.dispose()
