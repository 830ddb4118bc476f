"""Initial schema: definition versions, cases, open-task projection, hash-chained case events.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "definition_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("name", sa.String(400), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("bpmn", sa.JSON, nullable=False),
        sa.Column("forms", sa.JSON, nullable=False),
        sa.Column("start_roles", sa.JSON, nullable=False),
        sa.Column("start_form", sa.String(400)),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("key", "version", name="uq_definition_versions_key_version"),
        sa.UniqueConstraint("key", "content_hash", name="uq_definition_versions_key_content_hash"),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("reference", sa.String(240), nullable=False),
        sa.Column("definition_version_id", sa.Integer,
                  sa.ForeignKey("definition_versions.id", name="fk_cases_definition_version_id_definition_versions"),
                  nullable=False),
        sa.Column("definition_key", sa.String(200), nullable=False),
        sa.Column("unit", sa.String(200), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("lock_version", sa.Integer, nullable=False),
        sa.Column("started_by", sa.String(200), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("last_progress_at", TS, nullable=False),
        sa.Column("next_timer_at", TS),
        sa.Column("end_event", sa.String(200)),
        sa.Column("error_element", sa.String(200)),
        sa.Column("error_message", sa.Text),
        sa.UniqueConstraint("reference", name="uq_cases_reference"),
    )
    op.create_index("ix_cases_status_unit", "cases", ["status", "unit"])
    op.create_index("ix_cases_next_timer_at", "cases", ["next_timer_at"])
    op.create_index("ix_cases_definition_key", "cases", ["definition_key"])
    op.create_table(
        "open_tasks",
        sa.Column("task_id", sa.String(36), primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", name="fk_open_tasks_case_id_cases"),
                  nullable=False),
        sa.Column("element_id", sa.String(200), nullable=False),
        sa.Column("name", sa.String(400), nullable=False),
        sa.Column("role", sa.String(200)),
        sa.Column("unit", sa.String(200), nullable=False),
        sa.Column("process_key", sa.String(200), nullable=False),
        sa.Column("form", sa.String(400)),
        sa.Column("instance", sa.Integer),
        sa.Column("due_at", TS),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_open_tasks_case_id", "open_tasks", ["case_id"])
    op.create_index("ix_open_tasks_role_unit_due", "open_tasks", ["role", "unit", "due_at"])
    op.create_index("ix_open_tasks_due_at", "open_tasks", ["due_at"])
    op.create_table(
        "case_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", name="fk_case_events_case_id_cases"),
                  nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("element_id", sa.String(200)),
        sa.Column("task_id", sa.String(36)),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.UniqueConstraint("case_id", "seq", name="uq_case_events_case_id_seq"),
    )


def downgrade() -> None:
    op.drop_table("case_events")
    op.drop_table("open_tasks")
    op.drop_table("cases")
    op.drop_table("definition_versions")
