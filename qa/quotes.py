"""Quotes mode: the sentences of the retrieved paragraphs that best answer the question, each cited.

It needs no model, answers in milliseconds, and is the fallback when a chat model is missing or
fails. The same sentence scoring trims paragraphs for the chat model's prompt.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from functools import lru_cache

from qa.citations import Citation, format_citations
from qa.retrieve import STOP_WORDS, Hit, query_terms

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”')]*\s+(?=[\"“(\-A-Z0-9])")
_MARKING = re.compile(r"^\(\s*[A-Z]{1,4}(?:\s*/\s*[A-Z]{1,4})?\s*\)\s*")
_WORD = re.compile(r"[a-z0-9]+")
STEM = 5  # "benchmarks" and "benchmark", "withdraw" and "withdrawal" share their first letters


def split_sentences(text: str) -> list[str]:
    sentences = []
    for block in text.split("\n"):
        sentences.extend(s.strip() for s in _SENTENCE_END.split(block) if s.strip())
    return [_MARKING.sub("", s) for s in sentences]


@lru_cache(maxsize=50000)
def term_weight(term: str) -> float:
    """Rarer words say more: 7 minus the word's Zipf frequency in English, at least 0.5."""
    from wordfreq import zipf_frequency

    return max(0.5, 7.0 - zipf_frequency(term, "en"))


def _stems(text: str) -> set[str]:
    return {w[:STEM] for w in _WORD.findall(text.lower())}


_NAME_OR_NUMBER = re.compile(r"(?<![\w'’])(?:[A-Z][A-Za-z'’-]*|\d[\d,.]*)")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|[\"“(]\s*)$")


def names_and_numbers(text: str, names: Collection[str] = ()) -> list[str]:
    """The names and numbers a text states: its numbers, its capitalised words inside a sentence, and
    the words opening a sentence that are among `names` (lower case: words seen capitalised elsewhere)."""
    found = []
    for m in _NAME_OR_NUMBER.finditer(text):
        word = m.group(0).rstrip(",.'’-").removesuffix("'s").removesuffix("’s")
        if word[:1].isalpha():
            if len(word) < 2 or word.lower() in STOP_WORDS:
                continue  # "U" of "U.S.", "The"
            if _SENTENCE_START.search(text[: m.start()]) and word.lower() not in names:
                continue
        if word:
            found.append(word)
    return found


def capitalised_words(texts: Iterable[str]) -> set[str]:
    """Lower-cased words written with a capital inside a sentence somewhere in the texts: names."""
    return {w.lower() for text in texts for w in names_and_numbers(text) if w[:1].isalpha()}


def holds_all(words: Sequence[str], text: str) -> bool:
    """Whether every word (a name, a number) is in the text, up to its ending ("Iran" and "Iranian")."""
    stems = _stems(text)
    return all(w[:STEM] in stems for word in words for w in _WORD.findall(word.lower()))


def coverage(terms: Sequence[str], text: str) -> float:
    """Share of the question's weighted terms found in the text (0..1)."""
    if not terms:
        return 0.0
    stems = _stems(text)
    total = sum(term_weight(t) for t in terms)
    found = sum(term_weight(t) for t in terms if all(w[:STEM] in stems for w in _WORD.findall(t)))
    return found / total


def rank_sentences(question: str, text: str) -> list[tuple[float, int, str]]:
    """(score, position, sentence) of a paragraph's sentences, best first."""
    terms = query_terms(question)
    scored = [(coverage(terms, s), i, s) for i, s in enumerate(split_sentences(text))]
    return sorted(scored, key=lambda x: (-x[0], x[1]))


def trim(question: str, text: str, max_chars: int = 500) -> str:
    """The paragraph cut down to its best sentences, kept in the paragraph's order."""
    if len(text) <= max_chars:
        return text
    chosen, size = [], 0
    for score, position, sentence in rank_sentences(question, text):
        if size and size + len(sentence) > max_chars:
            continue
        chosen.append((position, sentence))
        size += len(sentence) + 1
    return " ".join(s for _, s in sorted(chosen))


def quote_answer(question: str, hits: Sequence[Hit], max_sentences: int = 2) -> tuple[str, list[Citation]]:
    """Quote the best sentences of the best paragraph, with its citation.

    One paragraph only: on the dev questions the top-ranked paragraph is a gold one more often than
    any choice among the next ones (by sentence overlap or otherwise), and a wrong citation is worse
    than a shorter answer.
    """
    if not hits:
        return "", []
    paragraph = hits[0].stored.paragraph
    ranked = rank_sentences(question, paragraph.text)
    if not ranked:
        return "", []
    best = ranked[0][0]
    chosen = sorted((position, sentence) for score, position, sentence in ranked[:max_sentences] if score >= best * 0.5)
    citation = Citation(paragraph.cable_id, paragraph.number)
    quote = " … ".join(sentence for _, sentence in chosen)
    return f"“{quote}” {format_citations([citation])}", [citation]
