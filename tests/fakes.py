"""Deterministic stand-ins for the models, for fast unit tests."""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import replace

from core.models import Entity, EntityType
from ingest.entities import merge_names

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
