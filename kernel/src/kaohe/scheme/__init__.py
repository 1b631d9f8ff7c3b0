"""The bureau's definition: the scheme (categories, series), the bureau, its configuration file (docs/architecture.md)."""
