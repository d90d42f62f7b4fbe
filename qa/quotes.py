"""Quotes mode: the sentences of the retrieved paragraphs that best answer the question, each cited.

It needs no model, answers in milliseconds, and is the fallback when a chat model is missing or
fails. The same sentence scoring trims paragraphs for the chat model's prompt.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from functools import lru_cache

from core.embedding import Embedder
from core.models import NAME_PARTICLES
from qa.citations import Citation, format_citations
from qa.retrieve import STOP_WORDS, Hit, query_terms

# Not after "U.S.", an initial ("U. S.", "John F. Kennedy") or "Mr.": "the U.S. Embassy said" is one sentence.
_SENTENCE_END = re.compile(r"(?<=[.!?])(?<!\b[A-Z]\.)(?<!\b(?:Mr|Ms|Dr|St|MR|MS|DR|ST)\.)"
                           r"(?<!\b(?:Mrs|Amb|Gen|Col|MRS|AMB|GEN|COL)\.)[\"”')]*\s+(?=[\"“(\-A-Z0-9])")
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


# A number with letters after it also stands as the number: "25th" as "25", "F-18s" as "18", "1990s" as "1990".
_NUMBER_WORD = re.compile(r"(\d+)[a-z]+")
# The cables write "U.S." and "USG" where a reader, and the model, say "the Americans".
_UNITED_STATES = re.compile(r"\bU\.\s?S\.|\bUSG\b|\bUnited States\b")


def text_stems(text: str) -> frozenset[str]:
    """The text's words cut to STEM letters; a number with letters after it ("25th", "F-18s") also stands
    as the number ("25", "18"), and "U.S." as "American"."""
    stems = set()
    for word in _WORD.findall(text.lower()):
        stems.add(word[:STEM])
        if number := _NUMBER_WORD.fullmatch(word):
            stems.add(number.group(1)[:STEM])
    if _UNITED_STATES.search(text):
        stems.add("american"[:STEM])
    return frozenset(stems)


_stems = lru_cache(maxsize=4096)(text_stems)  # a claim is checked against the same few paragraphs, word by word


NAME_WORD = r"[A-Z][A-Za-z'’-]*"
_NAME_OR_NUMBER = re.compile(rf"(?<![\w'’])(?:{NAME_WORD}|\d[\d,.]*)")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|[\"“(]\s*)$")


def bare_word(word: str) -> str:
    """The word without the punctuation or possessive after it ("Chavez's," -> "Chavez")."""
    return word.rstrip(",.'’-").removesuffix("'s").removesuffix("’s")


def names_and_numbers(text: str, names: Collection[str] = ()) -> list[str]:
    """The names and numbers a text states: its numbers, its capitalised words inside a sentence, and
    the words opening a sentence that are among `names` (lower case: words seen capitalised elsewhere).

    The small words inside names (NAME_PARTICLES: "El" of "El Salvador") name nothing by themselves,
    and a paragraph may hold the name without them ("Salvadoran").
    """
    found = []
    for m in _NAME_OR_NUMBER.finditer(text):
        word = bare_word(m.group(0))
        if word[:1].isalpha():
            if len(word) < 2 or word.lower() in STOP_WORDS or word.lower() in NAME_PARTICLES:
                continue  # "U" of "U.S.", "The", "El" of "El Salvador"
            if _SENTENCE_START.search(text[: m.start()]) and word.lower() not in names:
                continue
        if word:
            found.append(word)
    return found


def _in_capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return sum(c.isupper() for c in letters) > 0.6 * len(letters)


def capitalised_words(texts: Iterable[str]) -> set[str]:
    """Lower-cased words written with a capital inside a sentence somewhere in the texts: names. A text
    written in capitals, as many older cables are, tells nothing."""
    return {w.lower() for text in texts if not _in_capitals(text) for w in names_and_numbers(text) if w[:1].isalpha()}


@lru_cache(maxsize=4096)
def _words(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(text.lower()))


def _one_edit(a: str, b: str) -> bool:
    """Whether b is a with one letter changed, added or dropped."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), len(a))
    return a[i + (len(a) == len(b)):] == b[i + 1:]


# A name this long may be spelled one letter apart ("Mimbu" and "Minbu", "Qaddafi" and "Qadhafi"); a
# shorter one may not ("Iran" and "Iraq"). The text's word must be rare in English (weight above
# FUZZY_RARE): "Chile" is not "while", nor "Paris" "parts".
FUZZY_MIN = 5
FUZZY_RARE = 4.0


def _held(term: str, stems: frozenset[str]) -> bool:
    """Whether every word of the term is among the stems."""
    return all(w[:STEM] in stems for w in _WORD.findall(term))


