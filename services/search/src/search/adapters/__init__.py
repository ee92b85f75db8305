"""Database tables, writes and queries of the read model."""
