"""Deterministic stand-ins for the models, for fast unit tests."""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import replace

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGenerationChunk, ChatResult

from core.models import Entity, EntityType
from ingest.entities import merge_names
from qa.citations import REFUSAL

DIMENSION = 64


class HashEmbedder:
    """Bag-of-words vectors from hashed words; windows of `window_words` words."""

    def __init__(self, window_words: int = 60, overlap: int = 10):
        self.window_words = window_words
        self.overlap = overlap
        self.embedded: list[str] = []

    def windows(self, text: str) -> list[str]:
        words = text.split()
        if len(words) <= self.window_words:
            return [text]
        step = self.window_words - self.overlap
        return [" ".join(words[i : i + self.window_words]) for i in range(0, len(words) - self.overlap, step)]

    def embed(self, texts: list[str]) -> list[list[float]]:
        self.embedded.extend(texts)
        vectors = []
        for text in texts:
            vector = [0.0] * DIMENSION
            for word in re.findall(r"\w+", text.lower()):
                vector[int(hashlib.md5(word.encode()).hexdigest(), 16) % DIMENSION] += 1.0
            norm = math.sqrt(sum(v * v for v in vector)) or 1.0
            vectors.append([v / norm for v in vector])
        return vectors


class NoNER:
    """A recognizer that finds nothing new: annotated cables keep their entities, merged."""

    def tag(self, cables):
        return [replace(c, paragraphs=tuple(merge_names(c.paragraphs))) for c in cables]


class ListedNames(NoNER):
    """NoNER, plus the given (type, name) pairs tagged in every paragraph whose text contains the name."""

    def __init__(self, names):
        self.names = [Entity(EntityType(kind), name) for kind, name in names]

    def tag(self, cables):
        tagged = []
        for cable in super().tag(cables):
            paragraphs = tuple(
                replace(p, entities=p.entities + tuple(e for e in self.names if e.name in p.text and e not in p.entities))
                for p in cable.paragraphs
            )
            tagged.append(replace(cable, paragraphs=paragraphs))
        return tagged


class UnsureRefuser(BaseChatModel):
    """Writes the refusal with log-probabilities, as the local model does; asked to go on from a start
    of its own (a last assistant message), it writes `continuation` after it."""

    odds: list[float]  # the probability of each refusal token; the rest went to `alternative`
    alternative: str
    continuation: str
    asked: list[list[BaseMessage]] = []

    @property
    def _llm_type(self) -> str:
        return "unsure-refuser"

    def _generate(self, messages, stop=None, run_manager=None, **kwargs) -> ChatResult:
        raise NotImplementedError("the answer streams")

    def _stream(self, messages, stop=None, run_manager=None, **kwargs):
        self.asked.append(list(messages))
        if isinstance(messages[-1], AIMessage):
            yield ChatGenerationChunk(message=AIMessageChunk(content=self.continuation))
            return
        words = re.findall(r"\S+\s*", REFUSAL)  # "The ", "cables ", ...: one token each
        for word, odds in zip(words, self.odds + [1.0] * len(words)):
            top = [{"token": word, "logprob": math.log(odds)}]
            if odds < 1.0:
                top.append({"token": self.alternative, "logprob": math.log(1.0 - odds)})
            logprobs = [{"token": word, "logprob": math.log(odds), "top_logprobs": top}]
            yield ChatGenerationChunk(message=AIMessageChunk(content=word, response_metadata={"logprobs": logprobs}))
