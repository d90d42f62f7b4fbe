"""Splitting a cable's text into its preamble and its numbered paragraphs, keeping the cable's own numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.header_text import PAGE_HEADER

# Readers turn the Cablegate anchors `<a id='parN' ...>¶</a>N.` into this sentinel followed by N,
# so that an anchor the site put on something that is not a paragraph (06NEWDELHI5239 has a
# "¶1993" on a year) can be put back as the plain text it was.
ANCHOR = "\x00"

_ANCHOR_MARK = re.compile(ANCHOR + r"(\d{1,5})[ \t]*(?:\.(?!\d))?")
_PILCROW_MARK = re.compile(r"(?m)^[ \t]*¶[ \t]*(\d{1,5})[ \t]*\.(?!\d)")
# Plain numbering as teletype cables print it: "1. (C) Summary", "2.(S/NF) ...", "1 . ( C )".
_CLASSIFIED_MARK = re.compile(r"(?m)^[ \t]*(\d{1,3})[ \t]*\.[ \t]*(?=\([ \t]*[A-Z]{1,4}(?:[ \t]*/[ \t]*[A-Z]{1,4})?[ \t]*\))")
_PLAIN_MARK = re.compile(r"(?m)^[ \t]*(\d{1,3})\.[ \t]+(?=[A-Z\"])")
# The same numbering run into the line before: "...coordinate our response. 4. (S/NF) When we have...",
# "REASON: 1.4 (b), (d) 1. (C) Summary:", "...291401Z 11. (C) COMMENT:". The site anchored none of these.
_INLINE_MARK = re.compile(r"(?<=[ \t])(\d{1,3})[ \t]*\.[ \t]*(?=\([ \t]*[A-Z]{1,4}(?:[ \t]*/[ \t]*[A-Z]{1,4})?[ \t]*\))")
# What may stand before an inline mark on its line: a sentence's or a clause's end, or a page header.
_BEFORE_INLINE = re.compile(rf"(?:[.!?:;)\"”']|{PAGE_HEADER.pattern})[ \t]+$")

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
    inline: bool = False  # inside a line, after text


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
    for m in _INLINE_MARK.finditer(text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        if m.start() not in marks and _BEFORE_INLINE.search(text, line_start, m.start()):
            marks[m.start()] = _Mark(m.start(), m.end(), int(m.group(1)), False, True, inline=True)
    return sorted(marks.values(), key=lambda mark: mark.start)


def _select_marks(marks: list[_Mark]) -> list[_Mark]:
    """Keep the marks that continue the cable's numbering; the rest are text."""
    has_explicit = any(mark.explicit for mark in marks)
    # Where the cable prints a number again at a line's start or an anchor, a run-in one is text: 09CAPETOWN204
    # repeats its ¶1 after a page break with "2. (U)" and "3. (U)" run into it, before its real ¶2 and ¶3.
    printed: dict[int, int] = {}  # number -> where it is last printed so
    for mark in marks:
        if not mark.inline and (mark.explicit or mark.classified):
            printed[mark.number] = mark.start
    chosen: list[_Mark] = []
    last = 0
    for mark in marks:
        n = mark.number
        if n == 0 or n > last + MAX_NUMBER_GAP:
            continue
        if mark.inline and printed.get(n, -1) > mark.start:
            continue
        if not mark.explicit:
            # Bare numbers at a line start are often list items inside a paragraph; trust them
            # only where they carry a classification marking or the cable has no other numbering.
            if has_explicit and not mark.classified:
                continue
            if n <= last or ((mark.inline or not mark.classified) and n != last + 1):
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
_END_MARK = re.compile(r"(?i)\bend (?:of )?(?:summary|comment|note)\W*$")  # "... END SUMMARY" closes a section
# Lines that look like titles but are not: "END TEXT", header fields ("SUBJECT: ...").
_NOT_A_TITLE = re.compile(r"(?i)^\s*(?:(?:begin|end)\b|(?:subject|subj|tags|ref|refs|e\.\s?o\.|classified by|reason)\b)")
# A page header on a line of its own: "ROME 00000097 004 OF 005", "PAGE 02 ROME 01196 01 OF 02 082030Z".
_PAGE_HEADER = re.compile(rf"^\s*(?:{PAGE_HEADER.pattern})\s*$", re.I)
# A sentence's full stop: not a title's "..." nor its "U.S.".
_PERIOD_END = re.compile(r"(?<!\.\.)(?<!\b[A-Z]\.[A-Z])\.['\"\u201d)]?\s*$")


