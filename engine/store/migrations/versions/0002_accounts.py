"""Accounts (units, users, memberships, hashed tokens), task claims, per-definition settings.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "units",
        sa.Column("code", sa.String(200), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("name", sa.String(400), nullable=False),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(300), nullable=False),
        sa.Column("is_admin", sa.Boolean, nullable=False),
        sa.Column("is_designer", sa.Boolean, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_table(
        "memberships",
        sa.Column("user_id", sa.String(100), sa.ForeignKey("users.id", name="fk_memberships_user_id_users"),
                  primary_key=True),
        sa.Column("unit", sa.String(200), sa.ForeignKey("units.code", name="fk_memberships_unit_units"),
                  primary_key=True),
        sa.Column("role", sa.String(200), primary_key=True),
    )
    op.create_index("ix_memberships_unit_role", "memberships", ["unit", "role"])
    op.create_table(
        "api_tokens",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.String(100), sa.ForeignKey("users.id", name="fk_api_tokens_user_id_users"),
                  nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
    )
    op.create_index("ix_api_tokens_user_id", "api_tokens", ["user_id"])
    with op.batch_alter_table("open_tasks") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String(100)))
        batch.add_column(sa.Column("claimed_at", TS))
    with op.batch_alter_table("definition_versions") as batch:
        batch.add_column(sa.Column("settings", sa.JSON, nullable=False, server_default="{}"))
    op.create_index("ix_case_events_task_id", "case_events", ["task_id"])


def downgrade() -> None:
    op.drop_index("ix_case_events_task_id", "case_events")
    with op.batch_alter_table("definition_versions") as batch:
        batch.drop_column("settings")
    with op.batch_alter_table("open_tasks") as batch:
        batch.drop_column("claimed_at")
        batch.drop_column("claimed_by")
    op.drop_table("api_tokens")
    op.drop_table("memberships")
    op.drop_table("users")
    op.drop_table("units")
