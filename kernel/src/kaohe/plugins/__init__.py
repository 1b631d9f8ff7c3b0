"""The host side of plugins: discovery through entry points, refusal of a faulty plugin, the built-in plugin of the office (docs/architecture.md)."""
