"""Every ``YISHI_*`` setting, read from the environment once, in one place (README's table lists exactly these).

The API and the CLI take a ``Settings`` object; tests build their own instead of patching the environment.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="YISHI_", frozen=True, extra="ignore")

    database_url: str | None = Field(None, description="SQLAlchemy URL; `postgresql://user@host/db` uses psycopg 3")
    data_dir: Path = Field(Path("data"), description="where the default SQLite file lives")
    processes_dir: Path | None = Field(None, description="deploy every *.bpmn there at start-up")
    demo: bool = Field(False, description="seed the demo units and users")
    tick_seconds: float = Field(0, ge=0, description="fire due timers in a background thread every N seconds")
    dev_clock: bool = Field(False, description="mount POST /dev/clock (administrators move the engine clock)")
    password_cost: Literal["default", "test"] = Field("default", description="`test`: cheapest argon2 (tests)")
    test_postgres_url: str | None = Field(None, description="the test suite also runs on this PostgreSQL")

    def resolved_database_url(self) -> str:
        """``database_url``, else a SQLite file under ``data_dir`` (created on demand)."""
        if self.database_url:
            return self.database_url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{self.data_dir / 'yishi.db'}"


@functools.cache
def settings() -> Settings:
    """The process's settings, read from the environment on first use."""
    return Settings()


ENVIRONMENT_VARIABLES = tuple(f"YISHI_{name.upper()}" for name in Settings.model_fields)
