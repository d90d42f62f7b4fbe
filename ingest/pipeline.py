"""Ingest: files and folders in, cables parsed, tagged, embedded and written to the store in batches."""

from __future__ import annotations

import hashlib
import time
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from core.embedding import Embedder
from core.errors import UnreadableCable
from core.keyword import KeywordIndex
from core.models import Cable
from core.settings import Settings
from core.store import Store, paragraph_metadata
from ingest.cable import build_cable
from ingest.entities import NER_MODEL, Recognizer
from ingest.readers import SUFFIXES, CableSource, read_cable_file, read_csv_rows

# Bump when parsing changes what is stored, so that a re-ingest rewrites every cable.
PIPELINE_VERSION = "14"
EMBEDDING_MODEL = "all-MiniLM-L6-v2"


@dataclass
class IngestReport:
    """What an ingest did, for the summary a person reads at the end."""

    stored: int = 0
    unchanged: int = 0
    paragraphs: int = 0
    records: int = 0
    entities: Counter = field(default_factory=Counter)
    failed: list[str] = field(default_factory=list)  # one line each: where, and why
    notes: list[str] = field(default_factory=list)  # what was read but worked around
    ignored: int = 0  # files in folders that are not cable files (.md, .json, ...)
    chars: int = 0  # paragraph text read, for rates
    seconds: Counter = field(default_factory=Counter)  # wall time per stage; "ner" overlaps "embed"

    @property
    def read(self) -> int:
        return self.stored + self.unchanged


def content_hash(cable: Cable) -> str:
    payload = asdict(cable)
    payload.pop("source")
    payload.pop("notes")
    payload["versions"] = [PIPELINE_VERSION, NER_MODEL, EMBEDDING_MODEL]
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def list_inputs(paths: Iterable[Path], report: IngestReport) -> list[Path]:
    """The files to read, in a stable order; a missing path is recorded as failed."""
    files = []
    for path in paths:
        if not path.exists():
            report.failed.append(f"{path}: no such file or folder")
        elif path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")):
                if child.suffix.lower() in SUFFIXES:
                    files.append(child)
                else:
                    report.ignored += 1
        elif path.suffix.lower() in SUFFIXES:
            files.append(path)
        else:
            report.failed.append(f"{path}: not a cable file; give .html, .htm, .txt or .csv files, or a folder of them")
    return files


def read_sources(files: Iterable[Path], settings: Settings) -> Iterator[CableSource | UnreadableCable]:
    """Every cable in the files, streamed; unreadable ones come as the error that says why."""
    limit = int(settings.max_file_mb * 1024 * 1024)
    for path in files:
        if path.suffix.lower() == ".csv":
            yield from read_csv_rows(path)
            continue
        try:
            size = path.stat().st_size
            if size > limit:
                raise UnreadableCable(
                    f"{path}: {size / 1e6:.0f} MB is too big for one cable (limit {settings.max_file_mb:g} MB, "
                    "CABLEQA_MAX_FILE_MB); a dump of many cables should be a cables.csv"
                )
            yield read_cable_file(path, path.read_bytes())
        except UnreadableCable as exc:
            yield exc
        except OSError as exc:
            yield UnreadableCable(f"{path}: cannot read it ({exc.strerror or exc})")