def holds_all(words: Sequence[str], text: str, elsewhere: frozenset[str] = frozenset()) -> bool:
    """Whether every word (a name, a number) is in the text, up to its ending ("Iran" and "Iranian"), or
    among `elsewhere` (text_stems of what else may hold it), or, for a name of FUZZY_MIN letters or more,
    one letter off a rare word of the text."""
    stems = _stems(text)
    for word in words:
        for w in _WORD.findall(word.lower()):
            if w[:STEM] in stems or w[:STEM] in elsewhere:
                continue
            if len(w) < FUZZY_MIN or w.isdigit():
                return False
            if not any(_one_edit(w, other) and term_weight(other) > FUZZY_RARE for other in _words(text)):
                return False
    return True


def coverage(terms: Sequence[str], text: str) -> float:
    """Share of the question's weighted terms found in the text (0..1)."""
    if not terms:
        return 0.0
    stems = _stems(text)
    total = sum(term_weight(t) for t in terms)
    found = sum(term_weight(t) for t in terms if _held(t, stems))
    return found / total


def unasked(terms: Sequence[str], question: str) -> list[str]:
    """The terms the question does not already have: what a sentence adds to it."""
    asked = _stems(question)
    return [t for t in terms if not _held(t, asked)]


def novelty(claim: str, question: str) -> float:
    """Share of the claim's weighted words that the question does not already have (0..1)."""
    terms = query_terms(claim)
    total = sum(term_weight(t) for t in terms)
    return sum(term_weight(t) for t in unasked(terms, question)) / total if total else 0.0


# A question that asks for a figure: "how many", "how much" money or "how much did ...", "what price/rate/
# share ...". Not "how much influence does Iran have", "how much of a threat", "what values".
_ASKS_FIGURE = re.compile(r"\b(?:how many|how much(?= (?:did|does|do|was|were|is|are|will|would|had|has|have|could|can"
                          r"|money|cash|aid|funding|funds|revenue|oil|gas|of the|more|less)\b)|by how much"
                          r"|at what (?:total )?cost|what (?:total |exact |approximate )?"
                          r"(?:price|rate|value|amount|share|percentage|proportion|sum|cost|total|number|figure))\b",
                          re.IGNORECASE)
_FIGURE_WORDS = ("one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
                 "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred hundreds "
                 "thousand thousands million millions billion billions trillion dozen dozens half third quarter "
                 "percent twice double doubled triple tripled").split()
# Digits not inside a word ("F-35", "UNSCR1701" are names), with a unit the cables glue on ("USD 40m",
# "1.2bn", "5pct"), or a figure's word; "$" and "%" stand alone.
_FIGURE = re.compile(rf"(?<![\w/-])\d[\d,.]*(?:m|mn|bn|k|pct)?(?![\w/])|\b(?:{'|'.join(_FIGURE_WORDS)})\b|[$%€£]",
                     re.IGNORECASE)
_YEAR = re.compile(r"(?:19|20)\d\d")
# A number of a year's shape dates something ("in 2004", "August 13, 2004", "a 1994 plane crash", "the
# drawn-out 2002 mobilization") unless a word of quantity comes before it ("some 2000 people", "close to
# 2000 EULEX police") or a plural after it ("2000 troops"). A word of date before it settles it first.
_DATE_CUES = frozenset("""in since of from by until till between early late mid year years fiscal fy during before after
    spring summer autumn fall winter end beginning start circa through""".split())
_QUANTITY_CUES = frozenset("""about approximately around roughly nearly almost some over than to estimated additional extra
    another only just least most""".split())
_PLURAL_FOLLOWS = re.compile(r"\s+(?!(?:was|has|does|is)\b)[^\W\d_]+[^\WsS][sS]\b")
# "one" that counts nobody: "any one", "one another", "one's". "No one" may answer "how many" (none),
# and "one of the officials" may answer "how many of them": both count.
_PRONOUN_AFTER = re.compile(r"\s+another\b|['’]s\b", re.IGNORECASE)
_PRONOUN_BEFORE = frozenset({"any", "every", "each"})
_MONTHS = frozenset("january february march april may june july august september october november december "
                    "jan feb mar apr jun jul aug sep sept oct nov dec".split())


def asks_figure(question: str) -> bool:
    """Whether the question asks for a figure: a count, an amount, a rate, a price."""
    return _ASKS_FIGURE.search(question) is not None


def _word_before(text: str, position: int) -> str:
    """The word that ends just before position, in lower case, with its punctuation ("" at the start)."""
    return (text[max(0, position - 16):position].lower().split() or [""])[-1]


def _dates(text: str, m: re.Match) -> bool:
    """Whether the number of a year's shape that m found in text dates something rather than counts."""
    last = _word_before(text, m.start())
    word = last.strip(".,;:(\"“")
    if word in _DATE_CUES or word in _MONTHS or re.fullmatch(r"\d{1,2},", last):  # "August 13, 2004"
        return True
    return word not in _QUANTITY_CUES and not _PLURAL_FOLLOWS.match(text, m.end())


