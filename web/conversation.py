"""One browser session's conversation, and the filters read from the page's controls."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from qa.answer import Answer, Turn
from qa.filters import Filters, parse_entity


@dataclass(frozen=True)
class Exchange:
    """One question of a conversation: its answer and the filters it was asked with."""

    answer: Answer
    filters: Filters


@dataclass(frozen=True)
class Conversation:
    """The exchanges of one browser (or API client) session, oldest first."""

    exchanges: tuple[Exchange, ...] = ()

    def add(self, answer: Answer, filters: Filters) -> "Conversation":
        return Conversation((*self.exchanges, Exchange(answer, filters)))

    def history(self) -> list[Turn]:
        """The turns a follow-up is read against: each question and the cables its answer cited."""
        return [
            Turn(e.answer.question, tuple(dict.fromkeys(h.stored.paragraph.cable_id for h in e.answer.cited_hits)), e.answer.text)
            for e in self.exchanges
        ]


def _date(text: str | None, which: str) -> str | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise ValueError(f"The {which} date {text!r} is not a date: write it as yyyy-mm-dd, e.g. 2008-08-21.") from None


def _values(values: Sequence[str] | str | None) -> tuple[str, ...]:
    if isinstance(values, str):
        values = [values]
    return tuple(dict.fromkeys(v.strip() for v in values or () if v and v.strip()))


def read_filters(entities=(), cables=(), origins=(), date_from=None, date_to=None, classifications=(), tags=()) -> Filters:
    """Filters from the controls' values; a ValueError says which value is wrong and how to write it."""
    start, end = _date(date_from, "from"), _date(date_to, "to")
    if start and end and start > end:
        raise ValueError(f"The date range runs backwards ({start} to {end}): put the earlier date in 'From'.")
    return Filters(
        entities=tuple(parse_entity(e) for e in _values(entities)),
        cables=_values(cables),
        origins=_values(origins),
        date_from=start,
        date_to=end,
        classifications=_values(classifications),
        tags=_values(tags),
    )
