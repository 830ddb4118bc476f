"""Notifications and their outbox (written with the case event that causes them), people's channels and quiet
hours, units' group webhooks, and WeCom / DingTalk accounts linked to users.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "notifications",
        sa.Column("id", ID, primary_key=True),
        sa.Column("user_id", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id")),
        sa.Column("task_id", sa.String(36)),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("read_at", TS),
        sa.Column("dedupe_key", sa.String(300), unique=True),
    )
    op.create_index("ix_notifications_user_id_id", "notifications", ["user_id", "id"])
    op.create_table(
        "outbox",
        sa.Column("id", ID, primary_key=True),
        sa.Column("notification_id", ID, sa.ForeignKey("notifications.id")),
        sa.Column("user_id", sa.String(100)),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id")),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("address", sa.String(500), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("idempotency_key", sa.String(100), nullable=False, unique=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at", TS, nullable=False),
        sa.Column("last_error", sa.Text),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("sent_at", TS),
    )
    op.create_index("ix_outbox_status_next_attempt_at", "outbox", ["status", "next_attempt_at"])
    op.create_index("ix_outbox_channel_address_sent_at", "outbox", ["channel", "address", "sent_at"])
    op.create_table(
        "notification_preferences",
        sa.Column("user_id", sa.String(100), sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("channels", sa.JSON, nullable=False),
        sa.Column("quiet_start", sa.String(5)),
        sa.Column("quiet_end", sa.String(5)),
        sa.Column("language", sa.String(8), nullable=False, server_default="zh-CN"),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_table(
        "group_webhooks",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("unit", sa.String(200), sa.ForeignKey("units.code"), nullable=False),
        sa.Column("role", sa.String(200), nullable=False),
        sa.Column("url", sa.String(1000), nullable=False),
        sa.Column("format", sa.String(20), nullable=False),
        sa.Column("secret", sa.String(300)),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_group_webhooks_unit_role", "group_webhooks", ["unit", "role"])
    op.create_table(
        "external_accounts",
        sa.Column("platform", sa.String(20), primary_key=True),
        sa.Column("external_id", sa.String(200), primary_key=True),
        sa.Column("user_id", sa.String(100), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("linked_by", sa.String(200), nullable=False),
        sa.Column("linked_at", TS, nullable=False),
        sa.UniqueConstraint("platform", "user_id"),
    )


def downgrade() -> None:
    op.drop_table("external_accounts")
    op.drop_index("ix_group_webhooks_unit_role", "group_webhooks")
    op.drop_table("group_webhooks")
    op.drop_table("notification_preferences")
    op.drop_index("ix_outbox_channel_address_sent_at", "outbox")
    op.drop_index("ix_outbox_status_next_attempt_at", "outbox")
    op.drop_table("outbox")
    op.drop_index("ix_notifications_user_id_id", "notifications")
    op.drop_table("notifications")
