"""The office's use cases: scoring and storing periods, publishing editions (docs/architecture.md)."""
