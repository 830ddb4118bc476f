"""Persistence: SQLAlchemy Core tables, the database connection and Alembic migrations."""
