"""Pure rules of the incident read model: no I/O."""
