"""The Chroma store, embedded and (when CI starts one) a real Chroma server."""

from core.models import Cable, Entity, EntityType, Paragraph
from core.store import date_number, paragraph_metadata
from ingest.pipeline import content_hash

PER, LOC = EntityType.PER, EntityType.LOC


def cable(ref, date, paragraphs):
    return Cable(ref, date, "Embassy Paris", "CONFIDENTIAL", tags=("PREL", "FR"), subject="S", paragraphs=tuple(paragraphs))


def write(store, embedder, cables, old=None):
    items = []
    for c in cables:
        ids = [p.record_id for p in c.paragraphs]
        docs = [p.text for p in c.paragraphs]
        metas = [{**paragraph_metadata(c, p), "window": 1, "windows": 1} for p in c.paragraphs]
        items.append((c, content_hash(c), ids, docs, metas, embedder.embed(docs)))
    store.write(items, old=old or {})


def test_paragraphs_round_trip_and_filter_by_entity_and_date(store_settings, embedder):
    store = store_settings.open_store()
    a = cable("08PARIS1616", "2008-08-21", [
        Paragraph("08PARIS1616", 1, "Galharague spoke of Georgia.", (Entity(PER, "Roland Galharague"), Entity(LOC, "Georgia"))),
        Paragraph("08PARIS1616", 2, "Boillon spoke.", (Entity(PER, "Boris Boillon"),)),
    ])
    b = cable("09PARIS1040", "2009-07-31", [Paragraph("09PARIS1040", 4, "Bigot on Gbagbo.", (Entity(PER, "Laurent Bigot"),))])
    write(store, embedder, [a, b])
    assert store.count() == (2, 3)

    (got,) = store.get(["08PARIS1616:1"])
    assert got.paragraph.label == "08PARIS1616 ¶1"
    assert got.paragraph.entities == (Entity(PER, "Roland Galharague"), Entity(LOC, "Georgia"))
    assert got.date == "2008-08-21" and got.tags == ("PREL", "FR")

    # A person is found by full name and by surname.
    for name in ("Roland Galharague", "Galharague"):
        hits = store.paragraphs.get(where={"per": {"$contains": name}})
        assert hits["ids"] == ["08PARIS1616:1"]
    in_2009 = store.paragraphs.get(where={"$and": [{"date": {"$gte": date_number("2009-01-01")}}, {"date": {"$lte": date_number("2009-12-31")}}]})
    assert in_2009["ids"] == ["09PARIS1040:4"]
    assert store.paragraphs.get(where={"tags": {"$contains": "FR"}})["ids"]


def test_manifest_tracks_hash_and_record_ids_and_rewrite_drops_old_records(store_settings, embedder):
    store = store_settings.open_store()
    first = cable("08X1", "2008-01-01", [Paragraph("08X1", n, f"text {n}") for n in (1, 2, 3)])
    write(store, embedder, [first])
    manifest = store.manifest(["08X1", "08NOPE1"])
    assert list(manifest) == ["08X1"]
    assert manifest["08X1"] == (content_hash(first), ["08X1:1", "08X1:2", "08X1:3"])

    shorter = cable("08X1", "2008-01-01", [Paragraph("08X1", 1, "new text")])
    write(store, embedder, [shorter], old={"08X1": manifest["08X1"][1]})
    assert store.count() == (1, 1)
    assert store.get(["08X1:1"])[0].paragraph.text == "new text"


def test_the_store_searches_its_graph_widely_and_widens_an_older_store(store_settings):
    from core.store import EF_SEARCH, Store

    store = store_settings.open_store()
    assert store.paragraphs.configuration["hnsw"]["ef_search"] == EF_SEARCH > 100
    store.paragraphs.modify(configuration={"hnsw": {"ef_search": 100}})  # as Chroma's default made it
    reopened = Store(store.client, store_settings.collection)
    assert reopened.paragraphs.configuration["hnsw"]["ef_search"] == EF_SEARCH


def test_a_store_that_refuses_to_widen_its_search_is_still_opened(caplog):
    from types import SimpleNamespace

    from core.store import Store

    def refuse(**_):
        raise PermissionError("read-only")

    collection = SimpleNamespace(configuration={"hnsw": {"ef_search": 100}}, modify=refuse)
    client = SimpleNamespace(get_or_create_collection=lambda *a, **k: collection)
    assert Store(client, "cables").paragraphs is collection
    assert "could not widen" in caplog.text and "read-only" in caplog.text
    spann = SimpleNamespace(configuration={"hnsw": None, "spann": {}}, modify=refuse)  # another index kind
    assert Store(SimpleNamespace(get_or_create_collection=lambda *a, **k: spann), "cables").paragraphs is spann


def test_getting_no_ids_gets_no_paragraphs(store_settings):
    # A filter that leaves nothing to retrieve asks for no ids; Chroma itself refuses an empty list.
    assert store_settings.open_store().get([]) == []


def test_a_cables_header_is_stored_with_its_signer():
    from core.store import cable_metadata

    signed = Cable("06BUCHAREST576", "2006-03-01", "Embassy Bucharest", "UNCLASSIFIED", signature="TAUBMAN")
    assert cable_metadata(signed, "h")["signature"] == "TAUBMAN"
    assert "signature" not in cable_metadata(Cable("06BUCHAREST577", None, "", ""), "h")  # Chroma takes no empty values
