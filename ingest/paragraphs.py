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
# Lines that look like titles but are not: "END TEXT", header fields ("SUBJECT: ...").
_NOT_A_TITLE = re.compile(r"(?i)^\s*(?:(?:begin|end)\b|(?:subject|subj|tags|ref|refs|e\.\s?o\.|classified by|reason)\b)")
_PAGE_HEADER = re.compile(r"(?i)\b\d{5,8}\s+\d{3}(?:\.\d)?\s+of\s+\d{3}\s*$")  # "ROME 00000097 004 OF 005"


def _move_trailing_heading(text: str) -> tuple[str, str]:
    """Split a paragraph's trailing section headings off, so they can open the next paragraph.

    Cables put headings between paragraphs ("Cote d'Ivoire\\n-------------\\n¶3."); read in order
    they would end the paragraph before the one they introduce. A heading is the paragraph's last
    lines, blank lines between them allowed:
    - a title of one or two lines with rules below it, and perhaps above it ("- - -\\nTitle\\n- - -");
    - a title and its rule on one line, or a title alone, after a blank line;
    - a title in capitals right after a full stop in mixed case ("...to Washington.\\nSYRIA THE ODD
      MAN OUT"): in a cable written in capitals such a line is the paragraph's own text.
    Rules and page headers ("ROME 00000097 004 OF 005") left at the end go to the next paragraph too.
    A title just above a heading's top rule goes with it ("CRIMES OF DANIEL ORTEGA\\n---\\n\\n---\\nThe
    Murder of Jean-Paul Genie\\n---").
    """
    body, moved = _split_last_heading(text)
    if moved and _UNDERLINE.match(moved.split("\n", 1)[0]):
        body, above = _split_last_heading(body)
        moved = f"{above}\n\n{moved}" if above else moved
    return (body, moved) if moved else (text, "")


def _split_last_heading(text: str) -> tuple[str, str]:
    lines = text.rstrip().split("\n")
    filled = [i for i, line in enumerate(lines) if line.strip()]
    k = len(filled)
    ruled = False
    while k and (_UNDERLINE.match(lines[filled[k - 1]]) or _PAGE_HEADER.search(lines[filled[k - 1]])):
        ruled = ruled or bool(_UNDERLINE.match(lines[filled[k - 1]]))
        k -= 1
    furniture = k < len(filled)
    if k < 2 and not (k and furniture):
        return text, ""
    top = k
    for size in (2, 1) if ruled and k >= 3 else (1,):
        title = k - size
        if size == 2 and not (filled[title + 1] == filled[title] + 1 and filled[title - 1] < filled[title] - 1
                              and not _FULL_STOP.search(lines[filled[title]])):
            continue  # two lines make a title when a blank line is above them and the first runs on
        start = title
        while ruled and start > 1 and _UNDERLINE.match(lines[filled[start - 1]]):
            start -= 1  # ruled above as well as below
        if _is_heading(lines, filled, title, k, start, ruled):
            top = start
            break
    if top == k and not furniture:
        return text, ""
    return "\n".join(lines[: filled[top - 1] + 1]), "\n".join(lines[filled[top]:]).strip()


def _is_heading(lines: list[str], filled: list[int], title: int, end: int, start: int, ruled: bool) -> bool:
    """Whether lines filled[title:end] are a title (filled[start:title] being rules above it)."""
    if start == 0:
        return False  # nothing of the paragraph would be left
    words = [w for i in filled[title:end] if not _UNDERLINE.match(lines[i]) for w in lines[i].split()]
    line, before = lines[filled[title]], lines[filled[start - 1]]
    if not words or len(words) > (20 if ruled else 14) or _NOT_A_TITLE.search(line):
        return False
    if ruled:
        return True
    if filled[start - 1] < filled[start] - 1:  # a blank line before it
        return bool(_RULED.match(line)) or (not _SENTENCE_END.search(line) and len(line) <= 90)
    return (_in_capitals(line) and not _in_capitals(before) and not _SENTENCE_END.search(line)
            and bool(_FULL_STOP.search(before) or _END_MARK.search(before)))


def _in_capitals(line: str) -> bool:
    """Every letter a capital (text.is_shouting wants a longer text than a title)."""
    letters = [c for c in line if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


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
        moved = ""
        if mark is not marks[-1]:  # the paragraph's own text only: never the heading it was given
            body, moved = _move_trailing_heading(body)
        body = f"{heading}\n\n{body.strip()}" if heading else body
        paragraphs.append(RawParagraph(mark.number, _restore_rejected_anchors(body).strip()))
        heading = moved
    kept, heading = _move_trailing_heading(preamble)
    if "\n" in heading:  # only an underlined heading: a lone last header line ("TAGS: ...") stays put
        preamble = kept
        first = paragraphs[0]
        paragraphs[0] = RawParagraph(first.number, f"{heading}\n\n{first.text}")
    return _restore_rejected_anchors(preamble), paragraphs
