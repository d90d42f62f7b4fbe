"""Entities: annotation clean-up, the offline NER model's labels, names merged within a cable."""


import pytest

from core.models import Cable, Entity, EntityType, Paragraph
from ingest.cable import build_cable
from ingest.entities import Recognizer, clean_annotation, merge_names, normalize_name
from ingest.readers import read_cable_file
from tests.conftest import RAW, shared_corpus

PER, ORG, LOC, MISC = EntityType.PER, EntityType.ORG, EntityType.LOC, EntityType.MISC


@pytest.fixture(scope="module")
def recognizer():
    return Recognizer()


def test_clean_annotation():
    assert clean_annotation("PER", "COMMENT: Galharague") == Entity(PER, "Galharague")
    assert clean_annotation("ORG", "Classified By: Political Minister-Counselor Kathleen Allegrone") is None
    assert clean_annotation("LOC", "DECL:") is None
    assert clean_annotation("LOC", "U.S.") == Entity(LOC, "U.S.")


def test_names_are_written_one_way():
    assert normalize_name(PER, "President Sarkozy's") == "Sarkozy"
    assert normalize_name(PER, "FM Bernard Kouchner") == "Bernard Kouchner"
    assert normalize_name(LOC, "PARIS") == "Paris"
    assert normalize_name(ORG, "OSCE") == "OSCE"
    assert normalize_name(ORG, "MINISTRY OF FOREIGN AFFAIRS", shouting=True) == "Ministry of Foreign Affairs"
    assert normalize_name(ORG, "XXXXXXXXXXXX") is None
    assert normalize_name(ORG, "SBU") is None


def test_short_names_merge_with_the_full_name_in_the_same_cable():
    paragraphs = [
        Paragraph("X", 1, "t", (Entity(PER, "Roland Galharague"), Entity(PER, "Boris Boillon"))),
        Paragraph("X", 2, "t", (Entity(PER, "Galharague"), Entity(PER, "Boillon"), Entity(PER, "Kouchner"))),
    ]
    merged = merge_names(paragraphs)
    assert merged[1].entities == (Entity(PER, "Roland Galharague"), Entity(PER, "Boris Boillon"), Entity(PER, "Kouchner"))


def test_spacy_labels_map_to_four_types(recognizer):
    text = "Foreign Minister Bernard Kouchner told NATO in Brussels that French troops would stay in Afghanistan."
    cable = Cable("09X1", "2009-01-01", "Embassy Paris", "UNCLASSIFIED", paragraphs=(Paragraph("09X1", 1, text),))
    (tagged,) = recognizer.tag([cable])
    found = set(tagged.paragraphs[0].entities)
    assert Entity(PER, "Bernard Kouchner") in found
    assert Entity(ORG, "NATO") in found
    assert Entity(LOC, "Brussels") in found
    assert Entity(MISC, "French") in found
    assert all(e.type in (PER, ORG, LOC, MISC) for e in found)


def test_cables_in_capitals_do_not_yield_common_words_as_names(recognizer):
    shared_corpus()
    path = RAW / "00HARARE6677.html"
    (cable,) = recognizer.tag([build_cable(read_cable_file(path, path.read_bytes()))])
    names = {e.name for p in cable.paragraphs for e in p.entities}
    assert {"Mugabe", "Tsvangirai", "Zimbabwe"} <= names
    # What the model tagged in these capitals before truecasing: ordinary words taken for names.
    assert not names & {"Bloodshed", "Demonstrators", "Vindictive", "Refrain", "Emphasized", "Upsides", "Land"}
    assert all(not n.isupper() or len(n) <= 4 for n in names), names
