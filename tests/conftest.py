"""Shared fixtures: settings on a temporary data folder, fake models, the shared corpus when present."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from core.settings import Settings
from tests.fakes import HashEmbedder, NoNER

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
SHARED = ROOT.parent / "shared"
RAW = SHARED / "corpus" / "raw"
ANNOTATED = SHARED / "corpus" / "annotated"
SAMPLE = ROOT / "sample" / "08PARIS1616-annotated.txt"


def shared_corpus() -> Path:
    if not RAW.is_dir():
        pytest.skip(f"the shared corpus is not at {RAW}; these tests read the 330 real cables from ../shared")
    return RAW


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path / "data", batch_cables=8)


@pytest.fixture(params=["embedded", "server"])
def store_settings(request, tmp_path) -> Settings:
    """The embedded store, and a Chroma server when CABLEQA_TEST_CHROMA_URL names one (CI starts it)."""
    if request.param == "server":
        url = os.environ.get("CABLEQA_TEST_CHROMA_URL")
        if not url:
            pytest.skip("no Chroma server: set CABLEQA_TEST_CHROMA_URL (.ci/run starts one with `chroma run`)")
        # A fresh collection name per test keeps tests apart on the shared server.
        return Settings(data_dir=tmp_path / "data", chroma_url=url, collection=f"t{abs(hash(request.node.nodeid)) % 10**10}", batch_cables=8)
    return Settings(data_dir=tmp_path / "data", batch_cables=8)


@pytest.fixture
def embedder() -> HashEmbedder:
    return HashEmbedder()


@pytest.fixture
def recognizer() -> NoNER:
    return NoNER()


@pytest.fixture(scope="session")
def app_backends(tmp_path_factory):
    """The web app's backends over the fixture store (fake models; see tests/app_fixture.py)."""
    from tests.app_fixture import fixture_backends

    return fixture_backends(tmp_path_factory.mktemp("app") / "data")


@pytest.fixture(scope="session")
def app_url(app_backends):
    """One app, launched in this process on a free port, shared by the gradio_client and browser tests."""
    from tests.app_fixture import serve

    page, url = serve(app_backends)
    yield url
    page.close()
