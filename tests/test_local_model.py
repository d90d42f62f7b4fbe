"""The local model: joining and checking the part packages, and the chat model behind LangChain."""

from __future__ import annotations

import hashlib
import os
import threading
import time
from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

from core.errors import ModelError
from qa.local_model import QWEN_1_5B, LocalChatModel, ModelSpec, ensure_model_file, find_part_files

PARTS = [b"GGUF-head-", b"middle-part-", b"tail"]


@pytest.fixture
def fake_spec(tmp_path, monkeypatch, request) -> ModelSpec:
    """Three installed part packages shaped like the real ones (a module with get_part_path())."""
    prefix = f"fake-model-{abs(hash(request.node.nodeid))}-part"  # fresh module names per test
    site = tmp_path / "site-packages"
    for number, data in enumerate(PARTS, start=1):
        package = site / f"{prefix.replace('-', '_')}{number}"
        (package / "data").mkdir(parents=True)
        (package / "data" / f"part{number:02}.bin").write_bytes(data)
        (package / "__init__.py").write_text(
            "import os\n"
            "def get_part_path():\n"
            f"    return os.path.join(os.path.dirname(os.path.abspath(__file__)), 'data', 'part{number:02}.bin')\n"
        )
    monkeypatch.syspath_prepend(str(site))
    return ModelSpec(name="Fake 3-part model", package_prefix=prefix, part_count=len(PARTS), version="0.0.1",
                     sha256=hashlib.sha256(b"".join(PARTS)).hexdigest(), file_name="fake.gguf")


def spec_with(spec: ModelSpec, **changes: Any) -> ModelSpec:
    return ModelSpec(**{**spec.__dict__, **changes})


def test_parts_are_joined_in_order_and_the_result_kept(fake_spec, tmp_path):
    path = ensure_model_file(fake_spec, tmp_path / "models")

    assert path == tmp_path / "models" / "fake.gguf"
    assert path.read_bytes() == b"GGUF-head-middle-part-tail"
    assert sorted(p.name for p in path.parent.iterdir()) == ["fake.gguf", "fake.gguf.sha256"]


def test_a_join_with_the_wrong_checksum_is_refused_and_not_left_behind(fake_spec, tmp_path):
    expected = "0" * 64
    with pytest.raises(ModelError) as refused:
        ensure_model_file(spec_with(fake_spec, sha256=expected), tmp_path / "models")

    message = str(refused.value)
    assert expected in message and fake_spec.sha256 in message  # what was expected, what was found
    assert f"pip install --force-reinstall {fake_spec.package_prefix}1==0.0.1" in message
    assert list((tmp_path / "models").iterdir()) == []  # no half or wrong file that looks complete


def test_a_missing_part_package_names_the_pip_command(fake_spec, tmp_path):
    four_parts = spec_with(fake_spec, part_count=4)

    with pytest.raises(ModelError, match=rf"pip install {fake_spec.package_prefix}4==0\.0\.1$"):
        ensure_model_file(four_parts, tmp_path / "models")


def test_a_later_start_trusts_the_verified_file_without_hashing_it_again(fake_spec, tmp_path):
    path = ensure_model_file(fake_spec, tmp_path / "models")
    # Same size and mtime but other bytes: only a re-hash could notice, so it must be left alone.
    before = path.stat()
    path.write_bytes(b"X" * before.st_size)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))

    assert ensure_model_file(fake_spec, tmp_path / "models") == path
    assert path.read_bytes() == b"X" * before.st_size


def test_a_changed_file_is_checked_again_and_rebuilt_from_the_parts(fake_spec, tmp_path):
    path = ensure_model_file(fake_spec, tmp_path / "models")
    path.write_bytes(b"truncated")

    assert ensure_model_file(fake_spec, tmp_path / "models") == path
    assert path.read_bytes() == b"GGUF-head-middle-part-tail"


def test_a_touched_but_intact_file_is_kept_after_one_check(fake_spec, tmp_path):
    path = ensure_model_file(fake_spec, tmp_path / "models")
    os.utime(path, ns=(0, 1_000_000_000))

    assert ensure_model_file(fake_spec, tmp_path / "models") == path
    # Re-verified and re-marked: the next start trusts it even if the parts are gone.
    assert ensure_model_file(spec_with(fake_spec, part_count=99), tmp_path / "models") == path


