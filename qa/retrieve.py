"""Hybrid retrieval: dense (Chroma) and keyword (BM25) rankings, filtered alike, fused by their scaled scores.

Names, acronyms and reference ids reach the keyword side verbatim. A name in the question that the
store knows as an entity adds a ranking of the paragraphs that carry it; a follow-up adds rankings
restricted to the cables of the conversation so far, and any other question rankings restricted to
the cable that matches it best.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from spacy.lang.en.stop_words import STOP_WORDS

from core.embedding import Embedder
from core.keyword import KeywordIndex
from core.models import EntityType
from core.store import Store, StoredParagraph
from qa.citations import Citation
from qa.filters import Clauses, Filters, cable_ids_in, named_paragraphs, resolve

CANDIDATES = 40
# Extra rankings are worth less than the two main ones: they re-rank, they do not decide.
ENTITY_WEIGHT = 0.25
CONVERSATION_WEIGHT = 0.5
# The cable that best matches a question most likely holds its answer, often in a paragraph that
# shares few words with it (a summary ranks first; the detail comes later in the same cable). That
# cable's paragraphs are ranked again among themselves. Of 0.25, 0.5, 0.75 and 1 on the dev
# questions, 0.5 and up put a gold paragraph in the top 3 for 41 of 44 (from 38), 0.75 and up in the
# top 5 for 43; the held-out questions were unchanged by any of them.
BEST_CABLE_WEIGHT = 0.75
# A filter that leaves at most this many paragraphs is searched by reading their vectors by id (see
# Retriever.dense): on 433,100 records, 9 ms for 100 and 45 ms for 1,000, where Chroma's `where` costs in
# proportion to the whole store.
BY_ID = 1000
# A wider filter is first tried on the nearest paragraphs of the whole store: this many records (10 ms on
# 433,100 records, where a year's `where` takes 1.8 s), kept if they pass. When at least the number asked
# for pass, they are the filter's nearest, as nearly as Chroma's graph search finds any (against an exact
# search for 2009's paragraphs, the 147 dev and held-out questions kept 99.98% of their 40 and every top
# 5). When fewer pass, the share that did says how many records would hold enough: up to OVER_FETCH_MOST
# (72 ms at that size) are read once more. Past that, a filter of at most BY_ID_MOST paragraphs is searched by
# reading its vectors by id (10,000 took 480 ms at 433,100 records), and only a wider one by Chroma's `where`.
OVER_FETCH = 1000
OVER_FETCH_MOST = 10000
BY_ID_MOST = 10000
# Only rare names steer retrieval: one carried by more than this share of paragraphs (Russia, U.S., EU)
# says little about which paragraph is meant.
MAX_NAME_SHARE = 0.005
# FTS5 ranks a query by counting, for each of its words, every paragraph that holds it: a word held by a
# hundred thousand paragraphs costs a hundred thousand steps in every ranking that uses it. Over the whole
# release (2.8 million paragraphs, measured with the corpus copied 750 times) a question of common words
# took 1 to 3 s on the keyword side alone. A word held by more paragraphs than this is left to the dense
# ranking while the question has rarer ones: so common a word tells little which paragraph is meant. No
# word of the 331-cable corpus is that common (the most, "government", is in 743 paragraphs), so its
# rankings are unchanged.
FREQUENT_TERM = 10000
# A question of frequent words only keeps the ones least common in English.
KEEP_OF_FREQUENT = 2
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’./-]*[A-Za-z0-9]|[A-Za-z0-9]")
_QUESTION_WORDS = frozenset("what which who whom whose why how when where according did does say said says cable cables".split())


@dataclass(frozen=True)
class Hit:
    """A retrieved paragraph, its fused score and its rank in each ranking that found it."""

    stored: StoredParagraph
    score: float
    ranks: tuple[tuple[str, int], ...] = ()

    @property
    def record_id(self) -> str:
        return self.stored.paragraph.record_id

    @property
    def citation(self) -> Citation:
        return Citation(self.stored.paragraph.cable_id, self.stored.paragraph.number)


def without_possessive(word: str) -> str:
    """ "Jamaica's" -> "Jamaica": the index splits it into "jamaica" and "s", and the entity keys hold the name."""
    return word.removesuffix("'s").removesuffix("’s")


def query_terms(question: str) -> list[str]:
    """The words the keyword side looks for: no stop words, names and ids kept whole."""
    terms = []
    for word in _WORD.findall(question):
        low = without_possessive(word.lower()).strip(".'’")
        if low and low not in STOP_WORDS and low not in _QUESTION_WORDS and low not in terms:
            terms.append(low)
    return terms


# An English word at least this common (Zipf frequency 4: ten in a million words) is a word before it is
# a name: "party", "said", "south".
COMMON_WORD_ZIPF = 4.0


@lru_cache(maxsize=50000)
def english_frequency(word: str) -> float:
    """The word's Zipf frequency in English (wordfreq): 7 for "the", 0 for a word it has never seen."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


