"""The workspace behind ``perfscore serve``: one database holding every unit's years.

Tables (SQLAlchemy Core; the schema's history is in ``migrations/``, applied with Alembic
when a workspace is opened, so a newer perfscore opens an older workspace):

- ``documents``: an uploaded targets document (the original bytes, its SHA-256 and what
  ``extract`` read from it as targets.json text), keyed by an integer id;
- ``drafts``: the actuals a user is filling in for a document, kept as the CSV text of the
  fill-in template, so that a saved draft is evaluated exactly like a filled template file;
- ``runs``: a stored evaluation: its inputs' ids, profile and date, and every output as
  text (results.json, results.csv, projects.csv, report.html) plus the headline numbers
  the bureau view lists;
- ``jobs``: long work (a province's long table) with its progress.

Every write is one transaction: a failed upload or evaluation leaves nothing behind. No
clock is read: order is the id's, so the same work gives the same workspace.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import (Column, Float, ForeignKey, Integer, LargeBinary, MetaData, String, Table, Text,
                        create_engine, event, func, insert, select, update)
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).with_name("migrations")
DEFAULT_DB = "perfscore.db"

metadata = MetaData()

documents = Table(
    "documents", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("unit_code", String(64), nullable=False),
    Column("unit_name", String(200), nullable=False),
    Column("year", Integer, nullable=True),
    Column("filename", String(255), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("original", LargeBinary, nullable=False),
    Column("targets_json", Text, nullable=False),
    Column("projects", Integer, nullable=False),
    Column("indicators", Integer, nullable=False),
)

drafts = Table(
    "drafts", metadata,
    Column("document_id", Integer, ForeignKey("documents.id"), primary_key=True),
    Column("actuals_csv", Text, nullable=False),
)

runs = Table(
    "runs", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", Integer, ForeignKey("documents.id"), nullable=True),
    Column("unit_code", String(64), nullable=False),
    Column("unit_name", String(200), nullable=False),
    Column("year", Integer, nullable=True),
    Column("profile", String(200), nullable=False),
    Column("as_of", String(10), nullable=False),
    Column("total", Float, nullable=True),
    Column("grade", String(8), nullable=True),
    Column("findings", Integer, nullable=False),
    Column("projects", Integer, nullable=False),
    Column("indicators", Integer, nullable=False),
    Column("results_json", Text, nullable=False),
    Column("results_csv", Text, nullable=False),
    Column("projects_csv", Text, nullable=False),
    Column("report_html", Text, nullable=False),
)

jobs = Table(
    "jobs", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(32), nullable=False),
    Column("state", String(16), nullable=False),      # running | done | failed
    Column("done", Integer, nullable=False),
    Column("total", Integer, nullable=False),
    Column("message", Text, nullable=False),
    Column("run_id", Integer, ForeignKey("runs.id"), nullable=True),
)


def database_url(db: str | None) -> str:
    """``--db`` as given (a SQLAlchemy URL such as ``postgresql://…``) or a file path for
    an embedded SQLite workspace (default ``perfscore.db`` in the current folder)."""
    db = db or DEFAULT_DB
    if "://" in db:
        if db.startswith("postgresql://"):
            return "postgresql+psycopg://" + db[len("postgresql://"):]  # psycopg 3, not psycopg2
        return db
    return f"sqlite:///{Path(db).as_posix()}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets readers go on while one evaluation writes; foreign keys are off by default.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the workspace's schema to ``revision`` (Alembic; a new file starts empty)."""
    cfg = Config()
    cfg.set_main_option("script_location", MIGRATIONS.as_posix())
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)


@dataclass(frozen=True)
class RunSummary:
    id: int
    document_id: int | None
    unit_code: str
    unit_name: str
    year: int | None
    profile: str
    as_of: str
    total: float | None
    grade: str | None
    findings: int
    projects: int
    indicators: int


_SUMMARY_COLUMNS = (runs.c.id, runs.c.document_id, runs.c.unit_code, runs.c.unit_name, runs.c.year,
                    runs.c.profile, runs.c.as_of, runs.c.total, runs.c.grade, runs.c.findings,
                    runs.c.projects, runs.c.indicators)


