"""Citations: written once, parsed once, checked after generation.

A citation reads "(08PARIS1616 ¶4)"; several may share one parenthesis: "(08PARIS1616 ¶4, ¶5)" or
"(08PARIS1616 ¶4; 09PARIS1040 ¶2)". One that points at a paragraph the model was not given is
removed from the text and recorded, never shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

REFUSAL = "The cables available don't say."
# The refusal sentence, also as the model rewords it: "The paragraphs available don't say.", "The cables
# provided do not answer the question."
REFUSAL_SUBJECTS = ("cables", "paragraphs", "documents", "texts")
REFUSAL_QUALIFIERS = ("available", "given", "provided", "above")
# It opens a sentence: "He said the texts do not specify a deadline" is a claim.
_REFUSAL_SAID = re.compile(rf"(?:^|(?<=[.!?]\s)|(?<=\n))\s*The (?:{'|'.join(REFUSAL_SUBJECTS)})(?: (?:{'|'.join(REFUSAL_QUALIFIERS)}))? "
                           r"do(?:n't| not) (?:say|answer|mention|state|specify)\b[^.\n]*\.?")


def is_refusal(text: str) -> bool:
    """Whether the text says the refusal sentence (either apostrophe, "don't" or "do not"), in its words or
    the model's rewording."""
    return _REFUSAL_SAID.search(text.replace("\u2019", "'")) is not None


def refusal_said(text: str) -> str | None:
    """The refusal a reply opens with, as the reply words it, or None when it opens with anything else."""
    found = _REFUSAL_SAID.match(text.replace("\u2019", "'"))
    return text[: found.end()] if found else None


@dataclass(frozen=True, order=True)
class Citation:
    """A pointer to one paragraph: the cable's reference id and the paragraph's printed number."""

    cable_id: str
    number: int

    def __str__(self) -> str:
        return f"{self.cable_id} ¶{self.number}"


def format_citations(citations: Iterable[Citation]) -> str:
    """"(08PARIS1616 ¶4)", or "(08PARIS1616 ¶4; 09PARIS1040 ¶2)" for several."""
    return "(" + "; ".join(str(c) for c in citations) + ")"


_ID = r"\d{2}[A-Z][A-Z-]*[A-Z]\d{1,6}"
# A parenthesis holding at least one "<id> ¶N" (also "¶ N", "para N", "paragraph N").
_GROUP = re.compile(rf"\s*\(\s*({_ID}\s*(?:¶|para(?:graph)?\.?)\s*\d+[^()]*)\)")
# Text up to and including its first citation, with the punctuation right after it: one claim of a
# model's answer ("Borg called it a fig leaf (09VALLETTA123 ¶3)."), however many sentences it spans.
CITED_CLAIM = re.compile(rf"(.*?{_GROUP.pattern}[.!?]*)", re.S)
_MALFORMED = re.compile(r"\s*\([^()]*¶[^()]*\)")
_PAIR = re.compile(rf"(?:({_ID})\s*)?(?:¶|para(?:graph)?\.?)\s*(\d+)|(?<=[,;&])\s*(\d+)\b")


def parse_citations(text: str) -> list[Citation]:
    """Every citation in the text, in order."""
    found: list[Citation] = []
    for group in _GROUP.finditer(text):
        found.extend(_pairs(group.group(1)))
    return found


def citation_spans(text: str) -> list[tuple[int, int, Citation]]:
    """(start, end, citation) of every citation in the text: "08PARIS1616 ¶4", or "¶5" in "(08PARIS1616 ¶4, ¶5)"."""
    spans = []
    for group in _GROUP.finditer(text):
        cable = None
        for m in _PAIR.finditer(group.group(1)):
            cable = m.group(1) or cable
            number = m.group(2) or m.group(3)
            if cable and number:
                start = group.start(1) + m.start() + len(m.group(0)) - len(m.group(0).lstrip())
                spans.append((start, group.start(1) + m.end(), Citation(cable, int(number))))
    return spans


def _pairs(inside: str) -> list[Citation]:
    pairs, cable = [], None
    for m in _PAIR.finditer(inside):
        cable = m.group(1) or cable
        number = m.group(2) or m.group(3)
        if cable and number:
            pairs.append(Citation(cable, int(number)))
    return pairs


def check_citations(text: str, allowed: set[Citation]) -> tuple[str, list[Citation], list[Citation]]:
    """Remove every citation not in `allowed`; returns (clean text, kept, dropped)."""
    kept: list[Citation] = []
    dropped: list[Citation] = []

    def rewrite(group: re.Match) -> str:
        pairs = _pairs(group.group(1))
        good = [c for c in pairs if c in allowed]
        dropped.extend(c for c in pairs if c not in allowed)
        kept.extend(c for c in good if c not in kept)
        return " " + format_citations(dict.fromkeys(good)) if good else ""

    # A parenthesis with a ¶ that is no citation ("(CABLEID ¶2)", a model copying a placeholder) is never shown.
    text = _MALFORMED.sub(lambda m: m.group(0) if _GROUP.fullmatch(m.group(0)) else "", text)
    return _GROUP.sub(rewrite, text), kept, dropped


_PLACEHOLDER = re.compile(r"\(\s*CABLE\s*ID\s*¶\s*(\d+)\s*\)", re.I)


def fill_placeholders(text: str, given: Iterable[Citation]) -> str:
    """"(CABLEID ¶4)", the prompt's placeholder copied with a real number, as the one given paragraph
    with that number; left as it is (and so never shown) when none or several have it."""
    by_number: dict[int, set[Citation]] = {}
    for citation in given:
        by_number.setdefault(citation.number, set()).add(citation)

    def fill(m: re.Match) -> str:
        found = by_number.get(int(m.group(1)), set())
        return format_citations(found) if len(found) == 1 else m.group(0)

    return _PLACEHOLDER.sub(fill, text)


def strip_citations(text: str) -> str:
    """The text without its citations."""
    return _GROUP.sub("", text)
