"""What a user narrows a question to: entities, cables, origin post, dates, classification, TAGS.

One `Filters` value is turned into both retrievers' terms (a Chroma `where` and an SQL clause), so
the dense and the keyword side always see the same paragraphs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from core.keyword import KeywordIndex, fts_any
from core.models import Entity, EntityType
from core.store import ENTITY_FIELDS, date_number


@dataclass(frozen=True)
class Filters:
    """Combinable filters; every one given must hold. Several entities: paragraphs naming them all."""

    entities: tuple[Entity, ...] = ()
    cables: tuple[str, ...] = ()
    origins: tuple[str, ...] = ()  # matched case-insensitively against any part of the origin ("paris")
    date_from: str | None = None  # ISO yyyy-mm-dd, inclusive
    date_to: str | None = None
    classifications: tuple[str, ...] = ()  # "confidential" also matches "CONFIDENTIAL//NOFORN"
    tags: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return any((self.entities, self.cables, self.origins, self.date_from, self.date_to, self.classifications, self.tags))

    def describe(self) -> list[str]:
        """One short label per active filter, for a person to read."""
        labels = [f"{e.type.value} · {e.name}" for e in self.entities]
        labels += [f"cable {c}" for c in self.cables] + [f"origin {o}" for o in self.origins]
        if self.date_from or self.date_to:
            labels.append(f"dates {self.date_from or '…'} to {self.date_to or '…'}")
        labels += [f"classification {c}" for c in self.classifications] + [f"TAG {t}" for t in self.tags]
        return labels


def parse_entity(text: str) -> Entity:
    """'PER:Galharague' -> Entity(PER, 'Galharague'); the type prefix is required."""
    kind, _, name = text.partition(":")
    try:
        return Entity(EntityType(kind.strip().upper()), name.strip())
    except ValueError:
        raise ValueError(f"entity filter {text!r}: write TYPE:name with TYPE one of PER, ORG, LOC, MISC (e.g. PER:Galharague)") from None


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
    """Filters from a page's controls or a command's options; a ValueError says which value is wrong and how to write it."""
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


@dataclass(frozen=True)
class Clauses:
    """Filters resolved against what is stored, in each retriever's language."""

    chroma_where: dict | None
    chroma_document: dict | None
    sql: str  # a condition on the paragraph `p`
    params: tuple = ()
    empty: bool = False  # a filter matched nothing stored: no paragraph can pass
    unknown_entities: tuple[Entity, ...] = field(default=())


def _like_values(keyword: KeywordIndex, column: str, wanted: tuple[str, ...]) -> list[str]:
    """The column's stored values that hold any wanted text, in any case ("paris" finds "Embassy Paris")."""
    stored = keyword.distinct_values(column)
    return [v for v in stored if any(text.strip().lower() in v.lower() for text in wanted)]


def _and(parts: list[dict]) -> dict | None:
    return None if not parts else parts[0] if len(parts) == 1 else {"$and": parts}


# An entity or TAG filter holding more paragraphs than this is checked paragraph by paragraph, through the
# index on the paragraph; a smaller one is listed first. Written as `p.rowid IN (SELECT ...)`, SQLite lists
# every paragraph a filter holds before a ranking can start: over the whole release (the corpus copied 750
# times) TAG PREL took 2 s so, and 0.1 s checked. Checking costs each paragraph a lookup that a short list
# saves: a rare name's ranking took 40 ms listed, 114 ms checked.
LIST_CAP = 20000
_NAMED_HERE = ("EXISTS (SELECT 1 FROM entity INDEXED BY entity_paragraph WHERE entity.paragraph = p.rowid AND entity.type = ? "
               "AND entity.key COLLATE NOCASE IN ({marks}))")
# FTS5 answers for one paragraph at a time slowly (a ranking with ORG OSCE took 812 ms so): a name written in the
# text is always listed, from its posting list.
_WRITTEN = "p.rowid IN (SELECT rowid FROM paragraph_text WHERE paragraph_text MATCH ?)"
_TAGGED = "p.rowid IN (SELECT paragraph FROM tag WHERE tag = ?)"
_TAGGED_HERE = "EXISTS (SELECT 1 FROM tag INDEXED BY tag_paragraph WHERE tag.paragraph = p.rowid AND tag.tag = ?)"


def named_paragraphs(entity_type: EntityType, keys: Sequence[str]) -> tuple[str, list]:
    """An SQL subquery, with its parameters, for the rowids of the paragraphs naming any of these keys as this type."""
    return f"SELECT paragraph FROM entity WHERE type = ? AND key COLLATE NOCASE IN ({','.join('?' * len(keys))})", [entity_type.value, *keys]


def resolve(filters: Filters, keyword: KeywordIndex) -> Clauses:
    """Turn filters into a Chroma where and an SQL clause over the keyword index's tables."""
    where: list[dict] = []
    documents: list[dict] = []
    sql: list[str] = []
    params: list = []
    empty = False
    unknown: list[Entity] = []
    for entity in filters.entities:
        keys = [key for _, key in keyword.entity_keys(entity.type, entity.name)]
        if keys:
            field_name = ENTITY_FIELDS[entity.type]
            where.append(_and_or([{field_name: {"$contains": key}} for key in keys]))
            # The keyword side also takes paragraphs that write the name where the NER model missed it.
            if keyword.named(entity.type, keys) <= LIST_CAP:
                named = f"p.rowid IN ({named_paragraphs(entity.type, keys)[0]})"
            else:
                named = _NAMED_HERE.format(marks=",".join("?" * len(keys)))
            sql.append(f"({named} OR {_WRITTEN})")
            params += [entity.type.value, *keys, fts_any(keys)]
        else:
            # A name the NER model did not tag ("ZAPAD 2009") still filters: by the words themselves.
            unknown.append(entity)
            documents.append({"$contains": entity.name})
            sql.append(_WRITTEN)
            params.append(fts_any([entity.name]))
    if filters.cables:
        cables = [c.strip().upper() for c in filters.cables]
        where.append({"cable": {"$in": cables}})
        sql.append(f"p.cable IN ({','.join('?' * len(cables))})")
        params += cables
    for column, wanted in (("origin", filters.origins), ("classification", filters.classifications)):
        if wanted:
            values = _like_values(keyword, column, wanted)
            empty |= not values
            where.append({column: {"$in": values or ["\x00none"]}})
            sql.append(f"p.{column} IN ({','.join('?' * max(1, len(values)))})")
            params += values or ["\x00none"]
    if filters.date_from:
        where.append({"date": {"$gte": date_number(filters.date_from)}})
        sql.append("p.date >= ?")
        params.append(date_number(filters.date_from))
    if filters.date_to:
        where.append({"date": {"$lte": date_number(filters.date_to)}})
        sql.append("p.date <= ?")
        params.append(date_number(filters.date_to))
    for tag in filters.tags:
        where.append({"tags": {"$contains": tag.strip().upper()}})
        sql.append(_TAGGED if keyword.tagged(tag.strip().upper(), LIST_CAP) <= LIST_CAP else _TAGGED_HERE)
        params.append(tag.strip().upper())
    return Clauses(_and(where), _and(documents), " AND ".join(sql), tuple(params), empty, tuple(unknown))


def _and_or(parts: list[dict]) -> dict:
    return parts[0] if len(parts) == 1 else {"$or": parts}


_CABLE_ID = re.compile(r"\b\d{2}[A-Z]{3,}\d{1,6}\b")


def cable_ids_in(text: str) -> list[str]:
    """Reference ids written in a question ("what did 09PARIS1040 say")."""
    return _CABLE_ID.findall(text.upper())