def is_common_word(word: str) -> bool:
    return english_frequency(word) >= COMMON_WORD_ZIPF


def _common_word_as_asked(key: str, words: Sequence[str]) -> bool:
    """Whether the entity key is one common English word that the question writes only as a word: in lower
    case or as its first word (the recognizer's slips made entities of "Support", "Trade", "Party")."""
    if " " in key or not is_common_word(key):
        return False
    return not any(i > 0 and not w.islower() and w.lower() == key.lower() for i, w in enumerate(words))


def _paragraph_id(record_id: str) -> str:
    return record_id.split("#", 1)[0]


Ranking = tuple[str, float, list[tuple[str, float]]]  # name, weight, (id, score) best first


def fuse(rankings: Sequence[Ranking]) -> list[tuple[str, float, tuple[tuple[str, int], ...]]]:
    """Relative score fusion: each ranking's scores scaled to 0..1 (best = 1), weighted and summed.

    Unlike reciprocal rank fusion, a paragraph that one retriever ranks first and the other misses
    (a paraphrase BM25 cannot see, a rare name the embedding blurs) keeps a high place.
    """
    scores: dict[str, float] = {}
    ranks: dict[str, list[tuple[str, int]]] = {}
    for name, weight, scored in rankings:
        if not scored:
            continue
        values = [score for _, score in scored]
        top, bottom = max(values), min(values)
        for rank, (rid, score) in enumerate(scored, start=1):
            scaled = (score - bottom) / (top - bottom) if top > bottom else 1.0
            scores[rid] = scores.get(rid, 0.0) + weight * scaled
            ranks.setdefault(rid, []).append((name, rank))
    ordered = sorted(scores, key=lambda rid: (-scores[rid], rid))
    return [(rid, scores[rid], tuple(ranks[rid])) for rid in ordered]


