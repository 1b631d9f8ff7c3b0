"""Starting the site: uvicorn serving ``kaohe.web.app:create_app`` for one bureau's configuration.

uvicorn is imported when the site starts (a heavy module: the other commands do not load it); the
workers find the configuration in the environment (``KAOHE_CONFIG``)."""

from __future__ import annotations

import os
from pathlib import Path


def serve(config: Path, host: str, port: int, workers: int, proxy: str | None = None) -> None:
    """Serve the site of the bureau configured in ``config`` until interrupted. ``proxy``: the
    address of the bureau's HTTPS reverse proxy whose X-Forwarded-Proto/For headers are trusted."""
    import uvicorn  # heavy: only when the site starts

    os.environ["KAOHE_CONFIG"] = str(config.resolve())
    uvicorn.run(
        "kaohe.web.app:create_app", factory=True, host=host, port=port, workers=workers,
        proxy_headers=proxy is not None, forwarded_allow_ips=proxy or "", server_header=False, log_level="info",
    )


def serve_platform(platform: Path, host: str, port: int, workers: int, proxy: str | None = None) -> None:
    """Serve every bureau of the platform described in ``platform`` (kaohe.web.platform) until
    interrupted; the workers find the file in the environment (``KAOHE_PLATFORM``)."""
    import uvicorn  # heavy: only when the site starts

    os.environ["KAOHE_PLATFORM"] = str(platform.resolve())
    uvicorn.run(
        "kaohe.web.platform:create_platform_app", factory=True, host=host, port=port, workers=workers,
        proxy_headers=proxy is not None, forwarded_allow_ips=proxy or "", server_header=False, log_level="info",
    )