class Workspace:
    """The database of one ``perfscore serve``; safe to share between request threads."""

    def __init__(self, db: str | None = None):
        self.url = database_url(db)
        sqlite = self.url.startswith("sqlite")
        self.engine = create_engine(self.url, connect_args={"timeout": 60, "check_same_thread": False}
                                    if sqlite else {}, pool_pre_ping=not sqlite)
        if sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        # SQLite takes one writer at a time; serialising writes here avoids "database is
        # locked" under many concurrent evaluations (a server takes the same lock harmlessly).
        self._write = threading.Lock()
        upgrade(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    # --- documents ---------------------------------------------------------------

    def add_document(self, **values) -> int:
        with self._write, self.engine.begin() as conn:
            return conn.execute(insert(documents).values(**values)).inserted_primary_key[0]

    def document(self, doc_id: int) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(documents).where(documents.c.id == doc_id)).mappings().first()
        return dict(row) if row else None

    def set_targets(self, doc_id: int, targets_json: str, projects: int, indicators: int) -> None:
        with self._write, self.engine.begin() as conn:
            conn.execute(update(documents).where(documents.c.id == doc_id).values(
                targets_json=targets_json, projects=projects, indicators=indicators))

    def documents(self) -> list[dict]:
        cols = [c for c in documents.c if c.name != "original" and c.name != "targets_json"]
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(select(*cols).order_by(documents.c.id.desc())).mappings()]

    # --- drafts ------------------------------------------------------------------

    def save_draft(self, doc_id: int, actuals_csv: str) -> None:
        with self._write, self.engine.begin() as conn:
            exists = conn.execute(select(drafts.c.document_id).where(drafts.c.document_id == doc_id)).first()
            if exists:
                conn.execute(update(drafts).where(drafts.c.document_id == doc_id).values(actuals_csv=actuals_csv))
            else:
                conn.execute(insert(drafts).values(document_id=doc_id, actuals_csv=actuals_csv))

    def draft(self, doc_id: int) -> str | None:
        with self.engine.connect() as conn:
            return conn.execute(select(drafts.c.actuals_csv).where(drafts.c.document_id == doc_id)).scalar()

    # --- runs --------------------------------------------------------------------

    def add_run(self, **values) -> int:
        return self.add_runs([values])[0]

    def add_runs(self, many: list[dict]) -> list[int]:
        """Store several runs in one transaction (a batch job's units): all or none."""
        with self._write, self.engine.begin() as conn:
            return [conn.execute(insert(runs).values(**values)).inserted_primary_key[0] for values in many]

    def run(self, run_id: int) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(runs).where(runs.c.id == run_id)).mappings().first()
        return dict(row) if row else None

    def runs(self, *, unit_code: str | None = None) -> list[RunSummary]:
        """Stored runs, newest first."""
        query = select(*_SUMMARY_COLUMNS).order_by(runs.c.id.desc())
        if unit_code is not None:
            query = query.where(runs.c.unit_code == unit_code)
        with self.engine.connect() as conn:
            return [RunSummary(**r) for r in conn.execute(query).mappings()]

    def latest_runs_by_unit_year(self) -> list[RunSummary]:
        """The newest run of every (unit, year): what the bureau view lists."""
        newest = (select(func.max(runs.c.id).label("id")).group_by(runs.c.unit_code, runs.c.year)).subquery()
        query = (select(*_SUMMARY_COLUMNS).join(newest, newest.c.id == runs.c.id)
                 .order_by(runs.c.unit_code, runs.c.year.desc()))
        with self.engine.connect() as conn:
            return [RunSummary(**r) for r in conn.execute(query).mappings()]

    # --- jobs --------------------------------------------------------------------

    def add_job(self, kind: str, total: int) -> int:
        with self._write, self.engine.begin() as conn:
            return conn.execute(insert(jobs).values(kind=kind, state="running", done=0, total=total,
                                                    message="")).inserted_primary_key[0]

    def update_job(self, job_id: int, **values) -> None:
        with self._write, self.engine.begin() as conn:
            conn.execute(update(jobs).where(jobs.c.id == job_id).values(**values))

    def job(self, job_id: int) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(jobs).where(jobs.c.id == job_id)).mappings().first()
        return dict(row) if row else None
