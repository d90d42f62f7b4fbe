"""Read-only queries over the keyword index's tables for the page: the filter choices, an entity's
paragraphs over time, and the entities named beside it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from core.keyword import KeywordIndex
from core.models import Entity
from qa.filters import named_paragraphs

# The multi-select lists the most named entities; any other one can still be typed as TYPE:name.
MAX_ENTITY_CHOICES = 3000
# The cables list offers the newest ones (the whole release would put 251,287 ids in the page); any
# other reference id can still be typed.
MAX_CABLE_CHOICES = 3000
# A span longer than this is plotted by year, a shorter one by month.
MONTHS_BY_MONTH = 36


@dataclass(frozen=True)
class FilterChoices:
    """What the filter controls offer: (label, value) pairs for entities, plain values for the rest."""

    entities: list[tuple[str, str]]
    cables: list[str]
    origins: list[str]
    classifications: list[str]
    tags: list[str]


def entity_label(entity_type: str, name: str, paragraphs: int | None = None) -> str:
    """'PER · Galharague (5)': type, name and, when known, the paragraphs naming it."""
    label = f"{entity_type} · {name}"
    return label if paragraphs is None else f"{label} ({paragraphs})"


def filter_choices(keyword: KeywordIndex) -> FilterChoices:
    return FilterChoices(
        entities=[(entity_label(t, n, c), f"{t}:{n}") for t, n, c in keyword.entity_catalogue(MAX_ENTITY_CHOICES)],
        cables=sorted(keyword.newest_cables(MAX_CABLE_CHOICES)),
        origins=keyword.distinct_values("origin"),
        classifications=keyword.distinct_values("classification"),
        tags=keyword.distinct_values("tag"),
    )


def _keys(keyword: KeywordIndex, entity: Entity) -> list[str]:
    """The stored keys a chosen entity is found by (full name, surname, any case); its own name if none."""
    return [key for _, key in keyword.entity_keys(entity.type, entity.name)] or [entity.name]


def _paragraph_ids(keyword: KeywordIndex, entity: Entity) -> tuple[str, list]:
    """An SQL subquery, with its parameters, for the paragraphs naming the entity."""
    return named_paragraphs(entity.type, _keys(keyword, entity))


def mentions_over_time(keyword: KeywordIndex, entities: Sequence[Entity]) -> pd.DataFrame:
    """Paragraphs naming each entity per month (per year over a long span): columns period ("2008-08" or "2008"),
    paragraphs, entity.

    Periods with no mention are present with 0, so that a line does not jump over a silence, and so is one
    period before and after the mentions, so that a single month still draws a peak rather than nothing.
    """
    counts: dict[str, dict[int, int]] = {}
    for entity in entities:
        sub, params = _paragraph_ids(keyword, entity)
        rows = keyword.db.execute(
            f"SELECT p.date / 100 AS month, COUNT(*) FROM paragraph p WHERE p.date IS NOT NULL AND p.rowid IN ({sub}) GROUP BY month",
            params,
        )
        counts[entity_label(entity.type.value, entity.name)] = {int(month): n for month, n in rows}
    months = sorted({m for by_month in counts.values() for m in by_month})
    if not months:
        return pd.DataFrame({"period": pd.Series([], dtype=str), "paragraphs": pd.Series([], dtype=int),
                             "entity": pd.Series([], dtype=str)})
    first, last = (pd.Period(year=m // 100, month=m % 100, freq="M") for m in (months[0], months[-1]))
    freq = "Y" if (last - first).n > MONTHS_BY_MONTH else "M"
    periods = pd.period_range(first.asfreq(freq) - 1, last.asfreq(freq) + 1, freq=freq)
    frames = []
    for label, by_month in counts.items():
        series = pd.Series(0, index=periods)
        for month, n in by_month.items():
            series[pd.Period(year=month // 100, month=month % 100, freq="M").asfreq(freq)] += n
        # Periods as text: the plot's axis then labels each month (or year) once, not weekly ticks.
        frames.append(pd.DataFrame({"period": periods.astype(str), "paragraphs": series.to_numpy(), "entity": label}))
    return pd.concat(frames, ignore_index=True)


def named_with(keyword: KeywordIndex, entities: Sequence[Entity], limit: int = 15) -> list[tuple[str, str, int]]:
    """(type, name, paragraphs) of the entities most often named in the same paragraphs as any of these."""
    if not entities:
        return []
    subs, params = [], []
    own: set[tuple[str, str]] = set()
    for entity in entities:
        sub, sub_params = _paragraph_ids(keyword, entity)
        subs.append(sub)
        params += sub_params
        # The chosen entity is left out under every name it is stored by ("Galharague" is "Roland Galharague").
        own.add((entity.type.value, entity.name))
        own.update(keyword.db.execute(sub.replace("SELECT paragraph", "SELECT DISTINCT type, name"), sub_params).fetchall())
    exclude = " AND ".join("NOT (type = ? AND name = ?)" for _ in own)
    rows = keyword.db.execute(
        f"SELECT type, name, COUNT(DISTINCT paragraph) AS n FROM entity WHERE paragraph IN ({' UNION '.join(subs)}) "
        f"AND {exclude} GROUP BY type, name ORDER BY n DESC, name LIMIT ?",
        [*params, *[v for pair in sorted(own) for v in pair], limit],
    )
    return [(r[0], r[1], r[2]) for r in rows]
