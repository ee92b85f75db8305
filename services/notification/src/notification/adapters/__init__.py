"""Notification's adapters: its tables and queries, and the SMTP server."""
