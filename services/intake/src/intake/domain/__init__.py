"""Intake's rules, free of I/O."""
