"""Storage: SQLAlchemy 2 tables, Alembic migrations, repositories.

SQLite file by default, PostgreSQL by URL. Every save goes through a
repository that writes the audit trail in the same transaction.
"""
