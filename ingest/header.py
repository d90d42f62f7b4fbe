"""The header fields of a cable: subject, declassification date and summary, plus the id, TAGS and REF parsers.

Input is plain cable text (HTML and entity annotations already stripped), either as wrapped lines
("SUBJECT: ...\\nREF: ...") or run together on one line as in the annotated corpus.
"""

from __future__ import annotations

import html
import re
from datetime import date

from ingest.header_text import PAGE_HEADER, SUBJECT_KEY, find_header_end, normalize_text
from ingest.references import parse_references
from ingest.refid import canonicalize_id, make_reference_id
from ingest.tags import parse_tags

__all__ = [
    "canonicalize_id",
    "make_reference_id",
    "parse_nondisclosure_deadline",
    "parse_references",
    "parse_subject",
    "parse_summary",
    "parse_tags",
]

_SUBJECT_END = re.compile(
    r"\n[ \t]*\n"  # blank line
    # "REF:", "PRIMEREF:" anywhere; "REF A." only opening a line ("IRAN REF UPCOMING" means "regarding").
    r"|REF(?:S|TELS?|\(S\))?\s*:|(?:^|\n)[ \t]*REF(?:S|TELS?)?(?=[\s.(])"
    r"|Classified\s+by|Derived\s+from"  # also glued: "VISIT TO CAIROClassified By:"
    r"|(?<![\d.])\b[1-9] ?\.\s*\([A-Z]{1,4}(?:\s*/+\s*[A-Z]{1,4})*\)|\n[ \t]*\d{1,2}[ \t]*\.\s"  # paragraph
    r"|(?:^|\n)[ \t]*SUMMARY\b|\b1\.?[ \t]*SUMMARY\b"
    r"|\b(?:[A-Z] ){4,}[A-Z]\b"  # "C O N F I D E N T I A L", "C O R R E C T E D"
    r"|SENSITIVE\s+BUT\b"
    r"|\bPAGE\s+\d+\b|-{3,}|={3,}"
    r"|\n[ \t]*(?:E\.\s?O\.\s?\d|TAGS\b|SIPDIS\b)",
    re.I,
)
_SUBJECT_PAGE_HEADER = re.compile(r"(?:^|\s)" + PAGE_HEADER.pattern)
# No real subject runs this long; text without any terminator is cut here rather than swallowed.
_SUBJECT_MAX_CHARS = 600
# "(S)", "(C/NF)", "(S//NF)", "(SBU)", and "( C )" in the tokenized corpus.
_CLASSIFICATION_MARK = r"\(\s*(?:TS|S|C|U|SBU|LOU|NF)(?:\s*/+\s*(?:NF|N|REL[A-Z ]*|SBU|LOU|TS|S|C|U))*\s*\)"
_LEADING_MARK = re.compile(rf"^{_CLASSIFICATION_MARK}\s*")
_TRAILING_MARK = re.compile(rf"\s+{_CLASSIFICATION_MARK}$")


def parse_subject(text: str, clean: bool = True) -> str:
    """The SUBJECT line on one line, or "" when the cable has none.

    With `clean`, a classification marking around it ("(S) ", "(C/NF) ") is dropped.
    """
    text = normalize_text(text)
    header_end = find_header_end(text)
    key = SUBJECT_KEY.search(text, 0, header_end)
    if not key:
        return ""
    start = key.end()
    while start < len(text) and text[start].isspace():
        start += 1
    limit = min(header_end, start + _SUBJECT_MAX_CHARS)
    ends = (_SUBJECT_END.search(text, start, limit), _SUBJECT_PAGE_HEADER.search(text, start, limit))
    subject = _drop_body_lines(text[start : min((m.start() for m in ends if m), default=limit)])
    # A line broken after a hyphen continues the word: "THE US- \nLATIN AMERICAN" -> "US-LATIN".
    subject = re.sub(r"(?<=\w)-[ \t]*\n\s*", "-", subject)
    subject = html.unescape(" ".join(subject.split()))
    if clean:
        subject = _TRAILING_MARK.sub("", _LEADING_MARK.sub("", subject))
    return subject


def _drop_body_lines(subject: str) -> str:
    """Cut an upper-case subject where a mixed-case line starts: that line is already the body."""
    lines = subject.split("\n")
    first_letters = [c for c in lines[0] if c.isalpha()]
    if not first_letters or any(c.islower() for c in first_letters):
        return subject
    for i, line in enumerate(lines[1:], 1):
        if any(c.islower() for c in line):
            return "\n".join(lines[:i])
    return subject


# "E.O. 12958: DECL: 11/22/2012", "EO 12958 DECL: 2020/02/23", "E.o. 12958: decl: 6/3/08".
_DEADLINE = re.compile(
    r"E\.?\s?O\.?\s*\d{4,5}\s*:?\s*DECL\s*:?\s*(?:(\d{1,2})/(\d{1,2})/(\d{2,4})\b|(\d{4})/(\d{1,2})/(\d{1,2})\b)",
    re.I,
)


def parse_nondisclosure_deadline(text: str) -> str | None:
    """The declassification date of the E.O. line as "YYYY-MM-DD", or None ("E.O. 12958: N/A", "DECL: OADR")."""
    m = _DEADLINE.search(normalize_text(text))
    if not m:
        return None
    if m.group(1):
        month, day, year = (int(g) for g in m.group(1, 2, 3))
        if year < 100:
            year += 2000  # "DECL: 6/30/08": every two-digit year in the corpus is in this century.
    else:
        year, month, day = (int(g) for g in m.group(4, 5, 6))
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


