"""The bureau's definition: the scheme (categories, series), the bureau, its configuration file and the officers' settings (docs/architecture.md)."""
