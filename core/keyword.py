"""The keyword index: SQLite FTS5 (BM25) over the same paragraphs, beside the Chroma store.

It lives in the data folder as one file, is updated by ingest cable by cable, and is opened, not
rebuilt, at start. Text and metadata stay on disk: a corpus of millions of paragraphs costs no
Python objects. It also serves the entity catalogue (names, types, paragraph counts).
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

from core.models import Cable, EntityType, Paragraph
from core.store import Store, date_number, entity_keys

SCHEMA = """
CREATE TABLE IF NOT EXISTS paragraph (
    rowid INTEGER PRIMARY KEY,
    record_id TEXT NOT NULL UNIQUE,
    cable TEXT NOT NULL,
    number INTEGER NOT NULL,
    date INTEGER,
    origin TEXT,
    classification TEXT
);
CREATE INDEX IF NOT EXISTS paragraph_cable ON paragraph(cable);
CREATE INDEX IF NOT EXISTS paragraph_date ON paragraph(date);
CREATE INDEX IF NOT EXISTS paragraph_origin ON paragraph(origin);
CREATE INDEX IF NOT EXISTS paragraph_classification ON paragraph(classification);
CREATE VIRTUAL TABLE IF NOT EXISTS paragraph_text USING fts5(text, cable, tokenize = 'unicode61 remove_diacritics 2');
CREATE TABLE IF NOT EXISTS entity (
    paragraph INTEGER NOT NULL,
    type TEXT NOT NULL,
    name TEXT NOT NULL,
    key TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS entity_key ON entity(key COLLATE NOCASE, type);
CREATE INDEX IF NOT EXISTS entity_paragraph ON entity(paragraph);
-- Paragraphs per name and per key, kept by every write: the page's entity list and the questions' name
-- lookups read these rather than count the entity rows (23 million for the whole release).
CREATE TABLE IF NOT EXISTS name_count (type TEXT NOT NULL, name TEXT NOT NULL, paragraphs INTEGER NOT NULL, PRIMARY KEY (type, name));
CREATE INDEX IF NOT EXISTS name_count_paragraphs ON name_count(paragraphs DESC, name);
CREATE TABLE IF NOT EXISTS key_count (type TEXT NOT NULL, key TEXT NOT NULL, paragraphs INTEGER NOT NULL, PRIMARY KEY (type, key));
CREATE INDEX IF NOT EXISTS key_count_key ON key_count(key COLLATE NOCASE, type);
-- Paragraphs per key whatever its type and case, as a question's name is looked up.
CREATE TABLE IF NOT EXISTS key_total (key TEXT NOT NULL PRIMARY KEY COLLATE NOCASE, paragraphs INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS tag (paragraph INTEGER NOT NULL, tag TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS tag_tag ON tag(tag);
CREATE INDEX IF NOT EXISTS tag_paragraph ON tag(paragraph);
"""


# The counts' schema: an index whose user_version is lower gets them counted again when it is opened.
COUNTS_VERSION = 1
_COUNT_TABLES = ("name_count", "key_count", "key_total")


def _ascii_lower(text: str) -> str:
    """Lower case as SQLite's NOCASE compares: ASCII letters only."""
    return text.translate(_ASCII_LOWER)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def fts_phrase(text: str) -> str:
    """The text as one FTS5 phrase (its double quotes dropped): matched word for word, never as syntax."""
    return '"' + text.replace('"', "") + '"'


def fts_any(texts: Iterable[str]) -> str:
    """An FTS5 query for any of the texts, each as a phrase."""
    return " OR ".join(fts_phrase(t) for t in texts)


class KeywordIndex:
    """BM25 search and the entity catalogue over the stored paragraphs."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._local = threading.local()
        self._term_counts: dict[tuple[str, int], int] = {}  # see paragraphs_holding
        with self._connection() as db:
            db.executescript(SCHEMA)
        if self.db.execute("PRAGMA user_version").fetchone()[0] < COUNTS_VERSION:
            self.recount_entities()  # an index written before the counts were kept as they are now

    def recount_entities(self) -> None:
        """Count the paragraphs naming each name and key again from the entity rows."""
        with self.db as db:
            for table in _COUNT_TABLES:
                db.execute(f"DELETE FROM {table}")
            db.execute("INSERT INTO name_count SELECT type, name, COUNT(DISTINCT paragraph) FROM entity GROUP BY type, name")
            db.execute("INSERT INTO key_count SELECT type, key, COUNT(DISTINCT paragraph) FROM entity GROUP BY type, key")
            db.execute("INSERT INTO key_total SELECT key, COUNT(DISTINCT paragraph) FROM entity GROUP BY key COLLATE NOCASE")
            db.execute(f"PRAGMA user_version = {COUNTS_VERSION}")

    def _connection(self) -> sqlite3.Connection:
        # One connection per thread: the web app answers several users at once.
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30)
            db.execute("PRAGMA journal_mode=WAL")
            self._local.db = db
        return db

    @property
    def db(self) -> sqlite3.Connection:
        return self._connection()

    def replace(self, cables: Sequence[Cable]) -> None:
        """Write these cables' paragraphs, replacing whatever was indexed for them, in one transaction."""
        db = self.db
        self._term_counts.clear()
        with db:
            self._delete(db, [c.reference_id for c in cables])
            for cable in cables:
                for paragraph in cable.paragraphs:
                    self._insert(db, paragraph, date_number(cable.date), cable.origin, cable.classification, cable.tags)

    @staticmethod
    def _insert(db: sqlite3.Connection, paragraph: Paragraph, date: int | None, origin: str, classification: str, tags: Iterable[str]) -> None:
        cursor = db.execute(
            "INSERT INTO paragraph(record_id, cable, number, date, origin, classification) VALUES (?,?,?,?,?,?)",
            (paragraph.record_id, paragraph.cable_id, paragraph.number, date, origin, classification),
        )
        rowid = cursor.lastrowid
        db.execute("INSERT INTO paragraph_text(rowid, text, cable) VALUES (?,?,?)", (rowid, paragraph.text, paragraph.cable_id))
        rows = {(e.type.value, e.name, key) for e in paragraph.entities for key in entity_keys(e)}
        db.executemany("INSERT INTO entity(paragraph, type, name, key) VALUES (?,?,?,?)", [(rowid, *row) for row in rows])
        KeywordIndex._count(db, rows, +1)
        db.executemany("INSERT INTO tag(paragraph, tag) VALUES (?,?)", [(rowid, t) for t in tags])

    def rebuild(self, store: Store) -> int:
        """Index every paragraph the store holds, from scratch; for a store ingested elsewhere
        (a shared Chroma server) or a lost index file. Returns the paragraphs indexed."""
        db = self.db
        self._term_counts.clear()
        count = 0
        with db:
            for table in ("paragraph_text", "entity", *_COUNT_TABLES, "tag", "paragraph"):
                db.execute(f"DELETE FROM {table}")
            for stored in store.iter_paragraphs():
                self._insert(db, stored.paragraph, date_number(stored.date), stored.origin, stored.classification, stored.tags)
                count += 1
        return count

    def delete_cables(self, cable_ids: Iterable[str]) -> None:
        self._term_counts.clear()
        with self.db as db:
            self._delete(db, list(cable_ids))

    @staticmethod
    def _count(db: sqlite3.Connection, rows: Iterable[tuple[str, str, str]], step: int) -> None:
        """Add step to the counts of one paragraph's (type, name, key) rows."""
        rows = set(rows)
        keys = {_ascii_lower(k): k for _, _, k in rows}.values()  # one per key as NOCASE compares them
        for table, conflict, values in (("name_count", "type, name", {(t, n) for t, n, _ in rows}),
                                        ("key_count", "type, key", {(t, k) for t, _, k in rows}),
                                        ("key_total", "key", {(k,) for k in keys})):
            marks = ", ".join("?" * (len(conflict.split(",")) + 1))
            db.executemany(f"INSERT INTO {table} VALUES ({marks}) ON CONFLICT({conflict}) DO UPDATE SET paragraphs = paragraphs + ?",
                           [(*value, step, step) for value in values])
            if step < 0:
                where = " AND ".join(f"{column.strip()} = ?" for column in conflict.split(","))
                db.executemany(f"DELETE FROM {table} WHERE {where} AND paragraphs <= 0", list(values))

    @staticmethod
    def _delete(db: sqlite3.Connection, cable_ids: list[str]) -> None:
        for cable_id in cable_ids:
            rows = [r[0] for r in db.execute("SELECT rowid FROM paragraph WHERE cable = ?", (cable_id,))]
            if not rows:
                continue
            marks = ",".join("?" * len(rows))
            named: dict[int, set] = {}
            for paragraph, *row in db.execute(f"SELECT paragraph, type, name, key FROM entity WHERE paragraph IN ({marks})", rows):
                named.setdefault(paragraph, set()).add(tuple(row))
            for paragraph_rows in named.values():
                KeywordIndex._count(db, paragraph_rows, -1)
            for table, column in (("paragraph_text", "rowid"), ("entity", "paragraph"), ("tag", "paragraph"), ("paragraph", "rowid")):
                db.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})", rows)

    def count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM paragraph").fetchone()[0]

    def cable_count(self) -> int:
        return self.db.execute("SELECT COUNT(DISTINCT cable) FROM paragraph").fetchone()[0]

    # -- search ---------------------------------------------------------------------------------

    def search(self, terms: Sequence[str], where: str = "", params: Sequence = (), limit: int = 30) -> list[tuple[str, float]]:
        """(record id, BM25 score, higher is better) of the paragraphs matching any term, best first."""
        if not terms:
            return []
        match = fts_any(terms)
        sql = (
            "SELECT p.record_id, -bm25(paragraph_text) AS score FROM paragraph_text "
            "JOIN paragraph p ON p.rowid = paragraph_text.rowid "
            f"WHERE paragraph_text MATCH ? {('AND ' + where) if where else ''} ORDER BY bm25(paragraph_text) LIMIT ?"
        )
        return [(r[0], r[1]) for r in self.db.execute(sql, [match, *params, limit])]

    def paragraphs_holding(self, terms: Iterable[str], cap: int) -> dict[str, int]:
        """How many paragraphs hold each term, counted up to cap + 1: enough to tell a rare term from a
        frequent one without reading a frequent one's whole posting list. Kept until this index is written."""
        counts = {}
        for term in terms:
            key = (term, cap)
            if key not in self._term_counts:
                if len(self._term_counts) > 50000:
                    self._term_counts.clear()
                self._term_counts[key] = self.db.execute(
                    "SELECT COUNT(*) FROM (SELECT rowid FROM paragraph_text WHERE paragraph_text MATCH ? LIMIT ?)",
                    (fts_phrase(term), cap + 1),
                ).fetchone()[0]
            counts[term] = self._term_counts[key]
        return counts

    # Indexed columns whose values the filters offer; each is read by a loose index scan, one step per value:
    # a plain DISTINCT reads every row (2.8 million paragraphs and 16 million tags for the whole release).
    _DISTINCT = {"origin": ("paragraph", "origin"), "classification": ("paragraph", "classification"), "tag": ("tag", "tag")}

    def distinct_values(self, column: str) -> list[str]:
        """The column's values (origin, classification or tag), sorted, without "" or NULL."""
        table, name = self._DISTINCT[column]
        sql = (f"WITH RECURSIVE v(x) AS (SELECT MIN({name}) FROM {table} UNION ALL "
               f"SELECT (SELECT MIN({name}) FROM {table} WHERE {name} > x) FROM v WHERE x IS NOT NULL) SELECT x FROM v")
        return [r[0] for r in self.db.execute(sql) if r[0]]

    def newest_cables(self, limit: int) -> list[str]:
        """The ids of the `limit` cables with the newest dates (any undated after them), read along the date index."""
        found: dict[str, None] = {}
        for (cable,) in self.db.execute("SELECT cable FROM paragraph ORDER BY date DESC"):
            found.setdefault(cable)
            if len(found) >= limit:
                break
        return list(found)

    def filtered_ids(self, where: str, params: Sequence, limit: int = 10000) -> list[str]:
        return [r[0] for r in self.db.execute(f"SELECT p.record_id FROM paragraph p WHERE {where or '1'} LIMIT ?", [*params, limit])]

    def named(self, entity_type: EntityType, keys: Sequence[str]) -> int:
        """Paragraphs naming these stored keys as this type (a paragraph naming two of them counts twice)."""
        marks = ",".join("?" * len(keys))
        row = self.db.execute(f"SELECT SUM(paragraphs) FROM key_count WHERE type = ? AND key IN ({marks})", (entity_type.value, *keys)).fetchone()
        return row[0] or 0

    def tagged(self, tag: str, cap: int) -> int:
        """Paragraphs of cables with this TAG, counted up to cap + 1."""
        return self.db.execute("SELECT COUNT(*) FROM (SELECT 1 FROM tag WHERE tag = ? LIMIT ?)", (tag, cap + 1)).fetchone()[0]

    def passing(self, record_ids: Sequence[str], where: str, params: Sequence) -> set[str]:
        """Those of these paragraphs that pass the filter SQL, each looked up by its id: a wide filter
        (a year holds hundreds of thousands of paragraphs) costs no scan of what it holds."""
        if not record_ids:
            return set()
        # Found by their ids first, the filter checked on them after: SQLite would otherwise choose whichever index
        # the filter could use (the classification's reads every secret paragraph, 2.2 s over the whole release),
        # or pair every given id with every paragraph of a listed TAG (0.5 s on the corpus alone).
        # The ids go as one JSON parameter: an older SQLite takes at most 999.
        sql = (f"SELECT p.record_id FROM (SELECT * FROM paragraph WHERE record_id IN (SELECT value FROM json_each(?)) LIMIT -1) p "
               f"WHERE {where or '1'}")
        return {r[0] for r in self.db.execute(sql, [json.dumps(list(record_ids)), *params])}

    # -- the entity catalogue -------------------------------------------------------------------

    def entity_keys(self, entity_type: EntityType | None, name: str) -> list[tuple[str, str]]:
        """(type, stored key) pairs that a user's spelling of a name finds, case-insensitively."""
        sql = "SELECT type, key FROM key_count WHERE key = ? COLLATE NOCASE"
        params: list = [name.strip()]
        if entity_type:
            sql += " AND type = ?"
            params.append(entity_type.value)
        return [(r[0], r[1]) for r in self.db.execute(sql, params)]

    def entity_catalogue(self, limit: int | None = None) -> list[tuple[str, str, int]]:
        """(type, canonical name, paragraphs naming it), most named first."""
        sql = "SELECT type, name, paragraphs FROM name_count ORDER BY paragraphs DESC, name"
        if limit:
            sql += f" LIMIT {int(limit)}"
        return [(r[0], r[1], r[2]) for r in self.db.execute(sql)]

    def key_frequencies(self, keys: Iterable[str]) -> dict[str, int]:
        """Paragraphs naming each key (any type, any case), for judging how telling a name in a question is."""
        out = {}
        for key in keys:
            row = self.db.execute("SELECT paragraphs FROM key_total WHERE key = ?", (key,)).fetchone()
            out[key] = row[0] if row else 0
        return out

    def _by_cable(self, select: str, cable_ids: Iterable[str]) -> dict[str, list[str]]:
        """Per cable, the values of `select`: a query of (cable, value) rows whose `p.cable IN ({cables})`
        the given cables fill."""
        ids = sorted(set(cable_ids))
        out: dict[str, list[str]] = {cable: [] for cable in ids}
        if ids:
            for cable, value in self.db.execute(select.format(cables=",".join("?" * len(ids))), ids):
                out[cable].append(value)
        return out

    def cable_names(self, cable_ids: Iterable[str]) -> dict[str, set[str]]:
        """The entity names found anywhere in each cable: who "she" and "the minister" of a paragraph are."""
        found = self._by_cable("SELECT DISTINCT p.cable, e.name FROM entity e JOIN paragraph p ON p.rowid = e.paragraph "
                               "WHERE p.cable IN ({cables})", cable_ids)
        return {cable: set(names) for cable, names in found.items()}

    def cable_words(self, cable_ids: Iterable[str]) -> dict[str, set[str]]:
        """The words (lower case, no numbers) of each cable's paragraphs: where a name the recognizer
        missed, as in a cable written in capitals, still stands."""
        found = self._by_cable("SELECT p.cable, t.text FROM paragraph p JOIN paragraph_text t ON t.rowid = p.rowid "
                               "WHERE p.cable IN ({cables})", cable_ids)
        return {cable: {word for text in texts for word in re.findall(r"[a-z][a-z'’-]*", text.lower())}
                for cable, texts in found.items()}

    def find_known_names(self, words: Sequence[str], max_words: int = 4) -> list[tuple[str, str]]:
        """(type, key) of stored entity keys that occur in the word sequence, longest match first."""
        found: list[tuple[str, str]] = []
        used = [False] * len(words)
        for size in range(max_words, 0, -1):
            for start in range(0, len(words) - size + 1):
                if any(used[start : start + size]):
                    continue
                phrase = " ".join(words[start : start + size])
                if len(phrase) < 3 or not re.search(r"[A-Za-z]", phrase):
                    continue
                hits = self.entity_keys(None, phrase)
                if hits:
                    found.extend(hits)
                    used[start : start + size] = [True] * size
        return found
