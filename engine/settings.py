"""Every ``YISHI_*`` setting, read from the environment once, in one place (README's table lists exactly these).

The API and the CLI take a ``Settings`` object; tests build their own instead of patching the environment.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
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
    sqlite_synchronous: Literal["FULL", "NORMAL"] = Field("FULL", description="SQLite durability: FULL survives "
                                                           "an OS crash; NORMAL (tests) only a killed process")
    sqlite_writer_queue: bool = Field(True, description="SQLite writers queue on a lock file beside the database "
                                      "(tried every 0.5 ms) instead of SQLite's sleeping busy handler")
    step_seconds: float = Field(2.0, gt=0, description="wall-clock budget of one expression, script or form rule")
    step_operations: int = Field(5_000_000, gt=0, description="loop and call steps one evaluation may take")
    step_memory_mb: int = Field(512, ge=0, description="memory growth one evaluation may cause; 0: not checked")
    max_case_bytes: int = Field(2_000_000, ge=10_000, description="largest stored state of one case; a step "
                                "that would store more puts the case in error")
    login_free_failures: int = Field(5, ge=1, description="failed logins (per user, per client address) before "
                                     "each further attempt waits 2^n seconds")
    login_address_free_failures: int = Field(50, ge=1, description="the same for one client address (shared "
                                             "addresses: a community office)")
    login_max_delay_seconds: int = Field(900, ge=1, description="the longest wait between two login attempts")
    login_lockout_failures: int = Field(10, ge=0, description="failed logins in a row that lock a user until an "
                                        "administrator unlocks it (0: never)")
    password_hash_concurrency: int = Field(2, ge=1, description="argon2 hashes computed at once (64 MiB each)")
    max_body_bytes: int = Field(1_048_576, ge=1024, description="largest request body (413 above)")
    max_upload_bytes: int = Field(10_485_760, ge=1024, description="largest definition upload body")
    attachment_max_bytes: int = Field(20_971_520, ge=1024, description="largest attachment (413 above)")
    attachment_types: str = Field(
        "image/jpeg,image/png,image/gif,image/webp,image/heic,application/pdf,text/plain,application/msword,"
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document,application/vnd.ms-excel,"
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,audio/mpeg,audio/mp4,video/mp4",
        description="media types an attachment may have, comma-separated, judged from its content (415 otherwise)")
    seal_key: SecretStr | None = Field(None, description="server key (16+ characters) sealing each case's chain "
                                       "head (HMAC-SHA256); unset: a development key anyone can derive")
    seal_key_id: str = Field("k1", pattern=r"^[A-Za-z0-9_.-]{1,32}$", description="id recorded with every seal "
                             "made with `seal_key`; change it whenever the key changes")
    unit_kinds: str = Field("street,community,group,courtyard,building", pattern=r"^[a-z_]{1,20}(,[a-z_]{1,20})*$",
                            description="the kinds a unit may have, comma-separated codes (names in "
                            "engine/domain/units.py)")
    password_min_length: int = Field(8, ge=6, le=128, description="shortest password a user may set")
    reset_code_hours: int = Field(72, ge=1, le=24 * 30, description="how long a one-time sign-in code an "
                                  "administrator issues stays valid")
    seal_old_keys: SecretStr | None = Field(None, description="retired keys still accepted when verifying, as "
                                            "`id:key,id:key`")
    public_url: str = Field("http://127.0.0.1:8000", description="the web app's address as people open it; "
                            "notifications link back to it")
    notify_max_attempts: int = Field(8, ge=1, description="deliveries of one message tried before it is marked "
                                     "failed")
    notify_backoff_seconds: float = Field(60, gt=0, description="wait before the first retry; doubles each time "
                                          "(at most 6 hours)")
    smtp_host: str | None = Field(None, description="SMTP server for e-mail notifications; unset: no e-mail")
    smtp_port: int = Field(25, ge=1, le=65535, description="its port")
    smtp_sender: str = Field("yishi@localhost", description="the From address of notification e-mails")
    smtp_user: str | None = Field(None, description="SMTP login, when the server wants one")
    smtp_password: SecretStr | None = Field(None, description="SMTP password")
    smtp_starttls: bool = Field(False, description="upgrade the SMTP connection with STARTTLS")
    sms_url: str | None = Field(None, description="the SMS gateway's send endpoint (HTTP, JSON); unset: no SMS")
    sms_key: SecretStr | None = Field(None, description="bearer key for the SMS gateway")
    sms_signature: str = Field("社区议事", description="the approved SMS signature (shown as 【社区议事】)")
    sms_templates: str = Field("", description="approved template ids per notification kind: "
                               "`task_opened=SMS_1,overdue=SMS_2,*=SMS_0`")
    sms_hourly_limit: int = Field(5, ge=0, description="text messages one number may get per rolling hour; more "
                                  "wait (0: no limit)")
    wecom_corp_id: str | None = Field(None, description="WeCom corporation id (corpid); unset: no WeCom sign-in "
                                      "or cards")
    wecom_agent_id: str | None = Field(None, description="the WeCom app's agentid")
    wecom_secret: SecretStr | None = Field(None, description="the WeCom app's secret (corpsecret)")
    wecom_api_url: str = Field("https://qyapi.weixin.qq.com", description="WeCom's server API")
    wecom_authorize_url: str = Field("https://open.weixin.qq.com/connect/oauth2/authorize",
                                     description="WeCom's OAuth2 authorize page")
    dingtalk_app_key: str | None = Field(None, description="DingTalk app key (client id); unset: no DingTalk "
                                         "sign-in or to-dos")
    dingtalk_app_secret: SecretStr | None = Field(None, description="DingTalk app secret (client secret)")
    dingtalk_api_url: str = Field("https://api.dingtalk.com", description="DingTalk's server API")
    dingtalk_authorize_url: str = Field("https://login.dingtalk.com/oauth2/auth",
                                        description="DingTalk's OAuth2 authorize page")
    vote_changes: int = Field(5, ge=0, le=100, description="times a voter may change an e-vote before the window "
                              "closes")
    fix_working_days: int = Field(15, ge=1, le=120, description="working days a fix-and-call-back task has after a "
                                  "不满意 rating")
    posts_per_hour: int = Field(30, ge=1, description="discussion posts and ratings one person may make per rolling "
                                "hour")

    urge_cooldown_minutes: int = Field(120, ge=0, description="how long after an urge (催办) the same step may be "
                                       "urged again (0: at once)")

    def unit_kind_codes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.unit_kinds.split(",")))

    def resolved_database_url(self) -> str:
        """``database_url``, else a SQLite file under ``data_dir`` (created on demand)."""
        if self.database_url:
            return self.database_url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{self.data_dir / 'yishi.db'}"


    def attachments_dir(self) -> Path:
        """Where attachment contents live (content-addressed): ``data_dir/attachments``."""
        return self.data_dir / "attachments"

    def allowed_types(self) -> frozenset[str]:
        return frozenset(t.strip().lower() for t in self.attachment_types.split(",") if t.strip())


@functools.cache
def settings() -> Settings:
    """The process's settings, read from the environment on first use."""
    return Settings()


ENVIRONMENT_VARIABLES = tuple(f"YISHI_{name.upper()}" for name in Settings.model_fields)
