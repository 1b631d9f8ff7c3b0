"""Values: exact decimals, periods and calendars, the scored model, working days, adjustments, errors and the canonical JSON encoding. Imports nothing of kaohe above it (docs/architecture.md)."""
