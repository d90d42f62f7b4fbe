"""python -m qa.bench_scale DIR [QUESTIONS.jsonl] [--copies 750]: the keyword side at the whole release's size.

The whole Cablegate release is 251,287 cables, about 2.8 million paragraphs. Without it, this builds in
DIR a keyword index holding the stored corpus `copies` times over (750 copies of the 331-cable corpus
make 2.79 million paragraphs, 6.7 GB; about 15 minutes on 2 cores) and times, per question, what
retrieval and the page ask of the keyword index: the choice of terms, the BM25 ranking, the question's
names, the ranking within one cable and an entity filter; then the page's filter lists; then, for the
widest filter of each kind the index holds (its most common TAG, place, classification and year), what
the dense side asks of the keyword index (listing up to BY_ID paragraphs; checking 1,000 paragraphs spread
over the index, as it checks the store's nearest) and the filtered BM25 ranking. Every word's
posting list is `copies` times its corpus's, so a name one cable holds costs as if the release held it
in 750 places: an upper bound for rare words, about right for common ones. The dense side (Chroma) is
not scaled here.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from core.keyword import KeywordIndex
from core.models import Entity, EntityType
from core.settings import Settings
from qa.bench import DEFAULT_QUESTIONS
from qa.eval import question_inputs
from qa.filters import Filters, resolve
from qa.retrieve import BY_ID, CANDIDATES, OVER_FETCH, Retriever, query_terms


def build(source: Path, target: Path, copies: int) -> KeywordIndex:
    """A keyword index at target holding source's paragraphs, entities and tags `copies` times (cable ids
    get "-1", "-2", ... after the first copy)."""
    if not source.exists():  # ATTACH would create it empty
        raise SystemExit(f"no keyword index at {source}: ingest a corpus first (python -m ingest ...), or set CABLEQA_DATA")
    index = KeywordIndex(target)
    db = index.db
    db.execute("ATTACH ? AS source", (str(source),))
    size = db.execute("SELECT MAX(rowid) FROM source.paragraph").fetchone()[0]
    for copy in range(copies):
        shift, suffix = copy * size, f"-{copy}" if copy else ""
        with db:
            db.execute("INSERT INTO paragraph SELECT rowid + ?, replace(record_id, ':', ? || ':'), cable || ?, number, date, origin, "
                       "classification FROM source.paragraph", (shift, suffix, suffix))
            db.execute("INSERT INTO paragraph_text(rowid, text, cable) SELECT rowid + ?, text, cable || ? FROM source.paragraph_text",
                       (shift, suffix))
            db.execute("INSERT INTO entity SELECT paragraph + ?, type, name, key FROM source.entity", (shift,))
            db.execute("INSERT INTO tag SELECT paragraph + ?, tag FROM source.tag", (shift,))
        if copy % 50 == 49:
            print(f"{copy + 1} copies", flush=True)
    db.execute("DETACH source")
    index.recount_entities()
    return index


def widest_filters(index: KeywordIndex) -> dict[str, Filters]:
    """The filter of each kind that holds the most paragraphs: a TAG, a place named, a classification, a year."""
    filters = {}
    tag = index.db.execute("SELECT tag FROM tag GROUP BY tag ORDER BY COUNT(*) DESC LIMIT 1").fetchone()
    if tag:
        filters[f"TAG {tag[0]}"] = Filters(tags=(tag[0],))
    place = next((name for kind, name, _ in index.entity_catalogue() if kind == EntityType.LOC.value), None)
    if place:
        filters[f"LOC {place}"] = Filters(entities=(Entity(EntityType.LOC, place),))
    classification = index.db.execute("SELECT classification FROM paragraph GROUP BY classification ORDER BY COUNT(*) DESC LIMIT 1").fetchone()
    if classification and classification[0]:
        filters[f"classification {classification[0]}"] = Filters(classifications=(classification[0],))
    year = index.db.execute("SELECT date / 10000 FROM paragraph WHERE date IS NOT NULL GROUP BY date / 10000 ORDER BY COUNT(*) DESC LIMIT 1").fetchone()
    if year:
        filters[f"year {year[0]}"] = Filters(date_from=f"{year[0]}-01-01", date_to=f"{year[0]}-12-31")
    return filters


def _timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    out = fn()
    return (time.perf_counter() - start) * 1000, out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m qa.bench_scale", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dir", type=Path, help="where the large index is built, or found from an earlier run")
    parser.add_argument("questions", type=Path, nargs="?", default=DEFAULT_QUESTIONS)
    parser.add_argument("--copies", type=int, default=750)
    args = parser.parse_args(argv)
    target = args.dir / "keyword.sqlite3"
    if target.exists():
        index = KeywordIndex(target)
    else:
        args.dir.mkdir(parents=True, exist_ok=True)
        index = build(Settings.from_env().data_dir / "keyword.sqlite3", target, args.copies)
    retriever = Retriever(None, index, None)  # its keyword side only
    print(f"{index.count()} paragraphs")
    retriever.known_names("Paris")  # loads the word frequencies
    times: dict[str, list[float]] = {"terms": [], "keyword ranking": [], "names in the question": [], "within one cable": [],
                                     "entity filter": []}
    for item in (json.loads(line) for line in args.questions.read_text().splitlines() if line.strip()):
        question, (_, filters) = item["question"], question_inputs(item)
        ms, terms = _timed(lambda: retriever.keyword_terms(query_terms(question)))
        times["terms"].append(ms)
        ms, hits = _timed(lambda: index.search(terms, "", (), CANDIDATES))
        times["keyword ranking"].append(ms)
        times["names in the question"].append(_timed(lambda: retriever.known_names(question))[0])
        if hits:
            cable = hits[0][0].split(":")[0]
            times["within one cable"].append(_timed(lambda: index.search(terms, "p.cable IN (?)", (cable,), CANDIDATES))[0])
        if filters.entities:
            clauses = resolve(filters, index)
            times["entity filter"].append(_timed(lambda: index.search(terms, clauses.sql, clauses.params, CANDIDATES))[0])
    for name, values in times.items():
        if values:
            values.sort()
            print(f"{name}: n {len(values)}, p50 {statistics.median(values):.1f} ms, p95 {values[int(0.95 * (len(values) - 1))]:.1f} ms, "
                  f"max {values[-1]:.1f} ms")
    # What the page's filter lists read (web/entities.py, filter_choices).
    ms, _ = _timed(lambda: (index.entity_catalogue(3000), index.newest_cables(3000),
                            [index.distinct_values(column) for column in ("origin", "classification", "tag")]))
    print(f"the page's filter lists: {ms:.0f} ms")
    questions = [json.loads(line)["question"] for line in args.questions.read_text().splitlines() if line.strip()]
    step = max(1, index.count() // OVER_FETCH)
    nearest = [r[0] for r in index.db.execute("SELECT record_id FROM paragraph WHERE rowid % ? = 0 LIMIT ?", (step, OVER_FETCH))]
    for name, filters in widest_filters(index).items():
        clauses = resolve(filters, index)
        listing, _ = _timed(lambda: index.filtered_ids(clauses.sql, clauses.params, limit=BY_ID + 1))
        checking, _ = _timed(lambda: index.passing(nearest, clauses.sql, clauses.params))
        ranking = sorted(_timed(lambda: index.search(retriever.keyword_terms(query_terms(q)), clauses.sql, clauses.params, CANDIDATES))[0]
                         for q in questions)
        print(f"{name}: listing up to {BY_ID + 1} paragraphs {listing:.0f} ms, checking {len(nearest)} {checking:.0f} ms, "
              f"BM25 ranking p50 {statistics.median(ranking):.0f} ms, p95 {ranking[int(0.95 * (len(ranking) - 1))]:.0f} ms")


if __name__ == "__main__":
    main()
