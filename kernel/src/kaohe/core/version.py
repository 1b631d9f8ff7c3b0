"""The version of kaohe (the kernel and its command)."""

__version__ = "0.1.0"
