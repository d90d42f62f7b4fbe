"""Answers for the page and the API: the mode's chat model (quotes, with a notice, when it cannot be had),
the stream of answer events, and the JSON an API call returns."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from qa.answer import Answer, Delta, Turn, stream_with_model, to_json
from qa.backends import MODES
from qa.filters import Filters
from web.backends import Backends


def answer_events(backends: Backends, question: str, history: Sequence[Turn], filters: Filters, mode: str) -> Iterator[Delta | Answer]:
    """stream_answer with the mode's model; when the model cannot be built, quotes and a notice saying why."""
    if mode not in MODES:
        raise ValueError(f"Unknown answer mode {mode!r}: choose one of {', '.join(MODES)}.")
    if not (question or "").strip():
        raise ValueError("The question is empty: ask something about the cables.")
    yield from stream_with_model(question.strip(), history, filters, retriever=backends.retriever, model_for=backends.chat_model, mode=mode)


def whole_answer(backends: Backends, question: str, history: Sequence[Turn], filters: Filters, mode: str) -> Answer:
    final = None
    for event in answer_events(backends, question, history, filters, mode):
        if isinstance(event, Answer):
            final = event
    assert final is not None
    return final


def answer_json(backends: Backends, answer: Answer, filters: Filters) -> dict:
    """The CLI's --json, plus each paragraph's cable subject, the cables cited and the filters applied."""
    result = to_json(answer)
    headers = backends.cable_headers(h.stored.paragraph.cable_id for h in answer.hits)
    for paragraph, hit in zip(result["paragraphs"], answer.hits):
        paragraph["subject"] = headers.get(hit.stored.paragraph.cable_id, {}).get("subject", "")
    result["cited_cables"] = list(dict.fromkeys(h.stored.paragraph.cable_id for h in answer.cited_hits))
    result["filters"] = filters.describe()
    return result
