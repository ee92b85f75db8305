"""What each command or event does in intake."""
