"""Database adapter: SQLModel tables, engine and session."""
