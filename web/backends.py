"""What the page works with: the store, the keyword index, the retriever, and the models it builds on first use."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from core.errors import CableQAError
from core.settings import Settings
from ingest.pipeline import IngestReport, ingest
from ingest.sample import ensure_sample
from qa.backends import MODES, build_chat_model, build_retriever
from qa.retrieve import Retriever
from web.entities import FilterChoices, filter_choices


class Backends:
    """Shared by every session of one app. Chat models and the NER model are built once, when first asked for."""

    def __init__(self, settings: Settings, retriever: Retriever, recognizer=None):
        self.settings = settings
        self.retriever = retriever
        self.store, self.keyword, self.embedder = retriever.store, retriever.keyword, retriever.embedder
        self._recognizer = recognizer
        self._models: dict[str, object] = {}
        self._model_locks = {mode: threading.Lock() for mode in MODES}
        self._ingest_lock = threading.Lock()
        self._choices: FilterChoices | None = None

    def filter_choices(self) -> FilterChoices:
        """The values the filter lists offer; read once, renewed after each ingest from the page."""
        if self._choices is None:
            self._choices = filter_choices(self.keyword)
        return self._choices

    @classmethod
    def from_settings(cls, settings: Settings) -> "Backends":
        return cls(settings, build_retriever(settings))

    def chat_model(self, mode: str):
        """The mode's chat model (None for quotes), built on first use; raises CableQAError if it cannot be.

        A build that failed is not tried again for every question (a missing part package would be
        looked for, and a gigabyte join restarted, each time): its error is kept and raised again until
        the app restarts.
        """
        with self._model_locks[mode]:
            if mode not in self._models:
                try:
                    self._models[mode] = build_chat_model(self.settings, mode)
                except CableQAError as exc:
                    self._models[mode] = exc
            model = self._models[mode]
            if isinstance(model, CableQAError):
                raise model
            return model

    def cable_headers(self, cable_ids: Iterable[str]) -> dict[str, dict]:
        """Each cable's header fields (subject, date, origin, ...) as stored with it."""
        ids = sorted(set(cable_ids))
        if not ids:
            return {}
        found = self.store.cables.get(ids=ids, include=["metadatas"])
        return dict(zip(found["ids"], found["metadatas"]))

    def counts(self) -> tuple[int, int]:
        """(cables, paragraphs) stored."""
        return self.keyword.cable_count(), self.keyword.count()

    def recognizer(self):
        """The NER model, loaded on first use (an ingest)."""
        if self._recognizer is None:
            from ingest.entities import Recognizer

            self._recognizer = Recognizer()
        return self._recognizer

    def ensure_sample(self) -> IngestReport | None:
        """On a first start (no cable stored), store the bundled sample with the app's own models."""
        with self._ingest_lock:
            report = ensure_sample(self.settings, self.store, self.keyword, self.embedder, self.recognizer)
            if report:
                self._renew()
            return report

    def ingest(self, paths: list[Path], on_start: Callable[[int | None], None], on_cable: Callable[[], None]) -> IngestReport:
        """One ingest at a time; the retriever is renewed afterwards so that it knows the new paragraph count."""
        with self._ingest_lock:
            report = ingest(paths, store=self.store, keyword=self.keyword, embedder=self.embedder,
                            recognizer=self.recognizer(), settings=self.settings, on_start=on_start, on_cable=on_cable)
            self._renew()
            return report

    def _renew(self) -> None:
        self.retriever = Retriever(self.store, self.keyword, self.embedder, self.retriever.rankings)
        self._choices = None
