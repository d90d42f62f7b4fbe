"""app.py: the README's first command on an empty data folder, and where the page may listen without a login."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from app import is_loopback, login_for
from core.settings import Settings
from tests.app_fixture import free_port, serve
from tests.conftest import ROOT
from web.page import EXAMPLES


def test_first_start_ingests_the_sample_and_an_example_question_gets_a_cited_answer(tmp_path):
    from gradio_client import Client

    port = free_port()
    # A fractional upload limit, which Gradio cannot read as "0.5mb", must not stop the app.
    env = {**os.environ, "CABLEQA_DATA": str(tmp_path / "data"), "GRADIO_SERVER_PORT": str(port), "HF_HUB_OFFLINE": "1",
           "CABLEQA_UPLOAD_MAX_MB": "0.5"}
    for name in ("GRADIO_SERVER_NAME", "CABLEQA_APP_USER", "CABLEQA_APP_PASSWORD", "CABLEQA_MODE"):
        env.pop(name, None)
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
        config = json.dumps(json.loads(page))
        assert "08PARIS1616" in config and EXAMPLES[0] in config  # the sample's cable id and the examples
        assert json.loads(page)["max_file_size"] == 500_000
        # It listens on loopback only unless told otherwise.
        with socket.socket() as s:
            assert s.connect_ex(("127.0.0.1", port)) == 0
        # The default mode is the local model; the example is asked in quotes mode to keep the test fast.
        result = Client(f"http://127.0.0.1:{port}", verbose=False).predict(question=EXAMPLES[0], mode="quotes", api_name="/ask")
        assert not result["abstained"] and result["citations"]
        assert all(c.startswith("08PARIS1616 ¶") for c in result["citations"])
        assert "benchmarks" in result["answer"]
    finally:
        app.terminate()
        app.wait(timeout=30)


def test_loopback_addresses():
    for host in ("127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"):
        assert is_loopback(host), host
    for host in ("0.0.0.0", "::", "192.168.1.10", "cables.example.org"):
        assert not is_loopback(host), host


def test_a_login_is_required_beyond_loopback():
    assert login_for("127.0.0.1", Settings()) is None
    with pytest.raises(SystemExit, match="CABLEQA_APP_USER and CABLEQA_APP_PASSWORD"):
        login_for("0.0.0.0", Settings())
    with pytest.raises(SystemExit):
        login_for("0.0.0.0", Settings(app_user="ana"))  # a user without a password is no login
    assert login_for("0.0.0.0", Settings(app_user="ana", app_password="s3cret")) == ("ana", "s3cret")
    # A login that is set is asked for on loopback too.
    assert login_for("127.0.0.1", Settings(app_user="ana", app_password="s3cret")) == ("ana", "s3cret")
    assert "s3cret" not in repr(Settings(app_user="ana", app_password="s3cret"))


def test_the_app_refuses_to_listen_on_a_network_without_a_login(tmp_path):
    env = {**os.environ, "CABLEQA_DATA": str(tmp_path / "data"), "GRADIO_SERVER_NAME": "0.0.0.0", "HF_HUB_OFFLINE": "1"}
    env.pop("CABLEQA_APP_USER", None)
    env.pop("CABLEQA_APP_PASSWORD", None)
    done = subprocess.run([sys.executable, "app.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "needs a login: set CABLEQA_APP_USER and CABLEQA_APP_PASSWORD" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "data").exists()  # it stopped before touching anything


def test_with_a_login_the_page_and_the_api_ask_for_it(app_backends):
    from gradio_client import Client

    page, url = serve(app_backends, auth=login_for("0.0.0.0", Settings(app_user="ana", app_password="s3cret")))
    try:
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{url}/config", timeout=10)
        assert refused.value.code == 401
        with pytest.raises(Exception):
            Client(url, verbose=False)
        result = Client(url, auth=("ana", "s3cret"), verbose=False).predict(question=EXAMPLES[0], mode="quotes", api_name="/ask")
        assert result["citations"]
    finally:
        page.close()
