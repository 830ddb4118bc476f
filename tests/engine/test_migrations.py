"""The migrations build exactly the schema the code declares (tables, columns, indexes), so a deployment that
upgrades gets what a fresh test database has."""

from __future__ import annotations

import sqlalchemy as sa

from engine.store.db import make_engine, upgrade
from engine.store.tables import metadata


def test_migrations_build_the_declared_tables_columns_and_indexes(db_url):
    upgrade(db_url)
    engine = make_engine(db_url)
    try:
        inspector = sa.inspect(engine)
        for table in metadata.sorted_tables:
            assert table.name in inspector.get_table_names(), table.name
            assert {c["name"] for c in inspector.get_columns(table.name)} == {c.name for c in table.columns}, \
                table.name
            declared = {index.name for index in table.indexes}
            assert declared <= {i["name"] for i in inspector.get_indexes(table.name)}, table.name
    finally:
        engine.dispose()
