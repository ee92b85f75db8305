"""Notification's rules, free of I/O."""