class Retriever:
    """Hybrid search over the store and the keyword index."""

    ALL = frozenset({"dense", "keyword", "entity", "conversation", "cable"})

    def __init__(self, store: Store, keyword: KeywordIndex, embedder: Embedder, rankings: frozenset[str] = ALL):
        """rankings: which rankings to fuse; fewer only to measure what each adds."""
        self.rankings = rankings
        self.store = store
        self.keyword = keyword
        self.embedder = embedder
        self._paragraph_count = max(1, keyword.count())
        # The answer scores sentences against the same question: its vector is computed once.
        self._query_vectors = lru_cache(maxsize=64)(lambda text: tuple(embedder.embed([text])[0]))

    def query_vector(self, question: str) -> tuple[float, ...]:
        """The question's embedding (kept for the last 64 questions)."""
        return self._query_vectors(question)

    def dense(self, vector: list[float], clauses: Clauses, limit: int = CANDIDATES) -> list[tuple[str, float]]:
        """(paragraph id, cosine similarity) of the nearest paragraphs within the filters, best first; a
        paragraph scores by its best window.

        Chroma reads every record's metadata for a `where`: on 433,100 records, 0.5 s for one cable, 99 ms
        for an entity, 1.8 s for a year. The keyword index holds the same fields and applies the filters
        instead: one that leaves at most BY_ID paragraphs is searched by reading their vectors by id; a
        wider one keeps those of the store's OVER_FETCH nearest records that pass it, when enough do (reading
        up to OVER_FETCH_MOST once more when the share that passed says that will be enough). Either
        way an entity filter also keeps the paragraphs that name the entity where the recognizer missed it,
        as the keyword rankings always have (Chroma's `where` and `where_document` cannot be joined by OR).
        A filter that few of the nearest records pass is searched by id when it holds at most BY_ID_MOST
        paragraphs, and only a wider one by Chroma's `where`.
        """
        if not (clauses.chroma_where or clauses.chroma_document):
            return self._query(vector, limit)[0]
        allowed = self.keyword.filtered_ids(clauses.sql, clauses.params, limit=BY_ID + 1)
        if len(allowed) <= BY_ID:
            return self._nearest_of(allowed, vector, limit)
        wanted = OVER_FETCH
        while wanted <= OVER_FETCH_MOST:
            nearest, records = self._query(vector, wanted)
            passing = self.keyword.passing([pid for pid, _ in nearest], clauses.sql, clauses.params)
            kept = [(pid, score) for pid, score in nearest if pid in passing]
            if len(kept) >= limit or records < wanted:  # enough, or every record of the store was read
                return kept[:limit]
            if not kept or wanted == OVER_FETCH_MOST:
                break
            wanted = min(OVER_FETCH_MOST, math.ceil(1.5 * wanted * limit / len(kept)))
        allowed = self.keyword.filtered_ids(clauses.sql, clauses.params, limit=BY_ID_MOST + 1)
        if len(allowed) <= BY_ID_MOST:
            return self._nearest_of(allowed, vector, limit)
        return self._query(vector, limit, where=clauses.chroma_where, where_document=clauses.chroma_document)[0]

    def _query(self, vector: list[float], limit: int, **filters) -> tuple[list[tuple[str, float]], int]:
        """Chroma's nearest records as (paragraph id, cosine similarity) best first, and how many records came."""
        kwargs = {"query_embeddings": [vector], "n_results": limit, "include": ["distances"]}
        kwargs.update({key: value for key, value in filters.items() if value})
        found = self.store.paragraphs.query(**kwargs)
        best: dict[str, float] = {}
        for rid, distance in zip(found["ids"][0], found["distances"][0]):
            # Chroma's default space is squared L2; on unit vectors that is 2 - 2 cos.
            best.setdefault(_paragraph_id(rid), 1.0 - distance / 2.0)  # a paragraph scores by its best window
        return list(best.items()), len(found["ids"][0])

    def dense_within(self, cables: Sequence[str], vector: list[float], clauses: Clauses, limit: int = CANDIDATES) -> list[tuple[str, float]]:
        """(paragraph id, cosine similarity) of the given cables' paragraphs within the filters, best first."""
        return self._nearest_of(self.keyword.filtered_ids(*_in_cables(clauses, cables)), vector, limit)

    def _nearest_of(self, paragraph_ids: Sequence[str], vector: list[float], limit: int) -> list[tuple[str, float]]:
        """(paragraph id, cosine similarity) of these paragraphs, best first: their vectors (every window's,
        listed with their cable) read by id and compared here."""
        allowed = set(paragraph_ids)
        cables = sorted({pid.split(":", 1)[0] for pid in allowed})
        records = [rid for _, rids in self.store.manifest(cables).values() for rid in rids if _paragraph_id(rid) in allowed]
        if not records:
            return []
        found = self.store.paragraphs.get(ids=records, include=["embeddings"])
        scores = np.asarray(found["embeddings"], dtype=np.float32) @ np.asarray(vector, dtype=np.float32)
        best: dict[str, float] = {}
        for rid, score in zip(found["ids"], scores.tolist()):
            pid = _paragraph_id(rid)
            best[pid] = max(score, best.get(pid, score))  # a paragraph scores by its best window
        return sorted(best.items(), key=lambda item: (-item[1], item[0]))[:limit]

    def lexical(self, terms: Sequence[str], sql: str, params: Sequence, limit: int = CANDIDATES) -> list[tuple[str, float]]:
        return self.keyword.search(terms, sql, params, limit)

    def keyword_terms(self, terms: Sequence[str]) -> list[str]:
        """The terms the keyword rankings look for: those held by at most FREQUENT_TERM paragraphs or, when
        every term is more frequent, the KEEP_OF_FREQUENT least common in English."""
        counts = self.keyword.paragraphs_holding(terms, FREQUENT_TERM)
        rare = [t for t in terms if counts[t] <= FREQUENT_TERM]
        return rare or sorted(terms, key=english_frequency)[:KEEP_OF_FREQUENT]

    def known_names(self, question: str, rare_only: bool = True) -> list[tuple[str, str]]:
        """(type, key) of stored entities the question names; with rare_only, not those too common to tell."""
        words = [w.strip(".,;:?!'’\"()") for w in question.split()]
        words = [without_possessive(w) for w in words if w]
        found = []
        for entity_type, key in self.keyword.find_known_names(words):
            if key.lower() in STOP_WORDS or len(key) < 3 or _common_word_as_asked(key, words):
                continue
            if rare_only and self.keyword.key_frequencies([key])[key] / self._paragraph_count > MAX_NAME_SHARE:
                continue
            found.append((entity_type, key))
        return found

    def retrieve(self, question: str, filters: Filters = Filters(), *, k: int = 5, prefer_cables: Sequence[str] = (),
                 context: str = "") -> list[Hit]:
        """The k paragraphs that best answer the question within the filters, best first.

        context: earlier turns' text, used only to widen the keyword side of a follow-up.
        """
        clauses = resolve(filters, self.keyword)
        if clauses.empty:
            return []
        terms = query_terms(question)
        if context:
            terms += [t for t in query_terms(context) if t not in terms]
        terms = self.keyword_terms(terms)
        rankings: list[Ranking] = []
        vector = list(self.query_vector(question))
        if "dense" in self.rankings:
            rankings.append(("dense", 1.0, self.dense(vector, clauses)))
        if "keyword" in self.rankings:
            rankings.append(("keyword", 1.0, self.lexical(terms, clauses.sql, clauses.params)))
        names = self.known_names(question) if "entity" in self.rankings else []
        if names:
            by_type: dict[str, list[str]] = {}
            for entity_type, key in names:
                by_type.setdefault(entity_type, []).append(key)
            subqueries = [named_paragraphs(EntityType(t), keys) for t, keys in by_type.items()]
            clause = "(" + " OR ".join(f"p.rowid IN ({sub})" for sub, _ in subqueries) + ")"
            sql = " AND ".join(part for part in (clauses.sql, clause) if part)
            params = (*clauses.params, *[v for _, sub_params in subqueries for v in sub_params])
            rankings.append(("entity", ENTITY_WEIGHT, self.lexical(terms, sql, params)))
        cables = list(dict.fromkeys([*cable_ids_in(question), *prefer_cables]))
        if cables and "conversation" in self.rankings:
            rankings += self._within(cables, "conversation", CONVERSATION_WEIGHT, terms, vector, clauses)
        fused = fuse(rankings)
        if fused and not cables and len(filters.cables) != 1 and "cable" in self.rankings:
            # A filter to one cable already ranks that cable's paragraphs among themselves.
            for best in self.store.get([fused[0][0]]):
                within = self._within([best.paragraph.cable_id], "cable", BEST_CABLE_WEIGHT, terms, vector, clauses)
                fused = fuse(rankings + within)
        fused = fused[:k]
        stored = {s.paragraph.record_id: s for s in self.store.get([rid for rid, *_ in fused])}
        return [Hit(stored[rid], score, ranks) for rid, score, ranks in fused if rid in stored]

    def _within(self, cables: Sequence[str], name: str, weight: float, terms: Sequence[str], vector: list[float],
                clauses: Clauses) -> list[Ranking]:
        """The keyword and dense rankings of the given cables' paragraphs alone."""
        return [(name, weight, self.lexical(terms, *_in_cables(clauses, cables))),
                (f"{name}-dense", weight, self.dense_within(cables, vector, clauses))]


def _in_cables(clauses: Clauses, cables: Sequence[str]) -> tuple[str, tuple]:
    """The filters' SQL and parameters narrowed to the given cables."""
    sql = " AND ".join(part for part in (clauses.sql, f"p.cable IN ({','.join('?' * len(cables))})") if part)
    return sql, (*clauses.params, *cables)
