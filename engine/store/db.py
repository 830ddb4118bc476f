"""Database URL, engine creation and schema migration (Alembic, run programmatically)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from engine.settings import settings

MIGRATIONS = Path(__file__).parent / "migrations"


def database_url() -> str:
    """``YISHI_DATABASE_URL``, else a SQLite file under ``YISHI_DATA_DIR`` (default ./data)."""
    return settings().resolved_database_url()


def normalise_url(url: str) -> str:
    """Plain ``postgresql://`` URLs use psycopg 3, the driver this project installs."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str | None = None) -> sa.Engine:
    url = normalise_url(url or database_url())
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 30})

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            # FULL: an acknowledged completion survives an OS crash, not only a killed process (bench/README.md
            # measures the cost); the test suite trades that for speed with YISHI_SQLITE_SYNCHRONOUS=NORMAL
            cursor.execute(f"PRAGMA synchronous={settings().sqlite_synchronous}")
            cursor.close()

        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return config


def upgrade(url: str | None = None) -> None:
    """Bring the schema to the newest migration."""
    command.upgrade(alembic_config(url or database_url()), "head")
