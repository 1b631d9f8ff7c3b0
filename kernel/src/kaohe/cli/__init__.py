"""The command line, ``kaohe`` (docs/architecture.md)."""

from . import text

text.install()  # before any command is declared: click's help and usage in Chinese
