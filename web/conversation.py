"""One browser session's conversation."""

from __future__ import annotations

from dataclasses import dataclass

from qa.answer import Answer, Turn
from qa.filters import Filters


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
