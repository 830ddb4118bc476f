"""Indexes for the reports at a million cases (bench/README.md): idle cases by status and last progress (the stuck
report), the case file's events of one kind over a period (statistics: completions, ends), and completed tasks per
case and element (the stuck report's loops).

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

COMPLETED = sa.text("kind = 'task_completed'")


def upgrade() -> None:
    op.create_index("ix_cases_status_last_progress_at", "cases", ["status", "last_progress_at"])
    op.create_index("ix_case_events_kind_at", "case_events", ["kind", "at"])
    op.create_index("ix_case_events_case_id_element_id", "case_events", ["case_id", "element_id"],
                    postgresql_where=COMPLETED, sqlite_where=COMPLETED)


def downgrade() -> None:
    op.drop_index("ix_case_events_case_id_element_id", table_name="case_events")
    op.drop_index("ix_case_events_kind_at", table_name="case_events")
    op.drop_index("ix_cases_status_last_progress_at", table_name="cases")
