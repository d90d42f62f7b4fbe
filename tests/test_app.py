"""The README's first command: `python app.py` on an empty data folder stores the sample and serves the page."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

from tests.conftest import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_first_start_ingests_the_sample_and_lists_it(tmp_path):
    port = free_port()
    env = {**os.environ, "CABLEQA_DATA": str(tmp_path / "data"), "GRADIO_SERVER_PORT": str(port), "HF_HUB_OFFLINE": "1"}
    env.pop("GRADIO_SERVER_NAME", None)
    app = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.time() + 180
        page = None
        while time.time() < deadline and app.poll() is None:
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/config", timeout=2).read().decode()
                break
            except OSError:
                time.sleep(1)
        assert page, app.stdout.read() if app.poll() is not None else "the app did not answer in 180 s"
        assert "08PARIS1616" in json.dumps(json.loads(page))
        # It listens on loopback only unless told otherwise.
        with socket.socket() as s:
            assert s.connect_ex(("127.0.0.1", port)) == 0
    finally:
        app.terminate()
        app.wait(timeout=30)
