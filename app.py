"""Cable QA's web page: ask the stored cables, read the cited paragraphs, filter, add cables.

python app.py  (listens on 127.0.0.1:7860; GRADIO_SERVER_NAME / GRADIO_SERVER_PORT change that, and
listening beyond this machine needs CABLEQA_APP_USER and CABLEQA_APP_PASSWORD)
"""

from __future__ import annotations

import ipaddress
import os

from core.errors import CableQAError
from core.settings import Settings

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def is_loopback(host: str) -> bool:
    if host.strip().lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything, so treat it as beyond loopback


def login_for(host: str, settings: Settings) -> tuple[str, str] | None:
    """The (user, password) the page asks for; None on loopback without one. Refuses an open page on a network."""
    if settings.app_user and settings.app_password:
        return settings.app_user, settings.app_password
    if is_loopback(host):
        return None
    raise SystemExit(
        f"error: GRADIO_SERVER_NAME={host} makes the page reachable from other machines, so it needs a login: "
        "set CABLEQA_APP_USER and CABLEQA_APP_PASSWORD (or listen on 127.0.0.1)."
    )


def main() -> None:
    settings = Settings.from_env()
    host = os.environ.get("GRADIO_SERVER_NAME") or "127.0.0.1"
    auth = login_for(host, settings)
    try:
        import torch

        # Answers run in parallel worker threads; torch's own intra-op threads on top of them spin against
        # each other and anything else on the CPU (one question's embedding measured 0.50 s with 2 threads on
        # a busy 2-core machine, 0.026 s with 1). Page uploads embed a little slower for it.
        torch.set_num_threads(1)
        from web.backends import Backends
        from web.page import build_page, launch

        backends = Backends.from_settings(settings)
        report = backends.ensure_sample()
        if report:
            print(f"First start: stored the sample cable ({report.paragraphs} paragraphs).")
        page = build_page(backends)
    except CableQAError as exc:
        raise SystemExit(f"error: {exc}") from exc
    launch(page, server_name=host, auth=auth, max_file_size=settings.upload_max_bytes)


if __name__ == "__main__":
    main()
