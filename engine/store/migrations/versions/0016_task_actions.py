"""Task actions (issue 13): copies (抄送) with read status, requests to others (委派, 加签), stand-ins during an
absence, urges and openings on the open tasks, and each case's summary fields.

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

INSTANT = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("summary", sa.JSON))
    with op.batch_alter_table("open_tasks") as batch:
        batch.add_column(sa.Column("urged_at", INSTANT))
        batch.add_column(sa.Column("urge_count", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("opened_at", INSTANT))
        batch.add_column(sa.Column("opened_by", sa.String(100)))
    op.create_table(
        "case_copies",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("user_id", sa.String(100), nullable=False),
        sa.Column("copied_by", sa.String(200), nullable=False),
        sa.Column("element_id", sa.String(200)),
        sa.Column("note", sa.Text),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.Column("read_at", INSTANT),
        sa.UniqueConstraint("case_id", "user_id", name="uq_case_copies_case_user"),
    )
    op.create_index("ix_case_copies_user_id_id", "case_copies", ["user_id", "id"])
    op.create_table(
        "task_requests",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("task_id", sa.String(36), nullable=False),
        sa.Column("element_id", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("from_user", sa.String(100), nullable=False),
        sa.Column("to_user", sa.String(100), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.Column("answered_at", INSTANT),
        sa.Column("answer", sa.Text),
    )
    op.create_index("ix_task_requests_to_user_status", "task_requests", ["to_user", "status"])
    op.create_index("ix_task_requests_task_id", "task_requests", ["task_id"])
    op.create_table(
        "stand_ins",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.String(100), nullable=False),
        sa.Column("stand_in", sa.String(100), nullable=False),
        sa.Column("valid_from", sa.Date, nullable=False),
        sa.Column("valid_to", sa.Date, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
    )
    op.create_index("ix_stand_ins_state", "stand_ins", ["state"])


def downgrade() -> None:
    op.drop_table("stand_ins")
    op.drop_table("task_requests")
    op.drop_table("case_copies")
    with op.batch_alter_table("open_tasks") as batch:
        for column in ("opened_by", "opened_at", "urge_count", "urged_at"):
            batch.drop_column(column)
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("summary")
