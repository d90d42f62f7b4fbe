"""The TAGS line of a cable as an ordered, de-duplicated list of canonical tags."""

from __future__ import annotations

import re
from functools import lru_cache

from ingest.header_text import SUBJECT_KEY, find_header_end, normalize_text
from ingest.tag_vocab import (
    GIVEN_NAMES,
    JOINING_WORDS,
    KEYWORD_PHRASES,
    KNOWN_CODES,
    PERSON_TAGS,
    SPLITTABLE_CODES,
    SUBJECT_CODES,
    TAG_SPELLINGS,
)

# "TAGS:", "TAGS", "TAG", "TAGS;", "TAGS,", and the typos "TAGES:", "TABS:", "TGS:", "TAS:", "AGS:".
_KEY = re.compile(r"(?<![A-Z(/])(?:TAGE?S|TAG|TABS|TGS)(?![A-Z0-9])\s*[:;,]?|(?<![A-Z])(?:TAS|AGS)\s*:", re.I)
# Where the TAGS line stops although the line goes on: a page header pasted in after a run of
# spaces ("PE                SECRET  PAGE 02  LIMA 02475"), a classification word, or the next field
# on the same line ("... tu Subject: turkish p.m. ...").
_LINE_END = re.compile(
    r"\s{5,}|[,\s]+(?:UNCLASSIFIED|SECRET|CONFIDENTIAL|PAGE\s+\d)|\bS?UBJ(?:ECT)?\s*:|\bSUBJECT\b|\bE\.\s?O\.\s?\d",
    re.I,
)
_COMMA_CONTINUES = re.compile(r"\s*[A-Za-z_-]+\s*,")
_TAG_LIKE_LINE = re.compile(r"\s*[A-Z][A-Z0-9/_-]*(?:[ ,]+[A-Z][A-Z0-9/_-]*){0,9}[ ,]*")
_NEXT_FIELD = re.compile(r"\s*(?:S?UBJ|E\.\s?O\.|REF|CLASSIFIED|SIPDIS)", re.I)
_CHUNK = re.compile(r"\(([^)]*)\)|([^,;()]+)")


def parse_tags(text: str) -> list[str]:
    """The TAGS of a cable, upper case, in order, each once: "TAGS: PREL, FR" -> ["PREL", "FR"].

    Run-together codes are split ("VTPREL" -> VT, PREL), misspellings fixed ("MOPPS" -> MOPS)
    and people named after OVIP written "SURNAME, GIVENNAME".
    """
    text = normalize_text(text)
    header_end = find_header_end(text)
    subject = SUBJECT_KEY.search(text, 0, header_end)
    key = _KEY.search(text, 0, subject.start() if subject else header_end)
    if not key:
        return []
    tags: list[str] = []
    for tag in _split_tags(_tag_text(text[key.end() : header_end])):
        if tag != "SIPDIS" and tag not in tags:
            tags.append(tag)
    return tags


def _tag_text(after_key: str) -> str:
    """The TAGS value, with the lines it continues on: after a trailing comma, before a "NATO, UK"
    line, or a line of codes directly above the next header field."""
    lines = after_key.split("\n")
    value, ran_into_field = _cut(lines[0])
    kept = [value]
    for i, line in enumerate(lines[1:], 1):
        below = lines[i + 1] if i + 1 < len(lines) else ""
        continues = (
            kept[-1].endswith(",")
            or _COMMA_CONTINUES.match(line)
            or (line.strip() and _TAG_LIKE_LINE.fullmatch(line) and _NEXT_FIELD.match(below))
        )
        if ran_into_field or not continues:
            break
        value, ran_into_field = _cut(line)
        kept.append(value)
    return " ".join(kept).upper()


def _cut(line: str) -> tuple[str, bool]:
    """The line up to where the TAGS stop, and whether something else followed on it."""
    m = _LINE_END.search(line)
    if not m or not line[m.start() :].strip():
        return line.rstrip(), False
    return line[: m.start()].rstrip(), True


