"""Live delivery: each replica's feeds of the change log and the journal, and their
subscribers."""
