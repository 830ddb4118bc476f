"""The tables. Core (not ORM) because the hot path writes a handful of rows per step.

- ``definition_versions``: immutable deployed content (BPMN XML and forms), one row per version.
- ``cases``: the spec-less SpiffWorkflow state (source of truth) plus the columns queries need;
  ``lock_version`` is the optimistic lock every write checks.
- ``open_tasks``: projection of the READY user tasks, rewritten with the case in one transaction.
- ``completion_counts``: per running case and element, how many completions (the stuck report's loops).
- ``case_events``: the append-only, hash-chained case file (一事一档).
- ``seals``: signed digests of every case's chain head (``yishi seal``, daily from the worker).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

from engine.domain.statuses import ACTIVE_STATUSES

metadata = sa.MetaData(naming_convention={
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes on every backend (SQLite keeps no zone; PostgreSQL gets timestamptz)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


# the condition of ACTIVE_STATUSES as partial indexes spell it (a query's "status IN (…)" must match it exactly)
_ACTIVE = "status IN (" + ", ".join(f"'{status}'" for status in ACTIVE_STATUSES) + ")"
_HALTED = "status IN ('error', 'suspended')"

definition_versions = sa.Table(
    "definition_versions", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("key", sa.String(200), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("name", sa.String(400), nullable=False),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("bpmn", sa.JSON, nullable=False),
    sa.Column("forms", sa.JSON, nullable=False),
    sa.Column("start_roles", sa.JSON, nullable=False),
    sa.Column("start_form", sa.String(400)),
    sa.Column("settings", sa.JSON, nullable=False, server_default="{}"),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("scenarios", sa.Text),  # the scenario file (YAML) current when deployed; not part of the hash
    sa.UniqueConstraint("key", "version"),
    sa.UniqueConstraint("key", "content_hash"),
)

cases = sa.Table(
    "cases", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("reference", sa.String(240), nullable=False, unique=True),
    sa.Column("definition_version_id", sa.Integer, sa.ForeignKey("definition_versions.id"), nullable=False),
    sa.Column("definition_key", sa.String(200), nullable=False),
    sa.Column("unit", sa.String(200), nullable=False),
    sa.Column("title", sa.String(500), nullable=False),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("state", sa.Text, nullable=False),
    sa.Column("lock_version", sa.Integer, nullable=False),
    sa.Column("started_by", sa.String(200), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Column("last_progress_at", UTCDateTime, nullable=False),
    sa.Column("next_timer_at", UTCDateTime),
    sa.Column("end_event", sa.String(200)),
    sa.Column("error_element", sa.String(200)),
    sa.Column("error_message", sa.Text),
    # the cause of the case's last case_error event (``unreadable_state`` when its stored state could not be
    # loaded, else none), written with that event: the stuck report tells unreadable cases without reading the file
    sa.Column("error_cause", sa.String(40)),
    # the case file's head, written with its events (engine.store.audit): how many, the last hash, and the
    # server's HMAC over (id, count, head) with the id of the key that made it
    sa.Column("event_count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("head_hash", sa.String(64), nullable=False, server_default="0" * 64),
    sa.Column("head_seal", sa.String(64)),
    sa.Column("seal_key_id", sa.String(32)),
    # the method's summary fields (summaryFields) as last recorded, titled and labelled in both languages:
    # [{"name", "title": {"zh-CN", "en"}, "value": {"zh-CN", "en"}}] (engine.cases.summary)
    sa.Column("summary", sa.JSON),
    sa.Index("ix_cases_status_unit", "status", "unit"),
    sa.Index("ix_cases_status_last_progress_at", "status", "last_progress_at"),
    sa.Index("ix_cases_active_last_progress",  # the stuck report's idle cases: active ones, oldest progress first
             "last_progress_at", "definition_version_id", "unit", postgresql_where=sa.text(_ACTIVE),
             sqlite_where=sa.text(_ACTIVE)),
    sa.Index("ix_cases_halted_updated",  # the stuck report's cases in error and suspended, oldest first
             "status", "updated_at", "definition_version_id", "unit", postgresql_where=sa.text(_HALTED),
             sqlite_where=sa.text(_HALTED)),
    sa.Index("ix_cases_next_timer_at", "next_timer_at"),
    sa.Index("ix_cases_definition_key", "definition_key"),
)

open_tasks = sa.Table(
    "open_tasks", metadata,
    sa.Column("task_id", sa.String(36), primary_key=True),
    sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False, index=True),
    sa.Column("element_id", sa.String(200), nullable=False),
    sa.Column("name", sa.String(400), nullable=False),
    sa.Column("role", sa.String(200)),
    sa.Column("unit", sa.String(200), nullable=False),
    sa.Column("process_key", sa.String(200), nullable=False),
    sa.Column("form", sa.String(400)),
    sa.Column("instance", sa.Integer),
    sa.Column("due_at", UTCDateTime),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("claimed_by", sa.String(100)),
    sa.Column("claimed_at", UTCDateTime),
    sa.Column("assignee", sa.String(100)),  # a task addressed to one user (yishi:assignee): only they see it
    # whether the case is active (status in ACTIVE_STATUSES), kept with the case's status by every writer
    # (engine.store.report_state): the inbox and the stuck report's overdue tasks need no join to filter
    sa.Column("case_active", sa.Boolean, nullable=False, server_default=sa.true()),
    # urges (催办, engine.cases.attention): the last, how many; and when someone who may work it last opened it
    sa.Column("urged_at", UTCDateTime),
    sa.Column("urge_count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("opened_at", UTCDateTime),
    sa.Column("opened_by", sa.String(100)),
    sa.Index("ix_open_tasks_role_unit_due", "role", "unit", "due_at"),
    sa.Index("ix_open_tasks_assignee", "assignee"),
    sa.Index("ix_open_tasks_due_at", "due_at"),
    sa.Index("ix_open_tasks_overdue", "due_at", "unit",  # the stuck report's overdue tasks: of active cases
             postgresql_where=sa.text("case_active"), sqlite_where=sa.text("case_active = 1")),
)

# How often each element's task was completed in a case that has not ended (completed or cancelled), and when
# last: the stuck report's loops, kept by the writer of the completions in the same transaction
# (engine.store.report_state) instead of counted over the case file at read time. Rows go when the case ends.
completion_counts = sa.Table(
    "completion_counts", metadata,
    sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("element_id", sa.String(200), primary_key=True),
    sa.Column("completions", sa.Integer, nullable=False),
    sa.Column("last_at", UTCDateTime, nullable=False),
    sa.Index("ix_completion_counts_repeated", "completions",  # only elements done more than once are candidates
             postgresql_where=sa.text("completions > 1"), sqlite_where=sa.text("completions > 1")),
)

case_events = sa.Table(
    "case_events", metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
    sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("element_id", sa.String(200)),
    sa.Column("task_id", sa.String(36)),
    sa.Column("data", sa.JSON, nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    sa.UniqueConstraint("case_id", "seq"),
    sa.Index("ix_case_events_task_id", "task_id"),
    sa.Index("ix_case_events_actor_kind_at", "actor", "kind", "at"),  # 已办 and "cases I took part in"
    sa.Index("ix_case_events_kind_element", "kind", "element_id"),  # the public board's notices
    sa.Index("ix_case_events_kind_at", "kind", "at"),  # statistics: completions and ends in a period
    sa.Index("ix_case_events_case_id_element_id", "case_id", "element_id",  # the stuck report's loops
             postgresql_where=sa.text("kind = 'task_completed'"), sqlite_where=sa.text("kind = 'task_completed'")),
)

attachments = sa.Table(  # files added to a case (一事一档); contents in the file store under their SHA-256
    "attachments", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    # empty: uploaded before its case exists (a start form's file), owned by uploaded_by until a case claims it
    sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id")),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("media_type", sa.String(127), nullable=False),
    sa.Column("file_name", sa.String(255), nullable=False),
    sa.Column("task_id", sa.String(36)),
    sa.Column("element_id", sa.String(200)),
    sa.Column("uploaded_by", sa.String(200), nullable=False),
    sa.Column("uploaded_at", UTCDateTime, nullable=False),
    sa.Index("ix_attachments_case_sha256", "case_id", "sha256"),
    sa.Index("ix_attachments_pending", "uploaded_by", "sha256", postgresql_where=sa.text("case_id IS NULL"),
             sqlite_where=sa.text("case_id IS NULL")),
)

holiday_calendars = sa.Table(  # the State Council's arrangement of a year, as loaded; the newest per year counts
    "holiday_calendars", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("holidays", sa.JSON, nullable=False),  # ISO dates off work (放假)
    sa.Column("workdays", sa.JSON, nullable=False),  # ISO dates of make-up work on a weekend (调休上班)
    sa.Column("source", sa.String(500), nullable=False),  # the notice it transcribes
    sa.Column("loaded_by", sa.String(200), nullable=False),
    sa.Column("loaded_at", UTCDateTime, nullable=False),
    sa.Index("ix_holiday_calendars_year", "year"),
)

case_links = sa.Table(  # linked cases: a merge or a split, one row per direction (engine.cases.links)
    "case_links", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
    sa.Column("other_case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),  # merged_into | merged_from | split_into | split_from
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Index("ix_case_links_case_id", "case_id"),
    sa.Index("ix_case_links_other_kind", "other_case_id", "kind"),
)

seals = sa.Table(  # `yishi seal`: a signed digest of every case's head at one instant (export it elsewhere)
    "seals", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("cases", sa.Integer, nullable=False),
    sa.Column("events", sa.BigInteger, nullable=False),
    sa.Column("digest", sa.String(64), nullable=False),
    sa.Column("key_id", sa.String(32), nullable=False),
    sa.Column("signature", sa.String(64), nullable=False),
    sa.Index("ix_seals_created_at", "created_at"),
)

units = sa.Table(  # a tree: street → community → residents' group / courtyard / building (kinds: YISHI_UNIT_KINDS)
    "units", metadata,
    sa.Column("code", sa.String(200), primary_key=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("name", sa.String(400), nullable=False),
    sa.Column("parent", sa.String(200), sa.ForeignKey("units.code")),  # none: a root (a street, or a lone unit)
    sa.Index("ix_units_parent", "parent"),
)

users = sa.Table(
    "users", metadata,
    sa.Column("id", sa.String(100), primary_key=True),
    sa.Column("display_name", sa.String(200), nullable=False),
    sa.Column("password_hash", sa.String(300), nullable=False),
    sa.Column("is_admin", sa.Boolean, nullable=False),
    sa.Column("is_designer", sa.Boolean, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("phone", sa.String(32)),  # digits, an optional leading +; SMS goes here (the notifications read it)
    sa.Column("email", sa.String(254)),
    sa.Column("must_change_password", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("reset_code_hash", sa.String(300)),  # a one-time code an administrator issued (argon2), until used
    sa.Column("reset_code_expires_at", UTCDateTime),
    sa.Index("ix_users_phone", "phone"),
)

memberships = sa.Table(
    "memberships", metadata,
    sa.Column("user_id", sa.String(100), sa.ForeignKey("users.id"), primary_key=True),
    sa.Column("unit", sa.String(200), sa.ForeignKey("units.code"), primary_key=True),
    sa.Column("role", sa.String(200), primary_key=True),
    sa.Column("valid_from", sa.Date),  # dates in Beijing time, both inclusive; none: open-ended
    sa.Column("valid_to", sa.Date),
    sa.Index("ix_memberships_unit_role", "unit", "role"),
)

api_tokens = sa.Table(
    "api_tokens", metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.String(100), sa.ForeignKey("users.id"), nullable=False, index=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False),
    sa.Column("scope", sa.String(20), nullable=False, server_default="full"),  # full | password (set it, nothing else)
)

login_attempts = sa.Table(  # failed logins per user and per client address, shared by every worker
    "login_attempts", metadata,
    sa.Column("scope", sa.String(10), primary_key=True),  # user | address
    sa.Column("subject", sa.String(200), primary_key=True),  # the user id as typed, or the client address
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("last_failure_at", UTCDateTime),
    sa.Column("locked_at", UTCDateTime),  # users only: set at the lockout, cleared by an administrator
)

account_events = sa.Table(  # what happened to accounts: lockouts, unlocks, privilege changes (tokens revoked)
    "account_events", metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("user_id", sa.String(200), nullable=False),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("data", sa.JSON, nullable=False),
    sa.Index("ix_account_events_user_id", "user_id"),
)

unit_events = sa.Table(  # what happened to units: created, renamed, moved in the tree (cases keep their unit)
    "unit_events", metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("unit", sa.String(200), nullable=False),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("data", sa.JSON, nullable=False),
    sa.Index("ix_unit_events_unit", "unit"),
)

stock_phrases = sa.Table(  # 常用语: a unit's stock phrases for opinions (engine.people.phrases); none: the defaults
    "stock_phrases", metadata,
    sa.Column("unit", sa.String(200), sa.ForeignKey("units.code"), primary_key=True),
    sa.Column("phrases", sa.JSON, nullable=False),  # a list of texts, in the order they are offered
    sa.Column("updated_by", sa.String(200), nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

# ----- notifications (engine.notify): written in the transaction of the case event that causes them ----------

notifications = sa.Table(  # what a person is told, in the web app (the bell); other channels go through the outbox
    "notifications", metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
    sa.Column("user_id", sa.String(100), nullable=False),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id")),
    sa.Column("task_id", sa.String(36)),
    sa.Column("payload", sa.JSON, nullable=False),  # the facts the message is rendered from, in either language
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("read_at", UTCDateTime),
    sa.Column("dedupe_key", sa.String(300), unique=True),  # reminders: one per task, due date and person
    sa.Index("ix_notifications_user_id_id", "user_id", "id"),
)

outbox = sa.Table(  # one row per message × channel, delivered by the worker (engine.notify.delivery)
    "outbox", metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
    sa.Column("notification_id", sa.BigInteger().with_variant(sa.Integer, "sqlite"),
              sa.ForeignKey("notifications.id")),
    sa.Column("user_id", sa.String(100)),  # none for a unit's group webhook
    sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id")),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("channel", sa.String(20), nullable=False),  # email | sms | webhook | wecom | dingtalk
    sa.Column("address", sa.String(500), nullable=False),  # e-mail, phone, group webhook id, platform user id
    sa.Column("payload", sa.JSON, nullable=False),  # the rendered message (title, lines, link, template params)
    sa.Column("idempotency_key", sa.String(100), nullable=False, unique=True),
    sa.Column("status", sa.String(10), nullable=False),  # pending | sent | failed
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("next_attempt_at", UTCDateTime, nullable=False),
    sa.Column("last_error", sa.Text),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("sent_at", UTCDateTime),
    sa.Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),
    sa.Index("ix_outbox_channel_address_sent_at", "channel", "address", "sent_at"),  # SMS rate limit
)

notification_preferences = sa.Table(  # a person's channels and quiet hours (no row: the defaults)
    "notification_preferences", metadata,
    sa.Column("user_id", sa.String(100), sa.ForeignKey("users.id"), primary_key=True),
    sa.Column("channels", sa.JSON, nullable=False),
    sa.Column("quiet_start", sa.String(5)),  # "22:00" Beijing time; none: no quiet hours
    sa.Column("quiet_end", sa.String(5)),
    sa.Column("language", sa.String(8), nullable=False, server_default="zh-CN"),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

group_webhooks = sa.Table(  # a unit's group chat for one role (WeCom / DingTalk robot, or any HTTP receiver)
    "group_webhooks", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("unit", sa.String(200), sa.ForeignKey("units.code"), nullable=False),
    sa.Column("role", sa.String(200), nullable=False),
    sa.Column("url", sa.String(1000), nullable=False),
    sa.Column("format", sa.String(20), nullable=False),  # json | wecom | dingtalk
    sa.Column("secret", sa.String(300)),  # HMAC key (json, wecom: our header; dingtalk: its sign)
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Index("ix_group_webhooks_unit_role", "unit", "role"),
)

external_accounts = sa.Table(  # a WeCom or DingTalk account linked to a Yishi user (sign-in, to-dos, cards)
    "external_accounts", metadata,
    sa.Column("platform", sa.String(20), primary_key=True),  # wecom | dingtalk
    sa.Column("external_id", sa.String(200), primary_key=True),  # WeCom userid, DingTalk unionId
    sa.Column("user_id", sa.String(100), sa.ForeignKey("users.id"), nullable=False),
    sa.Column("linked_by", sa.String(200), nullable=False),
    sa.Column("linked_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("platform", "user_id"),
)

# residents taking part (engine.participation): projections written in the transaction of the case-file events
# they follow; the figures themselves are always counted again from the case file
votes = sa.Table(  # an e-vote of a case: one per opening of a vote-recording step (a reconvened meeting: another)
    "votes", metadata,
    sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), primary_key=True),
    sa.Column("vote_key", sa.String(220), primary_key=True),  # "{element}#{n}"
    sa.Column("element_id", sa.String(200), nullable=False),
    sa.Column("unit", sa.String(200), nullable=False),
    sa.Column("secret", sa.Boolean, nullable=False),
    sa.Column("opens_at", UTCDateTime, nullable=False),
    sa.Column("closes_at", UTCDateTime, nullable=False),
    sa.Column("tallied_at", UTCDateTime),  # none: open, or closed and waiting for the recorder
    sa.Index("ix_votes_closes_at", "closes_at"),
)

vote_rolls = sa.Table(  # the roll frozen when the vote opened: who may vote, with what weight
    "vote_rolls", metadata,
    sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), primary_key=True),
    sa.Column("vote_key", sa.String(220), primary_key=True),
    sa.Column("user_id", sa.String(100), primary_key=True),
    sa.Column("weight", sa.Integer, nullable=False),
    sa.Index("ix_vote_rolls_user_id", "user_id"),
)

sealed_tallies = sa.Table(  # a secret ballot's running counts per choice: no voter, no order, no time
    "sealed_tallies", metadata,
    sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), primary_key=True),
    sa.Column("vote_key", sa.String(220), primary_key=True),
    sa.Column("choice", sa.String(10), primary_key=True),
    sa.Column("weight", sa.Integer, nullable=False),
    sa.Column("ballots", sa.Integer, nullable=False),
)

# ----- task actions (engine.cases.attention, engine.cases.handover): copies, requests to others, stand-ins ----

case_copies = sa.Table(  # 抄送: a case copied to a person for their information (one row per case and person)
    "case_copies", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
    sa.Column("user_id", sa.String(100), nullable=False),
    sa.Column("copied_by", sa.String(200), nullable=False),  # a participant, or system (the step's copyTo)
    sa.Column("element_id", sa.String(200)),  # the step that copied it
    sa.Column("note", sa.Text),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("read_at", UTCDateTime),
    sa.UniqueConstraint("case_id", "user_id", name="uq_case_copies_case_user"),
    sa.Index("ix_case_copies_user_id_id", "user_id", "id"),
)

task_requests = sa.Table(  # 委派 (delegate) and 加签 (consult before/after): the holder asks someone to work or advise
    "task_requests", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
    sa.Column("task_id", sa.String(36), nullable=False),
    sa.Column("element_id", sa.String(200), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),  # delegate | consult_before | consult_after
    sa.Column("from_user", sa.String(100), nullable=False),
    sa.Column("to_user", sa.String(100), nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("status", sa.String(12), nullable=False),  # open | waiting (after: until the decision) | answered
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("answered_at", UTCDateTime),
    sa.Column("answer", sa.Text),
    sa.Index("ix_task_requests_to_user_status", "to_user", "status"),
    sa.Index("ix_task_requests_task_id", "task_id"),
)

stand_ins = sa.Table(  # an absence: who stands in for whom, between two Beijing dates (both included)
    "stand_ins", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("user_id", sa.String(100), nullable=False),
    sa.Column("stand_in", sa.String(100), nullable=False),
    sa.Column("valid_from", sa.Date, nullable=False),
    sa.Column("valid_to", sa.Date, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("state", sa.String(10), nullable=False),  # planned | running | ended
    sa.Index("ix_stand_ins_state", "state"),
)
