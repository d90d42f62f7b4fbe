"""The Chroma store: one record per paragraph (and per further window of a long one), and one per cable.

The cable records double as the ingest manifest: each holds its cable's content hash and the ids of
its paragraph records, so that a re-ingest can skip unchanged cables with one lookup per batch and
remove every record of a changed cable.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlparse

from core.errors import StoreError
from core.models import Cable, Entity, EntityType, Paragraph

# (cable, content hash, record ids, documents, metadatas, embeddings)
Item = tuple[Cable, str, list[str], list[str], list[dict], list[list[float]]]
PENDING = "pending"  # a cable whose write began but did not finish; the next ingest redoes it
ENTITY_FIELDS = {EntityType.PER: "per", EntityType.ORG: "org", EntityType.LOC: "loc", EntityType.MISC: "misc"}
# How widely Chroma's HNSW graph is searched. At its default of 100, the 40 nearest records of the 147 dev
# and held-out questions missed 1.1% of the exact 40 (one at rank 11, at cosine 0.705) on 4,331 records;
# at 400, 0.03%. A store of 433,100 records (the corpus's vectors, each 100 times) answered in 1.2 ms at 100
# and 1.3 ms at 400.
EF_SEARCH = 400
log = logging.getLogger("cableqa.store")


@dataclass(frozen=True)
class StoredParagraph:
    """A paragraph as read back from the store, with the header fields of its cable that it carries."""

    paragraph: Paragraph
    date: str | None
    origin: str
    classification: str
    tags: tuple[str, ...]


def date_number(date: str | None) -> int | None:
    """yyyymmdd as an int: Chroma compares numbers only, and dates must be range-filtered."""
    return int(date[:10].replace("-", "")) if date else None


def entity_keys(entity: Entity) -> list[str]:
    """The names a filter finds this entity by: the full name and, for a person, the surname too."""
    keys = [entity.name]
    if entity.type is EntityType.PER and len(entity.name.split()) > 1:
        keys.append(entity.name.split()[-1])
    return keys


def paragraph_metadata(cable: Cable, paragraph: Paragraph) -> dict:
    meta: dict = {
        "cable": cable.reference_id,
        "number": paragraph.number,
        "occurrence": paragraph.occurrence,
        "origin": cable.origin,
        "classification": cable.classification,
        "entities": json.dumps([[e.type.value, e.name] for e in paragraph.entities]),
    }
    if cable.date:
        meta["date"] = date_number(cable.date)
        meta["date_iso"] = cable.date
    if cable.tags:  # Chroma rejects empty lists
        meta["tags"] = list(cable.tags)
    for entity_type, key in ENTITY_FIELDS.items():
        names = []
        for entity in paragraph.entities:
            if entity.type is entity_type:
                names.extend(k for k in entity_keys(entity) if k not in names)
        if names:
            meta[key] = names
    return meta


def cable_metadata(cable: Cable, content_hash: str) -> dict:
    meta = {
        "hash": content_hash,
        "origin": cable.origin,
        "classification": cable.classification,
        "subject": cable.subject,
        "source": cable.source,
        "paragraphs": len(cable.paragraphs),
    }
    optional = {
        "date": cable.date,
        "summary": cable.summary,
        "declassify_on": cable.declassify_on,
        "tags": list(cable.tags),
        "handling": list(cable.handling),
        "references": list(cable.references),
        "signature": cable.signature,
    }
    meta.update({k: v for k, v in optional.items() if v})
    return meta


class Store:
    """Paragraph and cable records in two Chroma collections."""

    def __init__(self, client, prefix: str):
        self.client = client
        self.paragraphs = client.get_or_create_collection(f"{prefix}_paragraphs", embedding_function=None,
                                                          configuration={"hnsw": {"ef_search": EF_SEARCH}})
        # An older store keeps the configuration it was made with; the search width can still be raised. A store
        # that refuses (read-only, another index kind) is still read, at its own width.
        hnsw = (self.paragraphs.configuration or {}).get("hnsw") or {}
        if hnsw.get("ef_search", EF_SEARCH) < EF_SEARCH:
            try:
                self.paragraphs.modify(configuration={"hnsw": {"ef_search": EF_SEARCH}})
            except Exception as exc:  # chromadb raises many types
                log.warning("could not widen the store's search to ef_search %d (%s); searching at %s", EF_SEARCH, exc, hnsw["ef_search"])
        self.cables = client.get_or_create_collection(f"{prefix}_cables", embedding_function=None)
        self.batch = client.get_max_batch_size() if hasattr(client, "get_max_batch_size") else 1000

    # -- the manifest ---------------------------------------------------------------------------

    def manifest(self, cable_ids: Sequence[str]) -> dict[str, tuple[str, list[str]]]:
        """cable id -> (content hash or PENDING, paragraph record ids), one store call for the lot."""
        if not cable_ids:
            return {}
        found = self.cables.get(ids=list(cable_ids), include=["metadatas", "documents"])
        return {
            cid: (meta["hash"], json.loads(doc))
            for cid, meta, doc in zip(found["ids"], found["metadatas"], found["documents"])
        }

    def _mark(self, entries: Iterable[tuple[str, str, list[str], dict]]) -> None:
        entries = list(entries)
        for i in range(0, len(entries), self.batch):
            chunk = entries[i : i + self.batch]
            self.cables.upsert(
                ids=[cid for cid, *_ in chunk],
                embeddings=[[0.0] for _ in chunk],
                documents=[json.dumps(ids) for _, _, ids, _ in chunk],
                metadatas=[meta for *_, meta in chunk],
            )

    # -- writing --------------------------------------------------------------------------------

    def write(self, items: Sequence[Item], old: dict[str, list[str]], before_commit: Callable[[], None] = lambda: None) -> None:
        """Replace the records of these cables.

        items: (cable, content hash, record ids, documents, metadatas, embeddings) per cable;
        old: each cable's record ids from before. The manifest marks the cables pending first,
        listing old and new ids, so an ingest killed midway is redone cleanly by the next one;
        `before_commit` runs after the records are written and before the cables are marked done
        (ingest updates the keyword index there).
        """
        self._mark(
            (cable.reference_id, PENDING, sorted(set(ids) | set(old.get(cable.reference_id, []))), {"hash": PENDING})
            for cable, _, ids, *_ in items
        )
        stale = [rid for cable, _, ids, *_ in items for rid in old.get(cable.reference_id, []) if rid not in set(ids)]
        self.delete(stale)
        ids = [rid for _, _, rids, *_ in items for rid in rids]
        docs = [d for *_, ds, _, _ in items for d in ds]
        metas = [m for *_, ms, _ in items for m in ms]
        vectors = [v for *_, vs in items for v in vs]
        for i in range(0, len(ids), self.batch):
            self.paragraphs.upsert(
                ids=ids[i : i + self.batch],
                documents=docs[i : i + self.batch],
                metadatas=metas[i : i + self.batch],
                embeddings=vectors[i : i + self.batch],
            )
        before_commit()
        self._mark((cable.reference_id, digest, rids, cable_metadata(cable, digest)) for cable, digest, rids, *_ in items)

    def delete(self, record_ids: Sequence[str]) -> None:
        for i in range(0, len(record_ids), self.batch):
            self.paragraphs.delete(ids=list(record_ids[i : i + self.batch]))

    # -- reading --------------------------------------------------------------------------------

    def count(self) -> tuple[int, int]:
        """(cables, paragraph records) stored."""
        return self.cables.count(), self.paragraphs.count()

    def get(self, record_ids: Sequence[str]) -> list[StoredParagraph]:
        if not record_ids:
            return []  # Chroma refuses an empty id list ("Expected IDs to be a non-empty list")
        found = self.paragraphs.get(ids=list(record_ids), include=["metadatas", "documents"])
        by_id = {rid: to_stored(doc, meta) for rid, doc, meta in zip(found["ids"], found["documents"], found["metadatas"])}
        return [by_id[rid] for rid in record_ids if rid in by_id]

    def iter_paragraphs(self, page: int = 1000):
        """Every paragraph (first-window records only), page by page, as StoredParagraphs."""
        offset = 0
        while True:
            got = self.paragraphs.get(where={"window": 1}, include=["metadatas", "documents"], limit=page, offset=offset)
            if not got["ids"]:
                return
            for doc, meta in zip(got["documents"], got["metadatas"]):
                yield to_stored(doc, meta)
            offset += page

    def cable_ids(self) -> list[str]:
        return sorted(self.cables.get(include=[])["ids"])


def to_stored(document: str, meta: dict) -> StoredParagraph:
    entities = tuple(Entity(EntityType(t), n) for t, n in json.loads(meta.get("entities", "[]")))
    paragraph = Paragraph(meta["cable"], meta["number"], document, entities, occurrence=meta.get("occurrence", 1))
    return StoredParagraph(paragraph, meta.get("date_iso"), meta.get("origin", ""), meta.get("classification", ""), tuple(meta.get("tags", ())))


def open_store(settings) -> Store:
    """The embedded store under the data folder, or the Chroma server at CABLEQA_CHROMA_URL."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    try:
        if settings.chroma_url:
            url = urlparse(settings.chroma_url)
            client = chromadb.HttpClient(
                host=url.hostname or "localhost", port=url.port or 8000, ssl=url.scheme == "https", settings=chroma_settings
            )
            client.heartbeat()
        else:
            path = settings.data_dir / "chroma"
            path.mkdir(parents=True, exist_ok=True)
            client = chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except Exception as exc:  # chromadb raises many types for "cannot connect" / "cannot open"
        where = settings.chroma_url or str(settings.data_dir / "chroma")
        raise StoreError(f"cannot open the Chroma store at {where}: {exc}. Check CABLEQA_CHROMA_URL / CABLEQA_DATA.") from exc
    return Store(client, settings.collection)
