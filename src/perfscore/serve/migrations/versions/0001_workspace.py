"""The first workspace: uploaded documents, drafts of actuals, stored runs.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("unit_code", sa.String(64), nullable=False),
        sa.Column("unit_name", sa.String(200), nullable=False),
        sa.Column("year", sa.Integer, nullable=True),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("original", sa.LargeBinary, nullable=False),
        sa.Column("targets_json", sa.Text, nullable=False),
        sa.Column("projects", sa.Integer, nullable=False),
        sa.Column("indicators", sa.Integer, nullable=False),
    )
    op.create_table(
        "drafts",
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id"), primary_key=True),
        sa.Column("actuals_csv", sa.Text, nullable=False),
    )
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id"), nullable=True),
        sa.Column("unit_code", sa.String(64), nullable=False),
        sa.Column("unit_name", sa.String(200), nullable=False),
        sa.Column("year", sa.Integer, nullable=True),
        sa.Column("profile", sa.String(200), nullable=False),
        sa.Column("as_of", sa.String(10), nullable=False),
        sa.Column("total", sa.Float, nullable=True),
        sa.Column("grade", sa.String(8), nullable=True),
        sa.Column("findings", sa.Integer, nullable=False),
        sa.Column("results_json", sa.Text, nullable=False),
        sa.Column("results_csv", sa.Text, nullable=False),
        sa.Column("projects_csv", sa.Text, nullable=False),
        sa.Column("report_html", sa.Text, nullable=False),
    )
    op.create_index("runs_unit_year", "runs", ["unit_code", "year"])


def downgrade() -> None:
    op.drop_index("runs_unit_year", "runs")
    op.drop_table("runs")
    op.drop_table("drafts")
    op.drop_table("documents")
