"""People (issue 11): units form a tree (``parent``), users get phone, email, a forced password change and a
one-time reset code, memberships get from–to dates, tokens a scope, open tasks an assignee; ``unit_events``
records what happens to units.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("units") as batch:
        batch.add_column(sa.Column("parent", sa.String(200)))
        batch.create_foreign_key("fk_units_parent_units", "units", ["parent"], ["code"])
        batch.create_index("ix_units_parent", ["parent"])
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("phone", sa.String(32)))
        batch.add_column(sa.Column("email", sa.String(254)))
        batch.add_column(sa.Column("must_change_password", sa.Boolean, nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("reset_code_hash", sa.String(300)))
        batch.add_column(sa.Column("reset_code_expires_at", TS))
        batch.create_index("ix_users_phone", ["phone"])
    with op.batch_alter_table("memberships") as batch:
        batch.add_column(sa.Column("valid_from", sa.Date))
        batch.add_column(sa.Column("valid_to", sa.Date))
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("scope", sa.String(20), nullable=False, server_default="full"))
    with op.batch_alter_table("open_tasks") as batch:
        batch.add_column(sa.Column("assignee", sa.String(100)))
        batch.create_index("ix_open_tasks_assignee", ["assignee"])
    op.create_table(
        "unit_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
        sa.Column("at", TS, nullable=False),
        sa.Column("unit", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
    )
    op.create_index("ix_unit_events_unit", "unit_events", ["unit"])


def downgrade() -> None:
    op.drop_index("ix_unit_events_unit", table_name="unit_events")
    op.drop_table("unit_events")
    with op.batch_alter_table("open_tasks") as batch:
        batch.drop_index("ix_open_tasks_assignee")
        batch.drop_column("assignee")
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("scope")
    with op.batch_alter_table("memberships") as batch:
        batch.drop_column("valid_to")
        batch.drop_column("valid_from")
    with op.batch_alter_table("users") as batch:
        batch.drop_index("ix_users_phone")
        for column in ("reset_code_expires_at", "reset_code_hash", "must_change_password", "email", "phone"):
            batch.drop_column(column)
    with op.batch_alter_table("units") as batch:
        batch.drop_index("ix_units_parent")
        batch.drop_constraint("fk_units_parent_units", type_="foreignkey")
        batch.drop_column("parent")
