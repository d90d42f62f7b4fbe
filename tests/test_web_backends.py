import pytest

import web.backends
from core.errors import ModelError
from core.settings import Settings
from web.backends import Backends


class _Retriever:
    store = keyword = embedder = None


def test_a_chat_model_that_cannot_be_built_is_tried_once_and_its_reason_given_each_time(tmp_path, monkeypatch):
    calls = []

    def build(settings, mode):
        calls.append(mode)
        raise ModelError("the model's part packages are missing; install them with: pip install ...")

    monkeypatch.setattr(web.backends, "build_chat_model", build)
    backends = Backends(Settings(data_dir=tmp_path), _Retriever())
    for _ in range(3):
        with pytest.raises(ModelError, match="part packages are missing"):
            backends.chat_model("local")
    assert calls == ["local"]


def test_a_first_start_stores_the_sample_with_the_app_s_own_models_once(tmp_path):
    from qa.retrieve import Retriever
    from tests.fakes import HashEmbedder, NoNER

    settings = Settings(data_dir=tmp_path, batch_cables=8)
    embedder = HashEmbedder()
    backends = Backends(settings, Retriever(settings.open_store(), settings.open_keyword_index(), embedder), recognizer=NoNER())
    report = backends.ensure_sample()
    assert report and report.paragraphs == 6 and backends.counts() == (1, 6)
    assert embedder.embedded  # the app's embedder did the work; no second model was loaded
    assert backends.retriever.retrieve("Galharague", k=1)[0].stored.paragraph.cable_id == "08PARIS1616"
    assert backends.ensure_sample() is None