def test_a_join_killed_long_ago_does_not_leave_its_gigabyte_behind(fake_spec, tmp_path):
    models = tmp_path / "models"
    models.mkdir()
    leftover = models / "fake.gguf.abc123.joining"
    leftover.write_bytes(b"half a model")
    os.utime(leftover, (time.time() - 3600, time.time() - 3600))

    ensure_model_file(fake_spec, models)

    assert not leftover.exists()


class FakeServer:
    """Stands in for xllamacpp.Server: answers from a script, streams word by word, notes overlap."""

    def __init__(self, words: list[str], usage: dict[str, int] | None = None, error: str | None = None):
        self.words = words
        self.usage = usage or {"prompt_tokens": 42, "completion_tokens": len(words), "total_tokens": 42 + len(words)}
        self.error = error
        self.requests: list[dict[str, Any]] = []
        self.sent = 0
        self.busy = 0
        self.overlapped = False

    def handle_chat_completions(self, request: dict[str, Any], callback=None):
        self.busy += 1
        self.overlapped |= self.busy > 1
        try:
            self.requests.append(request)
            time.sleep(0.01)
            if self.error:
                body = {"error": {"code": 400, "message": self.error}}
                return callback(body) if callback else body
            if callback is None:
                return {"choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "".join(self.words)}}],
                        "model": "fake.gguf", "usage": self.usage}
            callback({"choices": [{"index": 0, "finish_reason": None, "delta": {"role": "assistant", "content": None}}]})
            for word in self.words:
                time.sleep(0.005)  # a real model takes tens of milliseconds per token
                self.sent += 1
                choice = {"index": 0, "finish_reason": None, "delta": {"content": word}}
                if request.get("logprobs"):
                    choice["logprobs"] = {"content": [{"token": word, "logprob": -0.1, "top_logprobs": [{"token": word, "logprob": -0.1}]}]}
                if callback({"choices": [choice]}):
                    return None  # the consumer asked to stop
            callback({"choices": [{"index": 0, "finish_reason": "stop", "delta": {}}]})
            callback({"choices": [], "model": "fake.gguf", "usage": self.usage})
        finally:
            self.busy -= 1


def model_on(server: FakeServer) -> LocalChatModel:
    model = LocalChatModel(model_path="unused.gguf", max_tokens=60)
    model._server = server  # the real one would load a GGUF file; the seam is the server object
    return model


def test_streaming_yields_text_as_it_comes_and_the_prompt_token_count():
    server = FakeServer(["The ", "plan ", "(08PARIS1616 ¶4)."])

    chunks = list(model_on(server).stream([SystemMessage("Cite."), HumanMessage("What plan?")]))

    assert [c.content for c in chunks if c.content] == ["The ", "plan ", "(08PARIS1616 ¶4)."]
    whole = sum(chunks[1:], chunks[0])
    assert whole.usage_metadata == {"input_tokens": 42, "output_tokens": 3, "total_tokens": 45}
    assert whole.response_metadata["finish_reason"] == "stop"
    assert server.requests[0]["messages"] == [{"role": "system", "content": "Cite."}, {"role": "user", "content": "What plan?"}]
    assert server.requests[0]["max_tokens"] == 60 and server.requests[0]["temperature"] == 0.0


def test_each_streamed_token_carries_its_log_probability_and_alternatives():
    server = FakeServer(["The ", "plan."])
    chunks = [c for c in model_on(server).stream([HumanMessage("What plan?")]) if c.content]
    assert server.requests[0]["logprobs"] is True and server.requests[0]["top_logprobs"] == 5
    assert [t["token"] for c in chunks for t in c.response_metadata["logprobs"]] == ["The ", "plan."]


def test_invoke_returns_the_whole_answer_with_token_usage():
    reply = model_on(FakeServer(["One ", "sentence."])).invoke("Hi", stop=["\n\n"])

    assert reply.content == "One sentence."
    assert reply.usage_metadata["input_tokens"] == 42
    assert reply.response_metadata["token_usage"]["completion_tokens"] == 2


