"""The tamper-evident audit trail: one global hash chain of append-only events."""
