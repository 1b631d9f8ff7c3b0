"""The plugin contract: hook specifications, items, adapters and their columns, the registry of what the plugins gave (plain data). Built on core/ and rules/ (docs/architecture.md)."""