def test_a_reader_that_stops_early_stops_the_generation():
    server = FakeServer([f"w{i} " for i in range(100)])

    stream = model_on(server).stream("Count")
    next(stream)
    stream.close()

    assert server.sent < 5


def test_a_refused_request_raises_model_error_with_the_servers_reason():
    model = model_on(FakeServer([], error="request (5000 tokens) exceeds the available context size (4096 tokens)"))

    with pytest.raises(ModelError, match="exceeds the available context size"):
        model.invoke("long")
    with pytest.raises(ModelError, match="exceeds the available context size"):
        list(model.stream("long"))


def test_two_users_at_once_take_turns_on_the_one_model():
    server = FakeServer([f"w{i} " for i in range(20)])
    model = model_on(server)
    replies: list[str] = []

    def ask() -> None:
        replies.append("".join(c.content for c in model.stream("Count")))

    users = [threading.Thread(target=ask) for _ in range(2)] + [threading.Thread(target=lambda: replies.append(model.invoke("Hi").content))]
    for user in users:
        user.start()
    for user in users:
        user.join()

    assert not server.overlapped
    assert len(replies) == 3 and all(reply.startswith("w0 w1") for reply in replies)


def test_a_missing_model_file_says_how_to_build_it(tmp_path):
    with pytest.raises(ModelError, match="no model file at .*ensure_model_file"):
        LocalChatModel(model_path=str(tmp_path / "absent.gguf")).invoke("Hi")


PARAGRAPH = ("08PARIS1616 ¶4: Galharague said the French Mission to the UN is working on a revised draft UNSCR today "
             "that would cite in extenso the six-point plan and refer to an international mechanism. Both current "
             "ground information and the signs coming from the Russian government are contradictory and often "
             "unverifiable. It is not clear whether they are taking steps to withdraw by the 22nd.")


@pytest.fixture(scope="module")
def real_model(request) -> LocalChatModel:
    try:
        find_part_files(QWEN_1_5B)
    except ModelError:
        pytest.skip(f"the real 1.5B model is not installed; install it with: {QWEN_1_5B.pip_install()}")
    # Kept in pytest's cache folder so the 1 GB join happens once, not on every run.
    started = time.perf_counter()
    path = ensure_model_file(QWEN_1_5B, request.config.cache.mkdir("models"))
    print(f"\n[local model] join+verify (or marker check): {time.perf_counter() - started:.1f} s")
    return LocalChatModel(model_path=str(path), max_tokens=60)


def test_the_real_model_answers_and_streams_with_a_citation_prompt(real_model):
    messages = [
        SystemMessage("Answer in one or two short sentences. End each sentence with the citation of the paragraph "
                      "that says it, written exactly like (08PARIS1616 ¶4)."),
        HumanMessage(f"Paragraph:\n{PARAGRAPH}\n\nQuestion: What is the French Mission to the UN working on?"),
    ]
    started = time.perf_counter()
    real_model.invoke([HumanMessage("Hi")])  # loads the model
    loaded = time.perf_counter()

    chunks, first = [], None
    for chunk in real_model.stream(messages):
        first = first or (time.perf_counter() if chunk.content else None)
        chunks.append(chunk)
    done = time.perf_counter()
    reply = "".join(c.content for c in chunks)
    usage = sum(chunks[1:], chunks[0]).usage_metadata

    print(f"[local model] load+hello {loaded - started:.1f} s, first token {first - loaded:.1f} s, "
          f"total {done - loaded:.1f} s, {usage['input_tokens']} prompt / {usage['output_tokens']} generated tokens")
    print(f"[local model] reply: {reply!r}")
    assert reply.strip()
    assert "(08PARIS1616 ¶4)" in reply  # greedy decoding: the same wheel and file give the same words
    assert sum(1 for c in chunks if c.content) > 1
    assert usage["input_tokens"] > 100
    # Each token's log-probability comes with it, in the form the answer reads to weigh a refusal.
    tokens = [t for c in chunks for t in c.response_metadata.get("logprobs", [])]
    assert "".join(t["token"] for t in tokens) == reply and all(t["top_logprobs"] for t in tokens)
    # Given the start of its reply, the model streams only what follows it.
    rest = "".join(c.content for c in real_model.stream([*messages, AIMessage("The French Mission")]))
    assert rest.strip() and not rest.startswith("The French Mission")
