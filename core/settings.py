"""The one settings object, read from CABLEQA_* environment variables; it also builds the backends."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path

PREFIX = "CABLEQA_"


def _setting(default, description: str, env: str):
    return field(default=default, metadata={"description": description, "env": PREFIX + env})


@dataclass(frozen=True)
class Settings:
    """Where the data lives, which store to use and how big the batches are."""

    data_dir: Path = _setting(Path("data"), "Folder for the Chroma store, the keyword index and model caches.", "DATA")
    chroma_url: str | None = _setting(None, "URL of a Chroma server (http://host:port); unset = the embedded store under the data folder.", "CHROMA_URL")
    collection: str = _setting("cables", "Name prefix of the Chroma collections.", "COLLECTION")
    batch_cables: int = _setting(64, "Cables parsed, tagged, embedded and written per batch during ingest.", "BATCH_CABLES")
    max_file_mb: float = _setting(20.0, "Largest single-cable file (.html/.txt) ingest reads, in MB; .csv dumps are streamed and have no limit.", "MAX_FILE_MB")
    window_tokens: int = _setting(256, "Word pieces per embedded window (all-MiniLM-L6-v2 reads at most 256).", "WINDOW_TOKENS")
    window_overlap: int = _setting(32, "Word pieces shared by consecutive windows of a long paragraph.", "WINDOW_OVERLAP")

    mode: str = _setting("local", "Default answer mode: local (the bundled Qwen model), quotes (no model), openai or ollama.", "MODE")
    local_model: str = _setting("qwen-1.5b", "Local model: qwen-1.5b (better) or qwen-0.5b (faster).", "LOCAL_MODEL")
    max_tokens: int = _setting(160, "Longest answer the chat model may write, in tokens.", "MAX_TOKENS")
    openai_base_url: str | None = _setting(None, "Base URL of an OpenAI-compatible server (vLLM, llama.cpp server, a hosted API).", "OPENAI_BASE_URL")
    openai_api_key: str | None = _setting(None, "Its API key, if it needs one. Never logged.", "OPENAI_API_KEY")
    openai_model: str = _setting("gpt-4o-mini", "Model name to ask the OpenAI-compatible server for.", "OPENAI_MODEL")
    ollama_url: str = _setting("http://127.0.0.1:11434", "Ollama's URL.", "OLLAMA_URL")
    ollama_model: str = _setting("qwen2.5:1.5b", "Ollama model name.", "OLLAMA_MODEL")

    app_user: str | None = _setting(None, "Username the web page asks for; required (with the password) when it listens beyond 127.0.0.1.", "APP_USER")
    app_password: str | None = _setting(None, "Password the web page asks for. Never logged.", "APP_PASSWORD")
    upload_max_mb: float = _setting(200.0, "Largest upload the web page accepts, in MB per file (a .zip also counts its unpacked size).", "UPLOAD_MAX_MB")

    @property
    def upload_max_bytes(self) -> int:
        return int(self.upload_max_mb * 1e6)

    def __repr__(self) -> str:
        # Keys and URLs never reach a log through this object.
        shown = {f.name: ("***" if f.name in ("openai_api_key", "openai_base_url", "chroma_url", "app_password") and getattr(self, f.name) else getattr(self, f.name)) for f in fields(self)}
        return f"Settings({', '.join(f'{k}={v!r}' for k, v in shown.items())})"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> "Settings":
        environ = os.environ if environ is None else environ
        values = {}
        for f in fields(cls):
            raw = environ.get(f.metadata["env"])
            if raw is None or raw == "":
                continue
            kind = type(f.default) if f.default is not None else str
            values[f.name] = Path(raw) if kind is type(Path()) or isinstance(f.default, Path) else kind(raw)
        return cls(**values)

    @staticmethod
    def describe() -> list[tuple[str, str, str]]:
        """(variable, default, description) for every setting, for the README and --help."""
        return [(f.metadata["env"], str(f.default), f.metadata["description"]) for f in fields(Settings)]

    def open_store(self):
        from core.store import open_store

        return open_store(self)

    def open_keyword_index(self):
        from core.keyword import KeywordIndex

        return KeywordIndex(self.data_dir / "keyword.sqlite3")

    def embedder(self):
        from core.embedding import MiniLMEmbedder

        return MiniLMEmbedder(window_tokens=self.window_tokens, overlap=self.window_overlap)