def stated_figures(text: str, question: str = "") -> list[str]:
    """The figures the text states that the question does not: its numbers and number words, less years
    ("in 2004"; "some 2000 people" and "2000 troops" count) and days of a month ("August 13", "13
    August"), which date something rather than count it, and "one" that counts nobody ("one another")."""
    asked = {m.group(0).lower().rstrip(",.") for m in _FIGURE.finditer(question)}
    found = []
    for m in _FIGURE.finditer(text):
        figure = m.group(0).rstrip(",.")
        if figure.lower() in asked:
            continue
        if _YEAR.fullmatch(figure) and _dates(text, m):
            continue
        if figure.lower() == "one" and (_PRONOUN_AFTER.match(text, m.end()) or _word_before(text, m.start()) in _PRONOUN_BEFORE):
            continue
        if figure.isdigit() and int(figure) <= 31:
            after = text[m.end():m.end() + 12].lower().split()[:1]
            if any(w.strip(".,;:") in _MONTHS for w in [_word_before(text, m.start()), *after]):
                continue
        found.append(figure)
    return found


class SentenceScorer:
    """Ranks a paragraph's sentences against one question.

    A sentence scores half by the share of the question's weighted words it holds and, with an
    embedder, half by how close its meaning is (cosine of the two vectors). The words alone favour the
    sentence that restates the question's setting ("In a November 17 meeting with Ambassador Daalder,
    ..."); the meaning also finds the one that answers it in other words. On the gold paragraphs of the
    dev and held-out questions, the two best sentences held 74% of the answers' keywords this way and
    63% by the words alone.
    """

    def __init__(self, question: str, embedder: Embedder | None = None, question_vector: Sequence[float] | None = None):
        """question_vector: the question's embedding when the caller has it already."""
        self.question = question
        self.terms = query_terms(question)
        self.embedder = embedder
        if embedder is not None and question_vector is None:
            question_vector = embedder.embed([question])[0]
        self._question = question_vector if embedder is not None else None

    def rank(self, text: str) -> list[tuple[float, int, str]]:
        """(score, position, sentence) of the text's sentences, best first."""
        sentences = split_sentences(text)
        scores = [coverage(self.terms, s) for s in sentences]
        if self._question is not None and sentences:
            vectors = self.embedder.embed(sentences)
            scores = [(score + sum(a * b for a, b in zip(self._question, v))) / 2 for score, v in zip(scores, vectors)]
        return sorted(zip(scores, range(len(sentences)), sentences), key=lambda x: (-x[0], x[1]))

    def trim(self, text: str, max_chars: int) -> str:
        """The paragraph cut down to its best sentences, kept in the paragraph's order."""
        if len(text) <= max_chars:
            return text
        chosen, size = [], 0
        for _, position, sentence in self.rank(text):
            if size and size + len(sentence) > max_chars:
                continue
            chosen.append((position, sentence))
            size += len(sentence) + 1
        return " ".join(s for _, s in sorted(chosen))


def quote_answer(scorer: SentenceScorer, hits: Sequence[Hit], max_sentences: int = 3) -> tuple[str, list[Citation]]:
    """Quote the best sentences of the best paragraph, with its citation.

    One paragraph only: on the dev questions the top-ranked paragraph is a gold one more often than
    any choice among the next ones (by sentence overlap or otherwise), and a wrong citation is worse
    than a shorter answer.

    Three sentences: the quote held more of the answers' keywords than with two, on the dev answerable
    questions (0.338 -> 0.363) and on the 76 answerable held-out ones (0.414 -> 0.496), for a median of
    555 characters instead of 405; the best sentences within 600 characters held fewer (0.368 and 0.430)
    at 576.
    """
    if not hits:
        return "", []
    paragraph = hits[0].stored.paragraph
    ranked = scorer.rank(paragraph.text)
    if not ranked:
        return "", []
    chosen = [(position, sentence) for _, position, sentence in ranked[:max_sentences]]
    if asks_figure(scorer.question) and not any(stated_figures(s, scorer.question) for _, s in chosen):
        # The question asks for a figure: show the best sentence that states one.
        with_figure = next(((p, s) for _, p, s in ranked[max_sentences:] if stated_figures(s, scorer.question)), None)
        if with_figure:
            chosen[-1] = with_figure
    chosen.sort()
    citation = Citation(paragraph.cable_id, paragraph.number)
    # An ellipsis stands where sentences were left out, and only there.
    quote = "".join(("" if i == 0 else " " if position == chosen[i - 1][0] + 1 else " … ") + sentence
                    for i, (position, sentence) in enumerate(chosen))
    return f"“{quote}” {format_citations([citation])}", [citation]
