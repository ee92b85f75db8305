"""Emails as text: Jinja templates per language, rendered by pure functions."""
