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
_RULE_LINE = re.compile(r"(?m)^[ \t]*(?:[-=_*][ \t]*){3,}$")
_FRAMED_TITLE = re.compile(r"(?m)^[ \t]*(?:[-=_*][ \t]*){3,}([^-=_*\s].*?)[ \t]+(?:[-=_*][ \t]*){3,}$")
_TRAILING_RULE = re.compile(r"(?m)(?<=\S)[ \t]+(?:[-=_*][ \t]*){4,}$")
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


def drop_page_furniture(text: str, post: str, serial: str) -> str:
    """Remove the page and section headers a multi-page cable repeats mid-text.

    They read "PARIS 00001040  002 OF 003" or "C O N F I D E N T I A L SECTION 02 OF 03 PARIS 001040",
    sometimes in the middle of a sentence ("a strengthened OSCE PARIS 00001616 002 OF 002 monitoring").
    Page headers cut the post's name to ten characters ("KUALA LUMP 00001403 002 OF 003") and some
    pages print them in mixed case ("Kiev 00001261 002 of 004").
    """
    if not post or not serial:
        return text
    names = dict.fromkeys((post, post[:10].rstrip()))
    post_pattern = "|".join(r"\s*".join(re.escape(part) for part in name.split()) for name in names)
    page = re.compile(rf"[ \t]*\b(?:{post_pattern})\s+0*{serial}\s+\d{{1,3}}(?:\.\d+)?\s+OF\s+\d{{1,3}}\b[ \t]*", re.I)
    section = re.compile(
        rf"(?m)^[^\n]*\bSECTION\s+\d+\s+OF\s+\d+\s+(?:{post_pattern})\s+0*{serial}\b[^\n]*$"
    )
    text = section.sub("", text)
    return page.sub(" ", text)


# The notice many posts print under the last paragraph, before the signer: "Visit Embassy Rabat's Classified
# Website; http://www.state.sgov.gov/p/nea/rabat" or "For more reporting from Embassy Kuwait, visit: <URL>",
# often with a tail ("You can also access this site through the State Department's Classified SIPRNET
# website.") and a URL that the wrap split (".../index.c fm STAPLETON", ".../Portal:Kuwa it JONES",
# ".../INDEX.C FM"): the split piece is lower case or two or three capitals, and only the signer, the
# notice, or nothing follows it. The notice ends the paragraph; a word or two, the signer, may follow.
_GOV_URL = (
    r"(?:https?://)?[\w.-]+\.gov/\S*"
    r"(?-i:(?<=[\w.])[ ]+(?:[a-z][\w.]*|[A-Z]{2,3})(?=\s*$|\s+[A-Z][\w'’-]+\s*\.?\s*$|\s+(?i:visit)\b))?"
)
_SITE_NOTICE = re.compile(
    r"(?:"
    r"(?:\bfor more reporting from [\w .'’-]{1,40}?,? visit:?\s*(?:" + _GOV_URL + r")?[*\s]*)?"
    r"(?:\(U\)\s*)?(?:please\s+)?\bvisit\s+(?:[\w.'’-]+\s+){0,3}?classified\s+web\s?site\b"
    r"[\s:;]*(?:at\b[\s:;]*)?" + _GOV_URL +
    r"(?:\s+(?:or|you can also) access (?:the|this) site through the State Department[\w'’]* [^.\n/]*[./])?"
    r"(?:\s+and (?:the )?[\w ]{1,60}? at " + _GOV_URL + r"(?: /)?)?"
    r"|\bfor more reporting from [\w .'’-]{1,40}?,? visit:?\s*" + _GOV_URL +
    r")[*\s]*(?P<after>(?:[\w'’-]+(?:\s+[\w'’-]+)?\s*\.?)?)\s*$",
    re.I,
)


def split_site_notice(text: str) -> tuple[str, str]:
    """(the text before the post's website notice at its end, the word or two after the notice: the
    signer, or ""); (text, "") when it ends with no notice."""
    m = _SITE_NOTICE.search(text)
    if not m:
        return text, ""
    return text[: m.start()].rstrip(" \t\n*"), m.group("after").strip()  # and the rule of stars above it


def is_shouting(text: str) -> bool:
    """True for text written in capitals, as most cables before about 2005 are."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 20 and sum(c.isupper() for c in letters) / len(letters) > 0.8
