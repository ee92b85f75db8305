"""The ticket store's rules, free of I/O."""
