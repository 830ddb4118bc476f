"""常用语: each unit's stock phrases for the opinions its members write (审批意见).

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stock_phrases",
        sa.Column("unit", sa.String(200), sa.ForeignKey("units.code"), primary_key=True),
        sa.Column("phrases", sa.JSON, nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("stock_phrases")
