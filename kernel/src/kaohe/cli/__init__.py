"""The command line, ``kaohe`` (docs/architecture.md)."""
