"""The bundled sample cable (08PARIS1616, annotated), ingested on first start when the store is empty."""

from __future__ import annotations

from pathlib import Path

from core.settings import Settings
from core.store import Store
from ingest.pipeline import IngestReport, ingest

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "sample"


def ensure_sample(settings: Settings, store: Store) -> IngestReport | None:
    """Ingest the bundled sample if the store holds no cable; returns the report, or None if nothing was done."""
    if store.count()[0]:
        return None
    from ingest.entities import Recognizer

    return ingest(
        [SAMPLE_DIR],
        store=store,
        keyword=settings.open_keyword_index(),
        embedder=settings.embedder(),
        recognizer=Recognizer(),
        settings=settings,
    )
