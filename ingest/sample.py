"""The bundled sample cable (08PARIS1616, annotated), ingested on first start when the store is empty."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from core.embedding import Embedder
from core.keyword import KeywordIndex
from core.settings import Settings
from core.store import Store
from ingest.pipeline import IngestReport, ingest

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "sample"


def ensure_sample(settings: Settings, store: Store, keyword: KeywordIndex, embedder: Embedder,
                  recognizer: Callable[[], object]) -> IngestReport | None:
    """Ingest the bundled sample if the store holds no cable; returns the report, or None if nothing was done.

    recognizer: gives the NER model, asked for only when the sample is stored (loading it takes seconds).
    """
    if store.count()[0]:
        return None
    return ingest([SAMPLE_DIR], store=store, keyword=keyword, embedder=embedder, recognizer=recognizer(), settings=settings)
