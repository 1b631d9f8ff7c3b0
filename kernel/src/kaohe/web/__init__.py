"""The bureau's site, ``kaohe serve`` (issue 16): an interface over the office's use cases beside the
command line (kaohe.web.app; kaohe.web.server starts it)."""
