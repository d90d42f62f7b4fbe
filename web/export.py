"""A conversation as Markdown: each question, its answer with citations, and the cited paragraphs' text."""

from __future__ import annotations

from collections.abc import Mapping

from web.conversation import Conversation


def _quote(text: str) -> str:
    return "\n".join("> " + line if line.strip() else ">" for line in text.strip().splitlines())


def conversation_markdown(conversation: Conversation, headers: Mapping[str, Mapping]) -> str:
    lines = ["# Cable QA conversation", ""]
    for turn, exchange in enumerate(conversation.exchanges, start=1):
        answer = exchange.answer
        lines += [f"## Q{turn}. {answer.question}", ""]
        if answer.rewritten != answer.question:
            lines += [f"*Searched for: {answer.rewritten}*", ""]
        if exchange.filters:
            lines += [f"*Filters: {'; '.join(exchange.filters.describe())}*", ""]
        if answer.notice:
            lines += [f"*{answer.notice}*", ""]
        lines += [answer.text, ""]
        hits = answer.related if answer.abstained else answer.cited_hits
        if hits:
            lines += ["### " + ("Related paragraphs (not citations)" if answer.abstained else "Cited paragraphs"), ""]
        for hit in hits:
            p = hit.stored.paragraph
            header = headers.get(p.cable_id, {})
            about = ", ".join(part for part in ((hit.stored.date or "")[:10], hit.stored.origin, hit.stored.classification) if part)
            lines.append(f"**{p.label}** ({about})" + (f": {header['subject']}" if header.get("subject") else ""))
            lines += ["", _quote(p.text), ""]
    return "\n".join(lines).rstrip() + "\n"
