"""Holiday calendars: the State Council's arrangement of a year (holidays and make-up working days) as an
administrator loaded it, one row per version; the newest per year overrides the chinesecalendar package.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "holiday_calendars",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("holidays", sa.JSON, nullable=False),
        sa.Column("workdays", sa.JSON, nullable=False),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column("loaded_by", sa.String(200), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_holiday_calendars_year", "holiday_calendars", ["year"])


def downgrade() -> None:
    op.drop_index("ix_holiday_calendars_year", table_name="holiday_calendars")
    op.drop_table("holiday_calendars")
