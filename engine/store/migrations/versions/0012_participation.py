"""Residents taking part: e-votes, their frozen rolls, and secret ballots counted apart from the voters.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "votes",
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), primary_key=True),
        sa.Column("vote_key", sa.String(220), primary_key=True),
        sa.Column("element_id", sa.String(200), nullable=False),
        sa.Column("unit", sa.String(200), nullable=False),
        sa.Column("secret", sa.Boolean, nullable=False),
        sa.Column("opens_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tallied_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_votes_closes_at", "votes", ["closes_at"])
    op.create_table(
        "vote_rolls",
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), primary_key=True),
        sa.Column("vote_key", sa.String(220), primary_key=True),
        sa.Column("user_id", sa.String(100), primary_key=True),
        sa.Column("weight", sa.Integer, nullable=False),
    )
    op.create_index("ix_vote_rolls_user_id", "vote_rolls", ["user_id"])
    op.create_table(
        "sealed_tallies",
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), primary_key=True),
        sa.Column("vote_key", sa.String(220), primary_key=True),
        sa.Column("choice", sa.String(10), primary_key=True),
        sa.Column("weight", sa.Integer, nullable=False),
        sa.Column("ballots", sa.Integer, nullable=False),
    )

def downgrade() -> None:
    op.drop_table("sealed_tallies")
    op.drop_index("ix_vote_rolls_user_id", table_name="vote_rolls")
    op.drop_table("vote_rolls")
    op.drop_index("ix_votes_closes_at", table_name="votes")
    op.drop_table("votes")
