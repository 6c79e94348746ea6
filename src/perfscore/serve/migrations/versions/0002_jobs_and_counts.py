"""Progress of long work (jobs), and a run's project and indicator counts for the lists.

Revision ID: 0002
Revises: 0001
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("done", sa.Integer, nullable=False),
        sa.Column("total", sa.Integer, nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), nullable=True),
    )
    # Runs stored under 0001 get their counts from their stored results.json (0 would be wrong).
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("projects", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("indicators", sa.Integer, nullable=False, server_default="0"))
    _backfill_counts()


def _backfill_counts() -> None:
    bind = op.get_bind()
    runs = sa.table("runs", sa.column("id", sa.Integer), sa.column("results_json", sa.Text),
                    sa.column("projects", sa.Integer), sa.column("indicators", sa.Integer))
    for run_id, text in bind.execute(sa.select(runs.c.id, runs.c.results_json)).all():
        data = json.loads(text)
        bind.execute(sa.update(runs).where(runs.c.id == run_id).values(
            projects=len(data.get("projects") or []), indicators=len(data.get("indicators") or [])))


def downgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("indicators")
        batch.drop_column("projects")
    op.drop_table("jobs")
