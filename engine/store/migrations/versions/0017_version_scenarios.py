"""Scenarios stored with a definition version (issue 12): the scenario file (YAML) that was current when the
version was deployed, so its tests can be rerun against it later.

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("definition_versions") as batch:
        batch.add_column(sa.Column("scenarios", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("definition_versions") as batch:
        batch.drop_column("scenarios")