def _is_furniture(line: str) -> bool:
    return bool(_UNDERLINE.match(line) or _PAGE_HEADER.match(line))


def _move_trailing_heading(text: str) -> tuple[str, str]:
    """Split a paragraph's trailing section headings off, so they can open the next paragraph.

    Cables put headings between paragraphs ("Cote d'Ivoire\\n-------------\\n¶3."); read in order
    they would end the paragraph before the one they introduce. A heading is the paragraph's last
    lines, blank lines between them allowed:
    - a title of up to three lines with rules below it, and perhaps above it ("- - -\\nTitle\\n- - -");
    - a title and its rule on one line, or a title alone, after a blank line;
    - a title right after a sentence's full stop, in capitals after mixed case ("...to Washington.\\n
      SYRIA THE ODD MAN OUT") or with a rule below it: in a cable written in capitals a last line in
      capitals is the paragraph's own text, and so is a sentence's last line above a rule.
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
    """(text, heading) with the one heading found at the text's end, or (text, "")."""
    lines = text.rstrip().split("\n")
    filled = [i for i, line in enumerate(lines) if line.strip()]  # line numbers of the non-blank lines
    end = len(filled)  # filled[end:] are the rules and page headers at the end
    while end and _is_furniture(lines[filled[end - 1]]):
        end -= 1
    ruled = any(_UNDERLINE.match(lines[i]) for i in filled[end:])
    if end == 0 or end == len(filled) == 1:
        return text, ""
    cut = end  # the heading starts at filled[cut]
    for size in (3, 2, 1) if ruled else (1,):
        title = end - size
        if title < 1:
            continue
        if size > 1:
            # Lines make one title when they follow each other, the first after a blank line or a rule,
            # and all but the last run on.
            above = filled[title - 1] < filled[title] - 1 or _UNDERLINE.match(lines[filled[title - 1]])
            together = filled[end - 1] - filled[title] == size - 1
            if not (above and together) or any(_FULL_STOP.search(lines[i]) for i in filled[title:end - 1]):
                continue
        start = title
        while ruled and start > 1 and _UNDERLINE.match(lines[filled[start - 1]]):
            start -= 1  # ruled above as well as below
        if start and _is_heading([lines[i] for i in filled[title:end]], lines[filled[start - 1]],
                                 spaced=filled[start - 1] < filled[start] - 1, ruled=ruled, ruled_above=start < title):
            cut = start
            break
    if cut == len(filled):
        return text, ""
    return "\n".join(lines[: filled[cut - 1] + 1]), "\n".join(lines[filled[cut]:]).strip()


def _is_heading(title: list[str], before: str, *, spaced: bool, ruled: bool, ruled_above: bool) -> bool:
    """Whether the title's lines are a heading, `before` being the text line above it, `spaced` a blank
    line between them, `ruled` rules below the title and `ruled_above` rules above it."""
    words = [w for line in title for w in line.split()]
    if not words or len(words) > (20 if ruled else 14) or any(_NOT_A_TITLE.search(line) for line in title):
        return False
    if len(title) > 1 and _PERIOD_END.search(title[-1]):
        return False
    after_sentence = bool(_FULL_STOP.search(before) or _END_MARK.search(before))
    if ruled:
        return spaced or ruled_above or bool(_RULED.match(title[-1])) or (after_sentence and not _PERIOD_END.search(title[-1]))
    line = title[0]
    if spaced:
        return bool(_RULED.match(line)) or (not _SENTENCE_END.search(line) and len(line) <= 90)
    return _in_capitals(line) and not _in_capitals(before) and not _SENTENCE_END.search(line) and after_sentence


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
    # Only an underlined title: a lone last header line ("TAGS: ...") stays put, and so do bare rules.
    if "\n" in heading and not all(_is_furniture(line) for line in heading.split("\n") if line.strip()):
        preamble = kept
        first = paragraphs[0]
        paragraphs[0] = RawParagraph(first.number, f"{heading}\n\n{first.text}")
    return _restore_rejected_anchors(preamble), paragraphs
