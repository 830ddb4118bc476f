"""What the stuck report reads, kept by the writers (engine.store.report_state): whether an open task's case is
active, the completions per element of cases that have not ended, and partial indexes on what the report filters
(overdue tasks of active cases, active cases by last progress, cases in error or suspended by last update,
elements completed more than once), and the cause of a case's last error on its row.

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

ACTIVE = "status IN ('waiting_for_people', 'waiting_for_timer', 'waiting_for_event')"
ENDED = "('completed', 'cancelled')"
HALTED = "status IN ('error', 'suspended')"


def upgrade() -> None:
    op.add_column("open_tasks", sa.Column("case_active", sa.Boolean, nullable=False, server_default=sa.true()))
    op.execute(f"UPDATE open_tasks SET case_active = {'false' if _pg() else '0'} "
               f"WHERE case_id IN (SELECT id FROM cases WHERE NOT ({ACTIVE}))")
    op.create_index("ix_open_tasks_overdue", "open_tasks", ["due_at", "unit"],
                    postgresql_where=sa.text("case_active"), sqlite_where=sa.text("case_active = 1"))
    op.create_index("ix_cases_active_last_progress", "cases", ["last_progress_at", "definition_version_id", "unit"],
                    postgresql_where=sa.text(ACTIVE), sqlite_where=sa.text(ACTIVE))
    op.create_index("ix_cases_halted_updated", "cases", ["status", "updated_at", "definition_version_id", "unit"],
                    postgresql_where=sa.text(HALTED), sqlite_where=sa.text(HALTED))
    op.add_column("cases", sa.Column("error_cause", sa.String(40)))
    cause = "e.data ->> 'cause'" if _pg() else "json_extract(e.data, '$.cause')"
    op.execute(f"""UPDATE cases SET error_cause = (SELECT {cause} FROM case_events e WHERE e.case_id = cases.id
                                                    AND e.kind = 'case_error' ORDER BY e.seq DESC LIMIT 1)
                   WHERE status = 'error'""")
    op.create_table(
        "completion_counts",
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("element_id", sa.String(200), primary_key=True),
        sa.Column("completions", sa.Integer, nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
    )
    # the cases that have not ended, counted from their files once (the writers keep it from here on)
    op.execute(f"""INSERT INTO completion_counts (case_id, element_id, completions, last_at)
                   SELECT e.case_id, e.element_id, count(*), max(e.at) FROM case_events e
                   JOIN cases c ON c.id = e.case_id
                   WHERE e.kind = 'task_completed' AND e.element_id IS NOT NULL AND c.status NOT IN {ENDED}
                   GROUP BY e.case_id, e.element_id""")
    op.create_index("ix_completion_counts_repeated", "completion_counts", ["completions"],
                    postgresql_where=sa.text("completions > 1"), sqlite_where=sa.text("completions > 1"))


def downgrade() -> None:
    op.drop_index("ix_completion_counts_repeated", table_name="completion_counts")
    op.drop_table("completion_counts")
    op.drop_index("ix_cases_halted_updated", table_name="cases")
    op.drop_index("ix_cases_active_last_progress", table_name="cases")
    op.drop_index("ix_open_tasks_overdue", table_name="open_tasks")
    with op.batch_alter_table("open_tasks") as batch:
        batch.drop_column("case_active")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("error_cause")


def _pg() -> bool:
    return op.get_bind().dialect.name == "postgresql"
