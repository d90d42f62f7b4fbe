"""Text clean-up shared by the cable readers: detokenizing, unwrapping and dropping page furniture."""

from __future__ import annotations

import re

# The annotated corpus is tokenized: "Russia 's", "retreat , and", "( C )", and the tagger
# wrote apostrophes as commas: "1990 , s agreements", "can , t fulfill".
_TOKEN_APOSTROPHE = re.compile(r"(\w) , (s|t|d|ll|re|ve|m)\b")
_SPACE_BEFORE = re.compile(r" +([,.;:!?%)\]}]|'s\b|n't\b|'re\b|'ve\b|'ll\b|'d\b|'m\b)")
_SPACE_AFTER = re.compile(r"([(\[{$]) +")
_QUOTED = re.compile(r'" ([^"\n]*?) "')
_SPLIT_WORD_AFTER_APOSTROPHE = re.compile(r"(\w) '(s)\b")


def detokenize(text: str) -> str:
    """Re-join the punctuation of tokenized text: "Russia 's retreat , and" -> "Russia's retreat, and"."""
    text = _TOKEN_APOSTROPHE.sub(r"\1'\2", text)
    text = _SPLIT_WORD_AFTER_APOSTROPHE.sub(r"\1'\2", text)
    text = _SPACE_BEFORE.sub(r"\1", text)
    text = _SPACE_AFTER.sub(r"\1", text)
    return _QUOTED.sub(r'"\1"', text)


_BULLET = re.compile(r"^(?:-{1,2}|\*|\u2022|\(?[a-zA-Z0-9]{1,2}\)|[A-Z]\.)\s")
# A heading's rules, as the cables break them: on their own line ("-------", "----- -"), on both sides of
# its title ("------- Summary -------") or after it ("PALOCCI'S MESSAGE: CREDIT ------------- ------").
# After a title it takes four marks: "...imams, and Revolutionary Guards ---" ends on a dash of the text.
_RULE_MARK = r"(?:[-=_*][ \t]*)"
_RULE_LINE = re.compile(rf"(?m)^[ \t]*{_RULE_MARK}{{3,}}$")
_FRAMED_TITLE = re.compile(rf"(?m)^[ \t]*{_RULE_MARK}{{3,}}([^-=_*\s].*?)[ \t]+{_RULE_MARK}{{3,}}$")
_TRAILING_RULE = re.compile(rf"(?m)(?<=\S)[ \t]+{_RULE_MARK}{{4,}}$")
_SPACES = re.compile(r"[ \t\u00a0]+")


def unwrap(text: str) -> str:
    """Join hard-wrapped lines into flowing text, keeping blank-line breaks and list items.

    Teletype cables are wrapped at about 65 characters; a reader wants sentences, and so do
    the embedder and the keyword index. A heading's rules ("-------" above, below or beside it) go, and
    each becomes a block break: a paragraph opening with its heading reads "Summary\n\n(S) ...".
    """
    text = _RULE_LINE.sub("", text)
    text = _TRAILING_RULE.sub("\n", _FRAMED_TITLE.sub("\\1\n", text))
    blocks = re.split(r"\n\s*\n", text.strip())
    out = []
    for block in blocks:
        joined: list[str] = []
        for line in block.splitlines():
            line = _SPACES.sub(" ", line).strip()
            if not line:
                continue
            if joined and not _BULLET.match(line):
                joined[-1] = f"{joined[-1]} {line}"
            else:
                joined.append(line)
        if joined:
            out.append("\n".join(joined))
    return "\n\n".join(out)


# A page's classification, inside a teletype page header or on a line of its own, where a teletype page
# ends ("...ON BOARD.\nCONFIDENTIAL\nPAGE 03 HARARE 06677 03 OF 03 291401Z").
_BANNER = r"(?-i:UNCLASSIFIED|CONFIDENTIAL|SECRET|C O N F I D E N T I A L|S E C R E T|U N C L A S S I F I E D)"
_BANNER_LINE = re.compile(rf"(?m)^[ \t]*{_BANNER}[ \t]*(?:\n|\Z)")
# ...or at the end of the page's last line: "MINISTERS--ESSENTIALLY, A  CONFIDENTIAL\nPAGE 04 HARARE 06677".
_BANNER_BEFORE_PAGE = re.compile(rf"(?<=\S)[ \t]+{_BANNER}[ \t]*\n(?=[ \t]*PAGE[ \t]+\d)")


def drop_page_furniture(text: str, post: str, serial: str) -> str:
    """Remove the page and section headers a multi-page cable repeats mid-text.

    They read "PARIS 00001040  002 OF 003" or "C O N F I D E N T I A L SECTION 02 OF 03 PARIS 001040",
    sometimes in the middle of a sentence ("a strengthened OSCE PARIS 00001616 002 OF 002 monitoring").
    Page headers cut the post's name to ten characters ("KUALA LUMP 00001403 002 OF 003") and some
    pages print them in mixed case ("Kiev 00001261 002 of 004"). Teletype pages add a page number, a
    time and the page's classification ("CONFIDENTIAL\nPAGE 03 HARARE 06677 03 OF 03 291401Z",
    "PAGE 02 RUEHFRA2440 C O N F I D E N T I A L PARIS 002440").
    """
    if not post or not serial:
        return text
    names = dict.fromkeys((post, post[:10].rstrip()))
    post_pattern = "|".join(r"\s*".join(re.escape(part) for part in name.split()) for name in names)
    of_pages = r"\s+\d{1,3}(?:\.\d+)?\s+OF\s+\d{1,3}\b"
    header = (rf"(?:\bPAGE\s+\d{{1,3}}\s+(?:RUEH\w+\s+)?(?:{_BANNER}\s+)?(?:{post_pattern})\s+0*{serial}\b(?:{of_pages})?"
              rf"|\b(?:{post_pattern})\s+0*{serial}{of_pages})(?:\s+\d{{6}}Z\b)?")
    section = re.compile(
        rf"(?m)^[^\n]*\bSECTION\s+\d+\s+OF\s+\d+\s+(?:{post_pattern})\s+0*{serial}\b[^\n]*$"
    )
    text = section.sub("", text)
    text = _BANNER_BEFORE_PAGE.sub("\n", text)
    text = _BANNER_LINE.sub("", text)
    text = re.sub(rf"(?im)^[ \t]*{header}[ \t]*\n", "", text)  # a line of its own: the lines around it join
    return re.sub(rf"(?i)[ \t]*{header}[ \t]*", " ", text)


def is_shouting(text: str) -> bool:
    """True for text written in capitals, as most cables before about 2005 are."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 20 and sum(c.isupper() for c in letters) / len(letters) > 0.8
