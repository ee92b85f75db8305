"""Database access shared by the services: engine, unit of work, migrations."""
