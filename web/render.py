"""What the page shows, as Markdown for the chat and HTML for the evidence and the filters.

Every piece of cable text, entity name, question and file name is escaped here: a cable that contains
`<script>` or `<img src=x onerror=...>` is shown as those characters, never run.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Mapping, Sequence

from core.models import Entity
from core.store import entity_keys
from qa.answer import Answer
from qa.citations import Citation, citation_spans
from qa.retrieve import Hit
from web.conversation import Conversation, Exchange

# Everything CommonMark lets a backslash escape; `<`, `>` and `&` become entities instead.
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|~:$])")
_HTML_SPECIAL = str.maketrans({"<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;"})
EMPTY_EVIDENCE = "Ask a question: the paragraphs its answer cites appear here, with their cable's header. Click a citation in the answer to bring its paragraph into view."
ENTITY_KINDS = {"PER": "person", "ORG": "organisation", "LOC": "place", "MISC": "other name"}


def escape(text: str) -> str:
    return html.escape(text, quote=True)


def escape_markdown(text: str) -> str:
    """Text shown literally by a Markdown renderer: no emphasis, no links, no HTML."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", text).translate(_HTML_SPECIAL)


def anchor_id(turn: int, cable_id: str, number: int, occurrence: int = 1) -> str:
    """The evidence panel's id for a paragraph of a turn: p-2-08PARIS1616-4 (p-2-08PARIS1616-4-2 for a repeated ¶4)."""
    safe = re.sub(r"[^A-Za-z0-9]+", "-", cable_id)
    return f"p-{turn}-{safe}-{number}" + (f"-{occurrence}" if occurrence > 1 else "")


def answer_markdown(text: str, citations: Iterable[Citation], turn: int) -> str:
    """The answer text escaped, with each citation a link to its paragraph in the evidence panel."""
    linked = set(citations)
    out, position = [], 0
    for start, end, citation in citation_spans(text):
        if citation not in linked:
            continue
        out.append(escape_markdown(text[position:start]))
        out.append(f"[{escape_markdown(text[start:end])}](#{anchor_id(turn, citation.cable_id, citation.number)})")
        position = end
    out.append(escape_markdown(text[position:]))
    return "".join(out)


def exchange_markdown(answer: Answer, turn: int) -> str:
    """The whole assistant message for a finished answer: a notice first when there is one."""
    body = answer_markdown(answer.text, answer.citations, turn)
    return f"> {escape_markdown(answer.notice)}\n\n{body}" if answer.notice else body


def chat_messages(conversation: Conversation, pending: tuple[str, str] | None = None) -> list[dict]:
    """The chatbot's messages for the conversation, plus a (question, partial answer Markdown) still streaming."""
    messages: list[dict] = []
    for turn, exchange in enumerate(conversation.exchanges, start=1):
        messages.append({"role": "user", "content": escape_markdown(exchange.answer.question)})
        messages.append({"role": "assistant", "content": exchange_markdown(exchange.answer, turn)})
    if pending:
        messages.append({"role": "user", "content": escape_markdown(pending[0])})
        messages.append({"role": "assistant", "content": pending[1] or "…"})
    return messages


# -- the evidence panel -------------------------------------------------------------------------


def highlight_entities(text: str, entities: Sequence[Entity]) -> str:
    """The paragraph text as HTML, each entity mention a clickable span coloured by its type."""
    names: dict[str, Entity] = {}
    for entity in entities:
        for key in entity_keys(entity):
            if len(key) > 1:
                names.setdefault(key, entity)
    if not names:
        return escape(text)
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")(?!\w)")
    out, position = [], 0
    for match in pattern.finditer(text):
        entity = names[match.group(1)]
        kind = entity.type.value
        out.append(escape(text[position : match.start()]))
        out.append(
            f'<span class="ent ent-{kind.lower()}" data-entity="{escape(str(entity))}" role="button" tabindex="0" '
            f'title="{escape(f"{ENTITY_KINDS[kind]}: {entity.name} (click to filter by it)")}">{escape(match.group(1))}</span>'
        )
        position = match.end()
    out.append(escape(text[position:]))
    return "".join(out)