def ingest(
    paths: Iterable[Path],
    *,
    store: Store,
    embedder: Embedder,
    recognizer: Recognizer,
    settings: Settings,
    keyword: KeywordIndex | None = None,
    on_cable: Callable[[], None] = lambda: None,
    on_start: Callable[[int | None], None] = lambda total: None,
) -> IngestReport:
    """Read, tag, embed and store every cable under `paths`; unchanged cables are skipped.

    The keyword index, when given, is updated with the same cables in the same batches. The NER
    model tags the next batch in a second thread while this one embeds and writes the current one:
    the embedder leaves part of the two cores idle, and NER fills it. At most two batches are in
    flight, so memory does not grow with the input.

    on_start gets the number of cables to expect (None when a .csv makes it unknown until read);
    on_cable is called once per cable done: stored, skipped as unchanged or a duplicate, or failed.
    """
    report = IngestReport()
    files = list_inputs([Path(p) for p in paths], report)
    on_start(None if any(f.suffix.lower() == ".csv" for f in files) else len(files))
    first_source: dict[str, str] = {}
    batch: list[Cable] = []
    in_flight: _Tagging | None = None
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ner") as tagger:
        parse_started = time.perf_counter()
        for item in read_sources(files, settings):
            cable = _parse(item, report)
            if cable is None:
                on_cable()
                continue
            if cable.reference_id in first_source:
                report.notes.append(
                    f"{cable.reference_id}: also in {cable.source}; the first one read, {first_source[cable.reference_id]}, is kept"
                )
                on_cable()
                continue
            first_source[cable.reference_id] = cable.source
            report.notes.extend(f"{cable.reference_id} ({cable.source}): {note}" for note in cable.notes)
            report.chars += sum(len(p.text) for p in cable.paragraphs)
            batch.append(cable)
            if len(batch) >= settings.batch_cables:
                report.seconds["parse"] += time.perf_counter() - parse_started
                next_flight = _start_tagging(batch, store, recognizer, tagger, report, on_cable)
                _finish(in_flight, store, embedder, keyword, report, on_cable)
                in_flight, batch = next_flight, []
                parse_started = time.perf_counter()
        report.seconds["parse"] += time.perf_counter() - parse_started
        next_flight = _start_tagging(batch, store, recognizer, tagger, report, on_cable)
        _finish(in_flight, store, embedder, keyword, report, on_cable)
        _finish(next_flight, store, embedder, keyword, report, on_cable)
    report.seconds["total"] = time.perf_counter() - started
    return report


def _parse(item: CableSource | UnreadableCable, report: IngestReport) -> Cable | None:
    if isinstance(item, UnreadableCable):
        report.failed.append(str(item))
        return None
    try:
        return build_cable(item)
    except UnreadableCable as exc:
        report.failed.append(str(exc))
    except Exception as exc:  # a parser bug on one odd cable must not lose the batch
        report.failed.append(f"{item.source}: could not be parsed ({type(exc).__name__}: {exc})")
    return None


@dataclass
class _Tagging:
    """A batch whose changed cables are being tagged in the NER thread."""

    future: Future
    digests: dict[str, str]
    old: dict[str, list[str]]


def _start_tagging(batch: list[Cable], store: Store, recognizer: Recognizer, tagger: ThreadPoolExecutor, report: IngestReport,
                   on_cable: Callable[[], None]) -> _Tagging | None:
    if not batch:
        return None
    digests = {cable.reference_id: content_hash(cable) for cable in batch}
    manifest = store.manifest(list(digests))
    changed = [c for c in batch if manifest.get(c.reference_id, ("", []))[0] != digests[c.reference_id]]
    report.unchanged += len(batch) - len(changed)
    for _ in range(len(batch) - len(changed)):
        on_cable()
    if not changed:
        return None

    def tag() -> list[Cable]:
        started = time.perf_counter()
        tagged = recognizer.tag(changed)
        report.seconds["ner"] += time.perf_counter() - started
        return tagged

    return _Tagging(tagger.submit(tag), digests, {cid: ids for cid, (_, ids) in manifest.items()})


def _finish(flight: _Tagging | None, store: Store, embedder: Embedder, keyword: KeywordIndex | None, report: IngestReport,
            on_cable: Callable[[], None]) -> None:
    """Embed and write a tagged batch."""
    if flight is None:
        return
    tagged = flight.future.result()
    started = time.perf_counter()
    items = []
    texts: list[str] = []
    for cable in tagged:
        ids, docs, metas = [], [], []
        for paragraph in cable.paragraphs:
            meta = paragraph_metadata(cable, paragraph)
            windows = embedder.windows(paragraph.text)
            for k, window in enumerate(windows, start=1):
                ids.append(paragraph.record_id if k == 1 else f"{paragraph.record_id}#{k}")
                # The first record holds the whole paragraph; further windows hold their own text.
                docs.append(paragraph.text if k == 1 else window)
                metas.append({**meta, "window": k, "windows": len(windows)})
                texts.append(window)
            report.entities.update(e.type.value for e in paragraph.entities)
        report.stored += 1
        report.paragraphs += len(cable.paragraphs)
        report.records += len(ids)
        items.append([cable, flight.digests[cable.reference_id], ids, docs, metas])
    vectors = iter(embedder.embed(texts))
    for item in items:
        item.append([next(vectors) for _ in item[2]])
    report.seconds["embed"] += time.perf_counter() - started
    started = time.perf_counter()
    store.write(
        [tuple(item) for item in items],
        old=flight.old,
        before_commit=(lambda: keyword.replace(tagged)) if keyword else (lambda: None),
    )
    report.seconds["store"] += time.perf_counter() - started
    for _ in tagged:
        on_cable()
