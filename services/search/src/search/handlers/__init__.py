"""What each consumed event does to the read model."""