def paragraph_html(hit: Hit, turn: int, header: Mapping, kind: str) -> str:
    """One paragraph card: label, date, origin, classification, signer, subject, and the highlighted text."""
    p = hit.stored.paragraph
    signed = f"signed {header['signature']}" if header.get("signature") else ""
    parts = ((hit.stored.date or "")[:10], hit.stored.origin, hit.stored.classification, signed)
    meta = " · ".join(escape(part) for part in parts if part)
    subject = header.get("subject") or ""
    return (
        f'<article class="para {kind}" id="{anchor_id(turn, p.cable_id, p.number, p.occurrence)}">'
        f'<div class="para-head"><span class="para-label">{escape(p.label)}</span><span class="para-meta">{meta}</span></div>'
        + (f'<div class="para-subject">{escape(subject)}</div>' if subject else "")
        + f'<div class="para-text">{highlight_entities(p.text, p.entities)}</div></article>'
    )


def _how_searched(exchange: Exchange) -> str:
    answer = exchange.answer
    rows = [("Asked", answer.question)]
    if answer.rewritten != answer.question:
        rows.append(("Searched for", answer.rewritten))
    rows.append(("Filters", "; ".join(exchange.filters.describe()) or "none"))
    rows.append(("Mode", answer.mode))
    if answer.dropped:
        rows.append(("Citations removed (paragraphs the model was not given)", ", ".join(map(str, answer.dropped))))
    if "total" in answer.timings:
        rows.append(("Time", f"{answer.timings['total']:.2f} s"))
    items = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in rows)
    return f'<details class="how"><summary>How it was searched</summary><dl>{items}</dl></details>'


def evidence_html(conversation: Conversation, headers: Mapping[str, Mapping]) -> str:
    """Every turn's paragraphs, the latest first and open: cited ones, or related ones apart when the cables don't say."""
    legend = "".join(f'<span class="ent ent-{k.lower()}">{k}</span> {escape(v)} ' for k, v in ENTITY_KINDS.items())
    parts = [f'<div class="legend">Entities: {legend}<span class="hint">(click one to filter by it)</span></div>']
    if not conversation.exchanges:
        parts.append(f'<p class="empty">{escape(EMPTY_EVIDENCE)}</p>')
    total = len(conversation.exchanges)
    for turn in range(total, 0, -1):
        exchange = conversation.exchanges[turn - 1]
        answer = exchange.answer
        if answer.abstained:
            heading = "Related paragraphs, not citations: the cables available don't say"
            hits, kind = answer.related, "related"
        else:
            heading = "Cited paragraphs"
            hits, kind = answer.cited_hits, "cited"
        cards = "".join(paragraph_html(h, turn, headers.get(h.stored.paragraph.cable_id, {}), kind) for h in hits)
        if not hits:
            cards = '<p class="empty">No paragraph matched.</p>'
        parts.append(
            f'<details class="turn" id="turn-{turn}"{" open" if turn == total else ""}>'
            f'<summary><span class="turn-number">Q{turn}</span> {escape(answer.question)}</summary>'
            f'{_how_searched(exchange)}<h4 class="{kind}">{escape(heading)}</h4>{cards}</details>'
        )
    return '<div class="evidence">' + "".join(parts) + "</div>"


# -- the active filters -------------------------------------------------------------------------


def filter_chips(active: Sequence[tuple[str, str, str]]) -> str:
    """The active filters as chips with a remove button each; active: (control, value, label)."""
    if not active:
        return '<div class="chips none">No filters: the next question searches every cable.</div>'
    chips = "".join(
        f'<span class="chip">{escape(label)}<button type="button" class="chip-remove" '
        f'data-remove-filter="{escape(json.dumps([control, value]))}" title="Remove this filter" aria-label="Remove {escape(label)}">×</button></span>'
        for control, value, label in active
    )
    return f'<div class="chips"><span class="chips-title">Filters for the next question:</span>{chips}</div>'
