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
