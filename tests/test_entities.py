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
    text = "Mali's president Keita met the Ambassador about MANPADS."
    nlp = FakeNLP([("Mali", "PERSON"), ("Keita", "PERSON"), ("MANPADS", "PERSON")])
    cable = Cable("09X1", "2009-01-01", "Embassy Bamako", "UNCLASSIFIED", paragraphs=(Paragraph("09X1", 1, text),))
    (tagged,) = Recognizer(nlp).tag([cable])
    assert tagged.paragraphs[0].entities == (Entity(LOC, "Mali"), Entity(PER, "Keita"))


class FakeNLP:
    """Tags the given words, wherever they stand, with the given labels, as the spaCy model sometimes does."""

    def __init__(self, tags):
        self.tags = tags

    def pipe(self, texts, batch_size):
        return [SimpleNamespace(text=text, ents=[self._span(text, w, label) for w, label in self.tags if w in text])
                for text in texts]

    @staticmethod
    def _span(text, word, label):
        return SimpleNamespace(text=word, label_=label, end_char=text.index(word) + len(word))


def test_a_country_tagged_as_an_organisation_is_a_place_and_an_office_s_word_no_organisation():
    text = ("Justice Minister Beliz told Azerbaijan's envoy that the Ministry of Justice and Tajikistan agree; "
            "UN Secretary General Ban, EU officials, the Army chief and the Hamas leader did not.")
    nlp = FakeNLP([("Justice", "ORG"), ("Azerbaijan", "ORG"), ("Ministry of Justice", "ORG"), ("Tajikistan", "NORP"),
                   ("UN", "ORG"), ("EU", "ORG"), ("Army", "ORG"), ("Hamas", "ORG")])
    cable = Cable("09X1", "2009-01-01", "Embassy Baku", "UNCLASSIFIED", paragraphs=(Paragraph("09X1", 1, text),))
    (tagged,) = Recognizer(nlp).tag([cable])
    assert tagged.paragraphs[0].entities == (Entity(LOC, "Azerbaijan"), Entity(ORG, "Ministry of Justice"),
                                             Entity(LOC, "Tajikistan"), Entity(ORG, "UN"), Entity(ORG, "EU"),
                                             Entity(ORG, "Army"), Entity(ORG, "Hamas"))


def test_cables_in_capitals_do_not_yield_common_words_as_names(recognizer):
    shared_corpus()
    path = RAW / "00HARARE6677.html"
    (cable,) = recognizer.tag([build_cable(read_cable_file(path, path.read_bytes()))])
    names = {e.name for p in cable.paragraphs for e in p.entities}
    assert {"Mugabe", "Tsvangirai", "Zimbabwe"} <= names
    # What the model tagged in these capitals before truecasing: ordinary words taken for names.
    assert not names & {"Bloodshed", "Demonstrators", "Vindictive", "Refrain", "Emphasized", "Upsides", "Land"}
    assert all(not n.isupper() or len(n) <= 4 for n in names), names
