"""Entities: annotation clean-up, the offline NER model's labels, names merged within a cable."""


from types import SimpleNamespace

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
    # The cables' own abbreviated titles, and a handling marker run into the next line, are not part of a name.
    assert normalize_name(PER, "VFM Kim") == "Kim" and normalize_name(PER, "CODEL Engel") == "Engel"
    assert normalize_name(PER, "SIPDIS Patrick O'Brien") == "Patrick O'Brien"
    assert normalize_name(PER, "Department Deputy Director Sergiy Novosyolov") == "Sergiy Novosyolov"
    assert normalize_name(PER, "Gen VP Malik") == "VP Malik"  # Indian initials are not a title
    # Not people: a post and a page's furniture.
    for text in ["Embassy Tbilisi", "ConGen Lagos", "Classified Website", "Tags Prel"]:
        assert normalize_name(PER, text) is None, text


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


def test_a_country_the_model_took_for_a_person_is_a_place_and_an_acronym_no_one():
    class Span:
        def __init__(self, text, label):
            self.text, self.label_ = text, label

    class FakeNLP:  # the spaCy model tags "Mali" PERSON in some sentences; this one always does
        def pipe(self, texts, batch_size):
            return [SimpleNamespace(ents=[Span("Mali", "PERSON"), Span("Keita", "PERSON"), Span("MANPADS", "PERSON")])
                    for _ in texts]

    text = "Mali's president Keita met the Ambassador about MANPADS."
    cable = Cable("09X1", "2009-01-01", "Embassy Bamako", "UNCLASSIFIED", paragraphs=(Paragraph("09X1", 1, text),))
    (tagged,) = Recognizer(FakeNLP()).tag([cable])
    assert tagged.paragraphs[0].entities == (Entity(LOC, "Mali"), Entity(PER, "Keita"))


def test_cables_in_capitals_do_not_yield_common_words_as_names(recognizer):
    shared_corpus()
    path = RAW / "00HARARE6677.html"
    (cable,) = recognizer.tag([build_cable(read_cable_file(path, path.read_bytes()))])
    names = {e.name for p in cable.paragraphs for e in p.entities}
    assert {"Mugabe", "Tsvangirai", "Zimbabwe"} <= names
    # What the model tagged in these capitals before truecasing: ordinary words taken for names.
    assert not names & {"Bloodshed", "Demonstrators", "Vindictive", "Refrain", "Emphasized", "Upsides", "Land"}
    assert all(not n.isupper() or len(n) <= 4 for n in names), names
