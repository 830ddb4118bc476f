"""The case file's head on the case row (event count, last hash, server seal) and the ``seals`` table.

Existing cases get their head from their stored events and a seal with the keyring configured when the
migration runs (``YISHI_SEAL_KEY``, else the development key; ``yishi seal --rekey`` re-seals later).
A case file already broken keeps the head of what is stored: check old cases with ``yishi verify`` first.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

GENESIS = "0" * 64


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("event_count", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("head_hash", sa.String(64), nullable=False, server_default=GENESIS))
        batch.add_column(sa.Column("head_seal", sa.String(64)))
        batch.add_column(sa.Column("seal_key_id", sa.String(32)))
    op.create_table(
        "seals",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cases", sa.Integer, nullable=False),
        sa.Column("events", sa.BigInteger, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("key_id", sa.String(32), nullable=False),
        sa.Column("signature", sa.String(64), nullable=False),
    )
    op.create_index("ix_seals_created_at", "seals", ["created_at"])
    _backfill(op.get_bind())


def _backfill(conn: sa.Connection) -> None:
    from engine.store.audit import keyring

    keys = keyring()
    events = sa.table("case_events", sa.column("case_id"), sa.column("seq"), sa.column("hash"))
    cases = sa.table("cases", sa.column("id"), sa.column("event_count"), sa.column("head_hash"),
                     sa.column("head_seal"), sa.column("seal_key_id"))
    last = sa.select(events.c.case_id, sa.func.max(events.c.seq).label("seq")).group_by(events.c.case_id).subquery()
    heads = conn.execute(sa.select(events.c.case_id, events.c.seq, events.c.hash)
                         .join(last, sa.and_(last.c.case_id == events.c.case_id, last.c.seq == events.c.seq)))
    for case_id, seq, head in heads.all():
        key_id, seal = keys.seal_head(case_id, seq, head)
        conn.execute(sa.update(cases).where(cases.c.id == case_id)
                     .values(event_count=seq, head_hash=head, head_seal=seal, seal_key_id=key_id))


def downgrade() -> None:
    op.drop_index("ix_seals_created_at", "seals")
    op.drop_table("seals")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("seal_key_id")
        batch.drop_column("head_seal")
        batch.drop_column("head_hash")
        batch.drop_column("event_count")
