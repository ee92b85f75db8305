"""Search: the incident read model, fed by incident.declared and ticket.updated."""
