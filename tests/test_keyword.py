"""The keyword index's own bookkeeping: entity counts kept by every write, and the word counts that let
retrieval leave the most frequent words out of its keyword rankings."""

import sqlite3

from core.keyword import KeywordIndex
from core.models import Cable, Entity, EntityType, Paragraph
from qa import retrieve
from qa.retrieve import Retriever

PER, ORG = EntityType.PER, EntityType.ORG


def cable(ref, paragraphs):
    return Cable(ref, "2008-08-21", "Embassy Paris", "CONFIDENTIAL", tags=("PREL",), subject="S", paragraphs=tuple(paragraphs))


PARIS = cable("08PARIS1616", [
    Paragraph("08PARIS1616", 1, "Galharague spoke of Georgia.", (Entity(PER, "Roland Galharague"), Entity(ORG, "OSCE"))),
    Paragraph("08PARIS1616", 2, "Galharague and Boillon spoke.", (Entity(PER, "Roland Galharague"), Entity(PER, "Boris Boillon"))),
])
ROME = cable("08ROME1406", [Paragraph("08ROME1406", 1, "The OSCE met Galharague.", (Entity(ORG, "OSCE"), Entity(PER, "Galharague")))])


def counted_from_rows(index):
    """The catalogue and key counts as the entity rows themselves give them."""
    names = index.db.execute("SELECT type, name, COUNT(DISTINCT paragraph) FROM entity GROUP BY type, name").fetchall()
    keys = index.db.execute("SELECT type, key, COUNT(DISTINCT paragraph) FROM entity GROUP BY type, key").fetchall()
    totals = index.db.execute("SELECT lower(key), COUNT(DISTINCT paragraph) FROM entity GROUP BY key COLLATE NOCASE").fetchall()
    return sorted(names), sorted(keys), sorted(totals)


def kept_counts(index):
    return (sorted(index.db.execute("SELECT type, name, paragraphs FROM name_count").fetchall()),
            sorted(index.db.execute("SELECT type, key, paragraphs FROM key_count").fetchall()),
            sorted(index.db.execute("SELECT lower(key), paragraphs FROM key_total").fetchall()))


def test_entity_counts_follow_every_write(tmp_path):
    index = KeywordIndex(tmp_path / "keyword.sqlite3")
    index.replace([PARIS, ROME])
    assert kept_counts(index) == counted_from_rows(index)
    assert ("PER", "Roland Galharague", 2) in kept_counts(index)[0]
    assert index.key_frequencies(["galharague"]) == {"galharague": 3}  # any case; two names share the surname
    # A name the recognizer gave two types, or two cases, in one paragraph is one paragraph naming it.
    funes = cable("09SANSALVADOR817", [Paragraph("09SANSALVADOR817", 1, "Funes and FUNES.",
                                                 (Entity(PER, "Funes"), Entity(ORG, "Funes"), Entity(ORG, "FUNES")))])
    index.replace([funes])
    assert index.key_frequencies(["Funes"]) == {"Funes": 1}
    assert kept_counts(index) == counted_from_rows(index)
    index.delete_cables(["09SANSALVADOR817"])
    assert index.entity_catalogue(2) == [("ORG", "OSCE", 2), ("PER", "Roland Galharague", 2)]

    shorter = cable("08PARIS1616", [PARIS.paragraphs[0]])  # re-ingested with one paragraph
    index.replace([shorter])
    assert kept_counts(index) == counted_from_rows(index)
    index.delete_cables(["08ROME1406"])
    assert kept_counts(index) == counted_from_rows(index)
    assert index.entity_keys(None, "boris boillon") == []  # no count of nothing is left behind
    assert index.entity_catalogue() == [("ORG", "OSCE", 1), ("PER", "Roland Galharague", 1)]


def test_an_index_written_before_the_counts_were_kept_gets_them_on_opening(tmp_path):
    path = tmp_path / "keyword.sqlite3"
    KeywordIndex(path).replace([PARIS, ROME])
    with sqlite3.connect(path) as db:
        db.execute("DELETE FROM name_count")
        db.execute("DROP TABLE key_total")
        db.execute("PRAGMA user_version = 0")
    index = KeywordIndex(path)
    assert kept_counts(index) == counted_from_rows(index)


def test_word_counts_stop_at_the_cap_and_are_renewed_by_a_write(tmp_path):
    index = KeywordIndex(tmp_path / "keyword.sqlite3")
    index.replace([PARIS])
    assert index.paragraphs_holding(["galharague", "georgia", "absent"], cap=1) == {"galharague": 2, "georgia": 1, "absent": 0}
    index.replace([ROME])
    assert index.paragraphs_holding(["galharague"], cap=5) == {"galharague": 3}
    assert index.paragraphs_holding(["galharague"], cap=1) == {"galharague": 2}  # counted to cap + 1 only


def test_the_keyword_rankings_leave_out_words_too_frequent_to_tell(tmp_path, monkeypatch):
    index = KeywordIndex(tmp_path / "keyword.sqlite3")
    index.replace([PARIS, ROME])
    retriever = Retriever.__new__(Retriever)
    retriever.keyword = index
    monkeypatch.setattr(retrieve, "FREQUENT_TERM", 2)  # "galharague" is in 3 paragraphs, "georgia" in 1
    assert retriever.keyword_terms(["galharague", "georgia"]) == ["georgia"]
    # Only frequent words: the ones least common in English stay.
    monkeypatch.setattr(retrieve, "FREQUENT_TERM", 0)
    monkeypatch.setattr(retrieve, "KEEP_OF_FREQUENT", 1)
    assert retriever.keyword_terms(["spoke", "galharague"]) == ["galharague"]


def test_filter_values_and_newest_cables(tmp_path):
    index = KeywordIndex(tmp_path / "keyword.sqlite3")
    older = Cable("05ROME1", "2005-01-02", "Embassy Rome", "SECRET", tags=("PREL", "IT"), subject="S",
                  paragraphs=(Paragraph("05ROME1", 1, "Old."),))
    undated = Cable("99X1", None, "", "", tags=(), subject="S", paragraphs=(Paragraph("99X1", 1, "When?"),))
    index.replace([PARIS, older, undated])
    assert index.distinct_values("origin") == ["Embassy Paris", "Embassy Rome"]
    assert index.distinct_values("classification") == ["CONFIDENTIAL", "SECRET"]
    assert index.distinct_values("tag") == ["IT", "PREL"]
    assert index.newest_cables(2) == ["08PARIS1616", "05ROME1"]
    assert index.newest_cables(5) == ["08PARIS1616", "05ROME1", "99X1"]
