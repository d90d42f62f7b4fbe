"""The web app on a free port, over a small store built with the fake models: the sample cable, two fixture
cables and a cable full of markup (09PARIS99). 07REYKJAVIK42 is left out, for a test to upload.

python -m tests.app_fixture  serves it until Ctrl-C, for a person to look at.
"""

from __future__ import annotations

import shutil
import socket
import sys
import tempfile
import time
from pathlib import Path

from core.settings import Settings
from ingest.pipeline import ingest
from qa.retrieve import Retriever
from tests.conftest import DATA, SAMPLE
from tests.fakes import HashEmbedder, ListedNames
from web.backends import Backends
from web.page import build_page, launch

XSS_CABLE = DATA / "09PARIS99-xss.txt.fixture"  # not .txt: the folder-wide ingests of tests/data leave it out
XSS_NAMES = [("PER", "Quillfeather"), ("MISC", "<img src=x onerror=\"window.__xss = 'img'\">")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fixture_backends(data_dir: Path) -> Backends:
    settings = Settings(data_dir=data_dir, mode="quotes", batch_cables=8, upload_max_mb=1)
    store, keyword, embedder = settings.open_store(), settings.open_keyword_index(), HashEmbedder()
    xss = data_dir / "09PARIS99-xss.txt"
    shutil.copy(XSS_CABLE, xss)
    recognizer = ListedNames(XSS_NAMES)
    ingest([SAMPLE, DATA / "09VALLETTA123-page.html", DATA / "cables-sample.csv", xss],
           store=store, keyword=keyword, embedder=embedder, recognizer=recognizer, settings=settings)
    return Backends(settings, Retriever(store, keyword, embedder), recognizer=recognizer)


def serve(backends: Backends, **launch_kwargs):
    """(page, url) of the app launched in this process on a free loopback port."""
    port = free_port()
    page = build_page(backends)
    launch(page, server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True, **launch_kwargs)
    return page, f"http://127.0.0.1:{port}"


if __name__ == "__main__":
    folder = Path(tempfile.mkdtemp(prefix="cableqa-fixture-"))
    page, url = serve(fixture_backends(folder / "data"))
    print(f"Serving the fixture app at {url} (data in {folder}); Ctrl-C stops it.", file=sys.stderr)
    try:
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        page.close()
        shutil.rmtree(folder, ignore_errors=True)
