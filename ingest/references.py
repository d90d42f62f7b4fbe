"""The cables a cable cites on its REF line(s), as canonical reference ids.

"REF: A. STATE 89769 B. 07 PARIS 997" in a 2008 cable cites 08STATE89769 and 07PARIS997: a
reference without a year is from the citing cable's year. Non-cable references (e-mails,
telcons, reports, "PARIS POINTS JULY 15") are dropped because their words are no post's name.
"""

from __future__ import annotations

import re

from ingest.header_text import PAGE_HEADER, find_header_end, normalize_text
from ingest.refid import canonicalize_id, find_station

# "REF:", "REFS:", "REFTEL:", "Ref(s):", glued as in "UK PRIMEREF: A. LONDON 1939", or without
# colon opening a line: "REF A) LONDON 002351", "REF. STATE 184178". Inside a line a bare "REF"
# means "regarding": "SUBJECT: SAUDIS ON IRAN REF UPCOMING NAM FM MEETING".
_KEY = re.compile(r"REF(?:S|TELS?|\(S\))?\s*:|(?m:^)[ \t]*REF(?:S|TELS?)?(?:\.|\s)", re.I)
# Where the REF block ends at the latest.
_BLOCK_END = re.compile(
    r"Classif\w*\s+by|\bSUMMARY\b|SENSITIVE\s+BUT|-{4,}|={4,}|\bSUBJECT\s*:|\b(?:[A-Z] ){4,}[A-Z]\b", re.I
)
# A line after a blank line still belongs to the references when it starts with a list letter
# ("B.", "(C)", "[D]") or a number (a serial or year wrapped onto the next line).
_LIST_ITEM = re.compile(r"\s*(?:\(?[A-Z]\)|[A-Z][.):]|\[[A-Z]\]|\(?\d)")
# One cited cable: optional year ("06", "2005", "'08", "(99)", "094"),
# the post's name in one to five words, the serial, and maybe a year after it ("ASUNCION 701 (08)").
_CITATION = re.compile(
    r"""
    (?<![\w/\-])(?<!\d\.)
    (?:[(']?(?P<year>\d{2,4})\)?[\s\-]*(?=[A-Z]))?
    (?P<origin>[A-Z][A-Z'\-]*(?:\s+[A-Z][A-Z'\-]*){0,4})
    [\s:\-]*
    (?P<serial>\d{1,7})(?![\w/\-]|\.\d)
    (?:\s*\((?P<alt_year>\d{2,4})\))?
    """,
    re.X,
)
# "C. STATE 41252 AND 44603": the second serial is of the same post and year.
_AND_SERIAL = re.compile(r"\s*,?\s*AND\s+(\d{1,7})(?![\w/\-]|\.\d)")
# Words before a post's name that are not part of it: list letters, "REF A HAVANA 639", "AND STATE 1".
_FILLER = frozenset({"REF", "REFS", "REFTEL", "AND"})
# Letter O typed for zero and back: "05 0TTAWA 3518", "05 SANTIAG0 465", "(B)O4 CHENNAI 0944".
_ZERO_FOR_O = re.compile(r"(?<![A-Z0-9])0(?=[A-Z]{2})|(?<=[A-Z]{3})0(?=\s+\d)")
_O_FOR_ZERO = re.compile(r"(?<![A-Z0-9])O(?=\d\b)")


def parse_references(text: str, year: int | None = None, reference_id: str | None = None) -> list[str]:
    """Canonical ids of the cables cited on the REF line(s), in order, each once.

    `year` is the citing cable's year, used for citations written without one (the year of
    `reference_id` when not given); without either, such citations are skipped. The citing
    cable's own id (`reference_id`), found in page headers, is never returned.
    """
    text = normalize_text(text)
    header_end = find_header_end(text)
    key = _KEY.search(text, 0, header_end)
    if not key:
        return []
    own_id = canonicalize_id(reference_id) if reference_id else None
    default_year = f"{year % 100:02d}" if year is not None else (own_id[:2] if own_id else None)
    found: list[str] = []
    for cited in _cited_ids(_reference_block(text[key.end() : header_end]), default_year):
        if cited != own_id and cited not in found:
            found.append(cited)
    return found


def _reference_block(after_key: str) -> str:
    """The REF text on one line: up to a stop word, or a blank line followed by something else."""
    end = _BLOCK_END.search(after_key)
    lines = after_key[: end.start() if end else len(after_key)].split("\n")
    kept: list[str] = []
    after_blank = False
    for line in lines:
        if not line.strip():
            after_blank = bool(kept)
            continue
        if after_blank and not (_LIST_ITEM.match(line) or _starts_with_citation(line)):
            break
        kept.append(line)
        after_blank = False
    block = PAGE_HEADER.sub(" ", " ".join(kept))
    block = _ZERO_FOR_O.sub("O", block.upper())
    return _O_FOR_ZERO.sub("0", block)


def _starts_with_citation(line: str) -> bool:
    m = _CITATION.match(line.strip().upper())
    return bool(m and _station_of(m.group("origin")))


def _cited_ids(block: str, default_year: str | None) -> list[str]:
    ids: list[str] = []
    pos = 0
    while m := _CITATION.search(block, pos):
        station = _station_of(m.group("origin"))
        if not station:
            # Not a post ("INCSR BRAZIL 2008", "E-MAIL 10"): look again after these words.
            pos = m.end("origin")
            continue
        written_year = m.group("year") or m.group("alt_year")
        year = _two_digit_year(written_year) if written_year else default_year
        pos = m.end()
        serials = [m.group("serial")]
        while more := _AND_SERIAL.match(block, pos):
            serials.append(more.group(1))
            pos = more.end()
        if year is None:
            continue
        ids.extend(f"{year}{station}{int(serial)}" for serial in serials if int(serial) > 0)
    return ids


def _station_of(origin: str) -> str | None:
    """The station a citation's words name, after leading list letters and filler words."""
    words = [w.replace("'", "").replace("-", "") for w in origin.split()]
    while words:
        name = "".join(words)
        # Misspelt names count from five letters on: shorter words are too often not a post at all.
        station = find_station(name, fuzzy_from=5)
        if station:
            return station
        if len(words[0]) > 1 and words[0] not in _FILLER:
            return None
        words = words[1:]
    return None


def _two_digit_year(written: str) -> str:
    """"06" -> "06", "2005" -> "05", "094" -> "94"."""
    return written[-2:] if len(written) > 2 else written
