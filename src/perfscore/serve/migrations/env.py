"""Alembic environment for the perfscore workspace: migrations run on the connection the
workspace hands over (``config.attributes["connection"]``), never from an alembic.ini."""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
