"""The entity view's queries: filter choices, paragraphs over time, the names found beside an entity."""

import pytest

from core.settings import Settings
from ingest.pipeline import ingest
from qa.filters import parse_entity
from tests.conftest import DATA, SAMPLE
from tests.fakes import HashEmbedder, NoNER
from web.entities import filter_choices, mentions_over_time, named_with


@pytest.fixture(scope="module")
def keyword(tmp_path_factory):
    settings = Settings(data_dir=tmp_path_factory.mktemp("entities") / "data", batch_cables=8)
    keyword = settings.open_keyword_index()
    ingest([SAMPLE, DATA / "09VALLETTA123-page.html"], store=settings.open_store(), keyword=keyword, embedder=HashEmbedder(),
           recognizer=NoNER(), settings=settings)
    return keyword


def test_filter_choices_list_entities_with_type_and_count_and_the_header_values(keyword):
    choices = filter_choices(keyword)
    assert ("PER · Roland Galharague (5)", "PER:Roland Galharague") in choices.entities
    assert choices.cables == ["08PARIS1616", "09VALLETTA123"]
    assert "Embassy Valletta" in choices.origins and "CONFIDENTIAL" in choices.classifications
    assert {"PREL", "MT"} <= set(choices.tags)


def test_mentions_over_time_count_paragraphs_per_month_with_empty_months_around(keyword):
    frame = mentions_over_time(keyword, [parse_entity("PER:Galharague"), parse_entity("LOC:Russia")])
    assert list(frame.columns) == ["period", "paragraphs", "entity"]
    by_entity = {label: dict(zip(rows["period"], rows["paragraphs"])) for label, rows in frame.groupby("entity")}
    assert by_entity["PER · Galharague"] == {"2008-07": 0, "2008-08": 5, "2008-09": 0}
    assert by_entity["LOC · Russia"]["2008-08"] == 5
    assert mentions_over_time(keyword, [parse_entity("PER:Nobody")]).empty


def test_named_with_leaves_out_the_entity_itself_under_every_name(keyword):
    rows = named_with(keyword, [parse_entity("PER:Galharague")])
    names = [name for _, name, _ in rows]
    assert "Roland Galharague" not in names and "Galharague" not in names
    assert rows[0] == ("LOC", "Russia", 5)
    assert named_with(keyword, []) == []


def test_the_cables_list_offers_the_newest_cables_when_there_are_too_many(keyword, monkeypatch):
    import web.entities

    monkeypatch.setattr(web.entities, "MAX_CABLE_CHOICES", 1)
    assert filter_choices(keyword).cables == ["09VALLETTA123"]  # 2009, newer than the 2008 sample