_END_SUMMARY = re.compile(r"END\s+(?:OF\s+)?SUMMAR?Y", re.I)
_SUMMARY_TOPICS = (
    r"COMMENTS?|ACTION\s+REQUESTS?|INTRODUCTION|TABLE\s+OF\s+CONTENTS|CONCLUSIONS?|RECOMMENDATIONS?"
    r"|BACKGROUND|KEY\s+(?:THEMES|POINTS)|ANALYSIS|OVERVIEW"
)
# "2. (C) Summary continued:", "Summary contd.:" carry on the summary begun above; they open nothing.
_SUMMARY_CONTINUED = r"[\s,]*\(?CONT(?:INUED|'?D)\b"
# The opening of a summary: "SUMMARY:", "Summary.", "SUMMARY\n-----", "Summary and Comment:",
# "Summary/Comment:", "BEGIN SUMMARY", or a bare "Summary" right after "1. (C)".
_SUMMARY_START = re.compile(
    rf"(?P<begin>BEGIN\s+)?(?P<para>(?:\b\d{{1,2}}\s?\.\s*)?(?:\([A-Z/ ]+\)\s*)?)?"
    rf"\bSUMMAR?Y(?!{_SUMMARY_CONTINUED})(?:(?:\s+AND\s+|\s*/\s*)(?:{_SUMMARY_TOPICS}))?"
    rf"(?P<mark>[ \t]*(?:[:.\-=\u2010\u2013]|\n))?",
    re.I,
)
_SUMMARY_STOP = re.compile(r"\n[ \t]*\n|-{4,}|={4,}|END\s+(?:OF\s+)?SUMMAR?Y", re.I)
_NUMBERED_PARAGRAPH = re.compile(r"(?:^|\n)[ \t]*\d{1,2}[ \t]*\.[ \t]*(?:\([^)\n]{1,12}\)[ \t]*)?(?=\S)")
_PARAGRAPH_PREFIX = re.compile(
    rf"(?im)^[ \t]*\d{{1,2}}[ \t]*\.[ \t]*(?:\([A-Z/ ]{{1,12}}\)[ \t]*)?(?:SUMMAR?Y{_SUMMARY_CONTINUED}\W*)?"
)
# Teletype furniture that lands inside a summary: the SIPDIS marker and the lines of a page break
# ("CONFIDENTIAL\nPAGE 03 HARARE 06677 01 OF 03 291400Z", "PAGE 02 RUEHFRA2440 C O N F I D E N T I A L").
_FURNITURE = re.compile(
    r"(?i:\bSIPDIS\b)|(?m:^[ \t]*(?:(?:UNCLASSIFIED|CONFIDENTIAL|SECRET)[ \t]*|PAGE[ \t]+\d+\b.*)$)"
)
# What may stand between a summary heading and its text: underlines, blank lines, "1. (C)".
_LEAD_IN = re.compile(rf"[\s\-=\u2010\u2013.:]*(?:\d{{1,2}}[ \t]*\.[ \t]*)?(?:{_CLASSIFICATION_MARK}[ \t]*)?")


def parse_summary(text: str) -> str | None:
    """The summary paragraph(s) without "SUMMARY:"/"END SUMMARY" and "1. (C)" markers, or None.

    Lines keep their breaks; blank lines and paragraph numbers between summary paragraphs go.
    """
    text = normalize_text(text)
    end = _END_SUMMARY.search(text)
    if end:
        starts = [m for m in _SUMMARY_START.finditer(text, 0, end.start()) if _opens_summary(m)]
        if starts:
            summary = text[starts[-1].end() : end.start()]
        else:
            # "1. (C) German FM Westerwelle told [...]. END SUMMARY.": no opening marker, so the
            # summary is the paragraph the end marker closes.
            paragraphs = list(_NUMBERED_PARAGRAPH.finditer(text, 0, end.start()))
            blank = text.rfind("\n\n", 0, end.start())
            summary = text[paragraphs[-1].start() if paragraphs else blank + 1 : end.start()]
    else:
        start = next((m for m in _SUMMARY_START.finditer(text) if _opens_summary(m)), None)
        if not start:
            return None
        # Blank lines and underlines right after the heading do not end the summary.
        content = _LEAD_IN.match(text, start.end()).end()
        stop = _SUMMARY_STOP.search(text, content)
        summary = text[content : stop.start() if stop else len(text)]
    return _tidy_summary(summary) or None


def _opens_summary(m: re.Match[str]) -> bool:
    """True when a "SUMMARY" is a heading, not the word in a sentence ("a summary of the talks")."""
    return bool(m.group("mark") or m.group("begin") or (m.group("para") or "").strip())


def _tidy_summary(summary: str) -> str:
    summary = _FURNITURE.sub("", PAGE_HEADER.sub("", summary))
    summary = _PARAGRAPH_PREFIX.sub("", summary[_LEAD_IN.match(summary).end() :])
    lines = (" ".join(line.split()) for line in summary.split("\n"))
    return "\n".join(line for line in lines if line and not re.fullmatch(r"[-=\u2010\u2013\s]+", line))