def _split_tags(value: str) -> list[str]:
    comma_separated = "," in value or ";" in value
    tags: list[str] = []
    for m in _CHUNK.finditer(value):
        if m.group(1) is not None:
            # "OVIP (STEINBERG, JAMES B.)": a parenthesized name is one tag.
            tags.append(" ".join(m.group(1).split()))
            continue
        words = [w.strip(":.") for w in m.group(2).split()]
        words = [w for w in words if w]
        if not words:
            continue
        if comma_separated and not any(_codes_of(w) for w in words):
            # Between commas, words that are not codes form one keyword tag: "GOI EXTERNAL".
            phrase = " ".join(words)
            tags.append(TAG_SPELLINGS.get(phrase, phrase))
        else:
            tags.extend(_split_words(words))
    return tags


def _split_words(words: list[str]) -> list[str]:
    """Tags in a run of words: codes, keyword phrases, "SURNAME GIVENNAME" people and free keywords."""
    tags: list[str] = []
    i = 0
    while i < len(words):
        phrase_length = _phrase_at(words, i)
        if phrase_length:
            phrase = " ".join(words[i : i + phrase_length])
            tags.append(TAG_SPELLINGS.get(phrase, phrase))
            i += phrase_length
            continue
        word = words[i]
        if i + 1 < len(words) and words[i + 1] in GIVEN_NAMES and not _codes_of(word):
            person = f"{word}, {words[i + 1]}"
            tags.append(PERSON_TAGS.get(person, person))
            i += 2
            continue
        codes = _codes_of(word)
        if codes:
            tags.extend(codes)
            i += 1
            continue
        run = _keyword_run(words, i)
        tags.append(" ".join(words[i : i + run]))
        i += run
    return tags


def _phrase_at(words: list[str], i: int) -> int:
    """How many words from `i` on form a known keyword phrase (the longest), or 0."""
    best = 0
    for phrase in KEYWORD_PHRASES:
        candidate = words[i : i + len(phrase)]
        if len(candidate) == len(phrase) and all(p in ("*", w) for p, w in zip(phrase, candidate)):
            best = max(best, len(phrase))
    return best


def _keyword_run(words: list[str], i: int) -> int:
    """How many words from `i` on make one free keyword tag ("ECONOMIC AFFAIRS", "MEDIA REACTION").

    A short unknown word ("POL", "TF") stands alone; longer words and the joining words between
    them run together until a code, a known phrase or a person starts.
    """
    if len(words[i]) <= 4:
        return 1
    end = i + 1
    while end < len(words):
        word = words[end]
        following = end + 1 < len(words) and len(words[end + 1]) > 4
        joins = word in JOINING_WORDS and following
        if not (joins or len(word) > 4) or _codes_of(word) or _phrase_at(words, end):
            break
        if end + 1 < len(words) and words[end + 1] in GIVEN_NAMES:
            break
        end += 1
    return end - i


@lru_cache(maxsize=4096)
def _codes_of(word: str) -> tuple[str, ...]:
    """The canonical codes a word stands for: itself, its corrected spelling, or its pieces; () if none."""
    word = TAG_SPELLINGS.get(word, word)
    if word in KNOWN_CODES:
        return (word,)
    pieces = _split_run_together(word)
    return tuple(pieces) if pieces else ()


def _split_run_together(word: str) -> list[str] | None:
    """"ETRDEINVECINPGOVCS" -> ETRD, EINV, ECIN, PGOV, CS: the fewest known codes spelling the word,
    at least one of them a four-letter subject code, so plain words ("GAZA") stay whole."""
    if len(word) < 6 or not word.isalpha():
        return None
    best: list[list[str] | None] = [[]] + [None] * len(word)
    for end in range(1, len(word) + 1):
        for size in (2, 3, 4):
            start = end - size
            if start >= 0 and best[start] is not None and word[start:end] in SPLITTABLE_CODES:
                candidate = best[start] + [word[start:end]]
                if best[end] is None or len(candidate) < len(best[end]):
                    best[end] = candidate
    pieces = best[-1]
    if pieces and len(pieces) > 1 and any(p in SUBJECT_CODES for p in pieces):
        return pieces
    return None
