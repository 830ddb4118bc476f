"""Indexes for the case-file reads of the web app: a member's completed steps (已办, my cases) and the notices
of the public board, so neither scans the whole case file.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_case_events_actor_kind_at", "case_events", ["actor", "kind", "at"])
    op.create_index("ix_case_events_kind_element", "case_events", ["kind", "element_id"])


def downgrade() -> None:
    op.drop_index("ix_case_events_kind_element", table_name="case_events")
    op.drop_index("ix_case_events_actor_kind_at", table_name="case_events")
