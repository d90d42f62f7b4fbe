"""Plain-text chores shared by the header-field parsers: line breaks, page headers, where the header ends."""

from __future__ import annotations

import re

# "SUBJECT:", "SUBJ:", "Subject:", "UBJECT:" (first letter lost) or an upper-case "SUBJECT" without
# colon; never "COPY (SUBJECT LINE)" or "COPY//SUBJECT LINE", which announce a corrected subject.
SUBJECT_KEY = re.compile(r"(?:^|(?<=\s))(?:S?UBJ(?:ECT)?\s*:|(?-i:S?UBJ(?:ECT)?)[ \t])(?!\s*LINE\b)", re.I)
# Some Cablegate pages end lines with a backslash before the break: "PALESTINE \\\n \\\nREF: ...".
_BACKSLASH_BREAK = re.compile(r"\\[ \t]*(?:\n|$)")
_FIRST_PARAGRAPH = re.compile(
    r"(?m)^[ \t]*1[ \t]*\.\s*(?:\(|[A-Za-z])"  # "1. (C) ..." or "1.Embassy London ..." opening a line
    # "... 1.4 (b), (d) 1. (C) Summary" on one line; "1 . \n( C )" in the tokenized corpus.
    r"|(?<![\d.])\b1 ?\.\s*\(\s*[A-Z]{1,4}(?:\s*/+\s*[A-Z]{1,4})*\s*\)"
)
# A page header repeated inside a multi-page cable: "PRETORIA 00000954  001.2 OF 004",
# "PAGE 02 ROME 01196 01 OF 02 082030Z", "PORT AU PR 00002230 001.2 OF 002".
PAGE_HEADER = re.compile(
    r"(?:PAGE\s+\d+\s+)?\b[A-Z][A-Z]*(?: [A-Z]+){0,3}\s+\d{4,}\s+\d{1,3}(?:\.\d+)?\s+OF\s+\d{1,3}(?:\s+\d{6}Z)?"
)


def normalize_text(text: str) -> str:
    """Text with Unix line breaks and without the pilcrows that mark paragraph numbers ("¶1.", "¶B.")."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00b6", "").replace("\u00a0", " ")
    return _BACKSLASH_BREAK.sub("\n", text)


def find_header_end(text: str) -> int:
    """Where the first numbered paragraph starts: header fields (TAGS, SUBJECT, REF) come before it."""
    m = _FIRST_PARAGRAPH.search(text)
    return m.start() if m else len(text)
