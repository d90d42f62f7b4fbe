"""Splitting a cable's text into its preamble and its numbered paragraphs, keeping the cable's own numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Readers turn the Cablegate anchors `<a id='parN' ...>¶</a>N.` into this sentinel followed by N,
# so that an anchor the site put on something that is not a paragraph (06NEWDELHI5239 has a
# "¶1993" on a year) can be put back as the plain text it was.
ANCHOR = "\x00"

_ANCHOR_MARK = re.compile(ANCHOR + r"(\d{1,5})[ \t]*(?:\.(?!\d))?")
_PILCROW_MARK = re.compile(r"(?m)^[ \t]*¶[ \t]*(\d{1,5})[ \t]*\.(?!\d)")
# Plain numbering as teletype cables print it: "1. (C) Summary", "2.(S/NF) ...", "1 . ( C )".
_CLASSIFIED_MARK = re.compile(r"(?m)^[ \t]*(\d{1,3})[ \t]*\.[ \t]*(?=\([ \t]*[A-Z]{1,4}(?:[ \t]*/[ \t]*[A-Z]{1,4})?[ \t]*\))")
_PLAIN_MARK = re.compile(r"(?m)^[ \t]*(\d{1,3})\.[ \t]+(?=[A-Z\"])")

# A number more than this far past the previous paragraph's is text, not a paragraph mark
# (years, "para 30" references): real cables skip a few numbers, never dozens.
MAX_NUMBER_GAP = 5


@dataclass(frozen=True)
class _Mark:
    start: int
    end: int
    number: int
    explicit: bool  # an anchor or a printed ¶, not a bare "1." at a line start
    classified: bool  # followed by a classification marking such as "(C)"


@dataclass(frozen=True)
class RawParagraph:
    """A paragraph's printed number and its text before clean-up (0 numbers text outside the numbering)."""

    number: int
    text: str


def _candidate_marks(text: str) -> list[_Mark]:
    marks = {}
    for pattern, explicit in ((_ANCHOR_MARK, True), (_PILCROW_MARK, True), (_CLASSIFIED_MARK, False), (_PLAIN_MARK, False)):
        for m in pattern.finditer(text):
            if m.start() in marks:
                continue
            classified = explicit or pattern is _CLASSIFIED_MARK
            marks[m.start()] = _Mark(m.start(), m.end(), int(m.group(1)), explicit, classified)
    return sorted(marks.values(), key=lambda mark: mark.start)


def _select_marks(marks: list[_Mark]) -> list[_Mark]:
    """Keep the marks that continue the cable's numbering; the rest are text."""
    has_explicit = any(mark.explicit for mark in marks)
    chosen: list[_Mark] = []
    last = 0
    for mark in marks:
        n = mark.number
        if n == 0 or n > last + MAX_NUMBER_GAP:
            continue
        if not mark.explicit:
            # Bare numbers at a line start are often list items inside a paragraph; trust them
            # only where they carry a classification marking or the cable has no other numbering.
            if has_explicit and not mark.classified:
                continue
            if n <= last or (not mark.classified and n != last + 1):
                continue
        chosen.append(mark)
        last = n
    return chosen


def _restore_rejected_anchors(text: str) -> str:
    return re.sub(ANCHOR + r"(\d+)", r"\1", text)


_RULED = re.compile(r"^\s*\w.{0,88}?\s(?:[-=_*]\s*){3,}$")
_UNDERLINE = re.compile(r"^\s*(?:[-=_*]\s*){3,}$")  # "-------------", also as the cables break it: "--------- -"
_SENTENCE_END = re.compile(r"[.;,:!?]['\"\u201d)]?\s*$")
_FULL_STOP = re.compile(r"[.!?]['\"\u201d)]?\s*$")
_END_MARK = re.compile(r"(?i)\bend (?:of )?(?:summary|comment)\W*$")  # "... END SUMMARY" closes a section
# Lines that look like titles but are not: "END TEXT", page headers ("PARIS 00001616 002 OF 002"),
# header fields ("SUBJECT: ...").
_NOT_A_TITLE = re.compile(r"(?i)^\s*(?:(?:begin|end)\b|(?:subject|subj|tags|ref|refs|e\.\s?o\.|classified by|reason)\b)|\b\d+ of \d+\b")


