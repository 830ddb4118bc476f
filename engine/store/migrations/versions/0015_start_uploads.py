"""Files uploaded before their case exists (a start form's attachments): ``attachments.case_id`` may be empty,
the row then belongs to its uploader until a case they start claims it.

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("attachments") as batch:
        batch.alter_column("case_id", existing_type=sa.Integer, nullable=True)
    op.create_index("ix_attachments_pending", "attachments", ["uploaded_by", "sha256"],
                    postgresql_where=sa.text("case_id IS NULL"), sqlite_where=sa.text("case_id IS NULL"))


def downgrade() -> None:
    op.drop_index("ix_attachments_pending", "attachments")
    op.execute("DELETE FROM attachments WHERE case_id IS NULL")
    with op.batch_alter_table("attachments") as batch:
        batch.alter_column("case_id", existing_type=sa.Integer, nullable=False)
