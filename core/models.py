"""The domain nouns: a cable, its numbered paragraphs and the entities they name."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


# The small words inside names ("El Salvador", "Osama bin Laden", "Herman Van Rompuy").
NAME_PARTICLES = frozenset("el al la le las los de da del di du der den van von bin ibn".split())


class EntityType(str, Enum):
    """The four entity kinds of the annotated corpus (CoNLL style)."""

    PER = "PER"
    ORG = "ORG"
    LOC = "LOC"
    MISC = "MISC"


@dataclass(frozen=True)
class Entity:
    """A named entity as a paragraph mentions it, under its cable-wide canonical name."""

    type: EntityType
    name: str

    def __str__(self) -> str:
        return f"{self.type.value}:{self.name}"


@dataclass(frozen=True)
class Paragraph:
    """One numbered paragraph of a cable, with the cable's own number as printed (¶N; ¶0 is unnumbered text)."""

    cable_id: str
    number: int
    text: str
    entities: tuple[Entity, ...] = ()
    occurrence: int = 1  # cables repeat numbers (¶4, ¶5, ¶4 again); the second ¶4 has occurrence 2

    @property
    def label(self) -> str:
        return f"{self.cable_id} ¶{self.number}"

    @property
    def record_id(self) -> str:
        suffix = "" if self.occurrence == 1 else f"~{self.occurrence}"
        return f"{self.cable_id}:{self.number}{suffix}"


@dataclass(frozen=True)
class Cable:
    """A diplomatic cable: its header fields and its paragraphs in the cable's order."""

    reference_id: str
    date: str | None  # ISO yyyy-mm-dd, or yyyy-mm-ddTHH:MM when the source gives the time
    origin: str
    classification: str  # e.g. "CONFIDENTIAL", "SECRET//NOFORN"
    handling: tuple[str, ...] = ()  # caveats such as "NOFORN", "SIPDIS"
    tags: tuple[str, ...] = ()
    subject: str = ""
    references: tuple[str, ...] = ()
    summary: str | None = None
    declassify_on: str | None = None  # the E.O. 12958 "DECL:" date, ISO
    paragraphs: tuple[Paragraph, ...] = field(default=(), repr=False)
    source: str = ""  # the file (or file:row) it was read from
    notes: tuple[str, ...] = ()  # what the reader had to guess or work around, for the summary
    signature: str = ""  # the signer's surname as the cable ends with it ("TAUBMAN")