def _is_heading_block(lines: list[str]) -> bool:
    words = " ".join(lines).split()
    if not words or len(lines) > 3 or len(words) > 14:
        return False
    if len(lines) >= 2 and _UNDERLINE.match(lines[-1]):
        # "Short text.\nTITLE\n-----" is text and its heading, not a heading of two lines.
        return not any(_FULL_STOP.search(line) for line in lines[:-1])
    if len(lines) == 1 and _RULED.match(lines[0]):  # the title and its rule on one line, as some pages print it
        return True
    return len(lines) == 1 and not _SENTENCE_END.search(lines[0]) and len(lines[0]) <= 90


def _move_trailing_heading(text: str) -> tuple[str, str]:
    """Split a paragraph's trailing section heading off, so it can open the next paragraph.

    Cables put headings between paragraphs ("Cote d'Ivoire\\n-------------\\n¶3."); read in order
    they would end the paragraph before the one they introduce.
    """
    blocks = re.split(r"(\n[ \t]*\n)", text.rstrip())
    if len(blocks) >= 3 and _is_heading_block([line for line in blocks[-1].splitlines() if line.strip()]):
        return "".join(blocks[:-2]), blocks[-1].strip()
    return _move_unspaced_heading(text)


def _in_capitals(line: str) -> bool:
    """Every letter a capital (text.is_shouting wants a longer text than a title)."""
    letters = [c for c in line if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def _move_unspaced_heading(text: str) -> tuple[str, str]:
    """A heading printed on the paragraph's last lines with no blank line before it: an underlined
    title ("...for all.\\nPOLITICAL PITFALLS\\n-----", perhaps ruled above too), or a title in
    capitals after a full stop in mixed case ("...to Washington.\\nSYRIA THE ODD MAN OUT"). In a cable
    written in capitals a last line in capitals is the paragraph's own text."""
    lines = text.rstrip().split("\n")
    filled = [i for i, line in enumerate(lines) if line.strip()]
    if len(filled) < 2:
        return text, ""
    underlined = len(filled) >= 3 and bool(_UNDERLINE.match(lines[filled[-1]]))
    title, rest = (filled[-2], filled[:-2]) if underlined else (filled[-1], filled[:-1])
    if not rest or _UNDERLINE.match(lines[title]) or _NOT_A_TITLE.search(lines[title]) or not _is_heading_block([lines[title]]):
        return text, ""
    if not underlined:
        before = lines[rest[-1]]
        ends = _FULL_STOP.search(before) or _END_MARK.search(before)
        if not (ends and _in_capitals(lines[title]) and not _in_capitals(before)):
            return text, ""
    start = title
    if underlined and _UNDERLINE.match(lines[rest[-1]]):  # ruled above as well as below
        start = rest.pop()
    if not rest:
        return text, ""
    return "\n".join(lines[:start]).rstrip(), "\n".join(lines[start:]).strip()


def split_paragraphs(text: str) -> tuple[str, list[RawParagraph]]:
    """Split a cable's text into (preamble, numbered paragraphs), in the cable's order.

    Gaps and repeated numbers are kept as printed. The preamble is everything before the first
    numbered paragraph: the header fields and, in some cables, an unnumbered opening paragraph.
    """
    marks = _select_marks(_candidate_marks(text))
    if not marks:
        return _restore_rejected_anchors(text), []
    preamble = text[: marks[0].start]
    bodies = [text[mark.end : (marks[i + 1].start if i + 1 < len(marks) else len(text))] for i, mark in enumerate(marks)]
    paragraphs = []
    heading = ""
    for mark, body in zip(marks, bodies):
        body = f"{heading}\n\n{body.strip()}" if heading else body
        if mark is not marks[-1]:
            body, heading = _move_trailing_heading(body)
        paragraphs.append(RawParagraph(mark.number, _restore_rejected_anchors(body).strip()))
    kept, heading = _move_trailing_heading(preamble)
    if "\n" in heading:  # only an underlined heading: a lone last header line ("TAGS: ...") stays put
        preamble = kept
        first = paragraphs[0]
        paragraphs[0] = RawParagraph(first.number, f"{heading}\n\n{first.text}")
    return _restore_rejected_anchors(preamble), paragraphs
