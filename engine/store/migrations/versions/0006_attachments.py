"""Attachments of a case (一事一档): who added which file (by SHA-256) to which case and task, and when.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("media_type", sa.String(127), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("task_id", sa.String(36)),
        sa.Column("element_id", sa.String(200)),
        sa.Column("uploaded_by", sa.String(200), nullable=False),
        sa.Column("uploaded_at", TS, nullable=False),
    )
    op.create_index("ix_attachments_case_sha256", "attachments", ["case_id", "sha256"])


def downgrade() -> None:
    op.drop_index("ix_attachments_case_sha256", table_name="attachments")
    op.drop_table("attachments")
