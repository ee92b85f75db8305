"""What each command or event does in the ticket store."""
