"""Reading each supported format into a Cable: id, header fields, paragraphs as printed, clean text."""

from dataclasses import replace
from pathlib import Path

import pytest

from core.errors import UnreadableCable
from core.models import EntityType
from ingest.cable import build_cable
from ingest.readers import decode, read_cable_file, read_csv_rows, read_plain_cable
from tests.conftest import DATA, RAW, SAMPLE, shared_corpus


def read(path: Path):
    return build_cable(read_cable_file(path, path.read_bytes()))


def by_number(cable):
    return {p.record_id.split(":")[1]: p for p in cable.paragraphs}


def test_annotated_sample_header_and_text():
    cable = read(SAMPLE)
    assert cable.reference_id == "08PARIS1616"
    assert cable.date == "2008-08-21"
    assert any("ten years before" in note for note in cable.notes)
    assert cable.classification == "CONFIDENTIAL"
    assert cable.declassify_on == "2018-08-21"
    assert "PREL" in cable.tags and "GG" in cable.tags
    assert "OSCE MONITORS IN GEORGIA" in cable.subject
    assert cable.references == ("08STATE89769",)
    assert [p.number for p in cable.paragraphs] == [1, 2, 3, 4, 5, 6]
    four = by_number(cable)["4"]
    assert "Russia's retreat from Georgia, in the belief" in four.text
    assert "[" not in four.text and "<a" not in four.text
    assert "002 OF 002" not in four.text  # the page header in the middle of ¶4


def test_annotated_entities_are_cleaned_of_tagger_noise():
    cable = read(SAMPLE)
    names = {(e.type, e.name) for p in cable.paragraphs for e in p.entities}
    assert (EntityType.PER, "Galharague") in names  # from "[PER COMMENT: Galharague  ]" and others
    assert (EntityType.PER, "Boris Boillon") in names
    assert not any("Classified By" in name or "COMMENT" in name for _, name in names)
    assert not any(name.startswith("DECL") for _, name in names)
    assert (EntityType.LOC, "U.S.") in names
    # The post in the page header of ¶4 is furniture, not a mention of Paris.
    assert not any(e.name == "Paris" for e in by_number(cable)["4"].entities if e.type is EntityType.LOC)


def test_cablegate_page_with_tricky_numbering():
    cable = read(DATA / "09VALLETTA123-page.html")
    assert cable.reference_id == "09VALLETTA123"
    assert cable.date.startswith("2009-03-04")
    assert cable.origin == "Embassy Valletta"
    assert cable.classification == "CONFIDENTIAL"
    assert cable.tags == ("PREL", "MT")
    assert cable.subject == "MALTA: FOREIGN MINISTER BORG ON MIGRATION AND LIBYA"
    assert set(cable.references) == {"09VALLETTA99", "09STATE12345"}
    assert [p.record_id for p in cable.paragraphs] == [
        "09VALLETTA123:1", "09VALLETTA123:2", "09VALLETTA123:3", "09VALLETTA123:3~2", "09VALLETTA123:5",
    ]
    paragraphs = by_number(cable)
    assert "1,800 in 2007. He blamed" in paragraphs["2"].text  # the "¶2007" anchor is a year
    assert "Migration Numbers" not in paragraphs["2"].text
    assert paragraphs["3"].text.startswith("Migration Numbers")
    assert "002 OF 002" not in paragraphs["3"].text
    assert "Browse by tag" not in " ".join(p.text for p in cable.paragraphs)


def test_plain_text_cable_latin1_crlf():
    cable = read(DATA / "07REYKJAVIK42-plain.txt")
    assert cable.reference_id == "07REYKJAVIK42"
    assert cable.date.startswith("2007-02-14")
    assert cable.origin == "Embassy Reykjavik"
    assert cable.classification == "UNCLASSIFIED"
    assert "SENSITIVE" in cable.handling
    assert cable.tags == ("ENRG", "EINV", "IC")
    paragraphs = by_number(cable)
    # The unnumbered opening paragraph is kept as ¶0, not dropped and not taken for header.
    assert paragraphs["0"].text.startswith("The Embassy's energy officer")
    assert "café contract" in paragraphs["2"].text
    assert paragraphs["2"].text.startswith("Financing")
    assert "\r" not in paragraphs["1"].text and "\n" not in paragraphs["1"].text


def test_csv_rows_stream_into_cables_and_bad_rows_say_why():
    items = list(read_csv_rows(DATA / "cables-sample.csv"))
    cables = [build_cable(item) for item in items if not isinstance(item, UnreadableCable)]
    errors = [str(item) for item in items if isinstance(item, UnreadableCable)]
    assert [c.reference_id for c in cables] == ["09ZAGREB77", "08ZAGREB900"]
    assert cables[0].date.startswith("2009-03-05") and cables[0].origin == "Embassy Zagreb"
    assert [p.number for p in cables[0].paragraphs] == [1, 2]
    assert cables[1].paragraphs[0].number == 0 and any("no numbered paragraphs" in n for n in cables[1].notes)
    assert len(errors) == 1 and "content column is empty" in errors[0]


def test_decode_handles_boms_and_refuses_binary():
    assert decode("cable".encode("utf-16"), "x")[0] == "cable"
    assert decode(b"caf\xe9", "x") == ("café", "not UTF-8: read as Latin-1")
    with pytest.raises(UnreadableCable, match="binary"):
        decode(b"\x00\x01\x02garbage", "x")
    with pytest.raises(UnreadableCable, match="empty"):
        decode(b"  \n", "x")


def test_html_page_without_a_cable_is_refused_with_a_reason(tmp_path):
    page = tmp_path / "about.html"
    page.write_text("<html><body><h1>About</h1></body></html>")
    with pytest.raises(UnreadableCable, match="no cable in it"):
        read(page)


def test_every_shared_cable_parses_with_its_file_name_as_id():
    corpus = shared_corpus()
    files = sorted(p for p in corpus.iterdir() if p.suffix in (".html", ".txt"))
    assert len(files) == 330
    for path in files:
        cable = read(path)
        assert cable.reference_id == path.stem, path
        assert cable.paragraphs, path
        assert cable.date and cable.classification != "UNKNOWN", path


def test_out_of_sequence_anchors_in_real_cables():
    shared_corpus()
    numbers = [p.number for p in read(RAW / "09BEIRUT818.html").paragraphs]
    assert 30 not in numbers and numbers[:5] == [1, 2, 3, 4, 5]
    assert 2007 not in [p.number for p in read(RAW / "06PARIS7424.html").paragraphs]
    plain = [p.number for p in read(RAW / "08TRIPOLI220.html").paragraphs]
    assert plain[:3] == [1, 2, 3]


REPEATED_PAGE = """UNCLAS SECTION 01 OF 02 VALLETTA 000200
E.O. 12958: N/A
TAGS: PREL MT
SUBJECT: MALTA: A PAGE PRINTED TWICE

¶1. (U) The minister opened the meeting on migration.

¶2. (U) He said the patrols would resume in March with two
Italian vessels and asked

VALLETTA 00000200 002 OF 002

¶2. (U) He said the patrols would resume in March with two
Italian vessels and asked for a helicopter from Frontex.

¶3. (U) The minister asked about detention centres.

¶3. (U) He said the minister opened the patrols.
"""


def test_a_paragraph_printed_twice_is_stored_once_whole():
    """Cablegate pages repeat a page's paragraphs; the copy cut at the page's end goes, the whole one stays."""
    source = read_plain_cable(REPEATED_PAGE, "09VALLETTA200.txt")
    source = replace(source, date=source.date or "2009-03-04")
    cable = build_cable(source)
    paragraphs = {p.record_id: p.text for p in cable.paragraphs}
    assert list(paragraphs) == ["09VALLETTA200:1", "09VALLETTA200:2", "09VALLETTA200:3", "09VALLETTA200:3~2"]
    assert paragraphs["09VALLETTA200:2"].endswith("for a helicopter from Frontex.")
    assert any("¶2" in note and "twice" in note for note in cable.notes)
    # The second ¶3 is another paragraph the cable numbered alike, though its words all stand elsewhere.
    assert paragraphs["09VALLETTA200:3~2"].endswith("He said the minister opened the patrols.")


def test_pages_printed_twice_in_real_cables():
    shared_corpus()
    brussels = read(RAW / "09BRUSSELS1580.html")
    assert [p.record_id.split(":")[1] for p in brussels.paragraphs] == [str(n) for n in range(1, 11)]
    assert "De Gucht" in by_number(brussels)["7"].text  # the whole ¶7, not the copy cut at the page's end
    capetown = by_number(read(RAW / "09CAPETOWN204.html"))
    assert "Zuma" not in capetown["1"].text and "Zuma" in capetown["2"].text  # not the copy ¶2-¶4 ran into


SIGNED = """UNCLAS VALLETTA 000201
E.O. 12958: N/A
TAGS: PREL MT
SUBJECT: MALTA: A SIGNED CABLE

¶1. (U) The minister opened the meeting on migration.

¶2. (U) He asked for a helicopter from Frontex. End comment.

{ending}
"""


@pytest.mark.parametrize("ending, signer, last", [
    ("PARDEW PARDEW", "PARDEW", "(U) He asked for a helicopter from Frontex. End comment."),
    ("VAN VOORST", "VAN VOORST", "(U) He asked for a helicopter from Frontex. End comment."),
    ("END COMMENT", "", "(U) He asked for a helicopter from Frontex. End comment.\n\nEND COMMENT"),
    ("XXXXXXXXXXXX", "", "(U) He asked for a helicopter from Frontex. End comment.\n\nXXXXXXXXXXXX"),
    ("BT", "", "(U) He asked for a helicopter from Frontex. End comment.\n\nBT"),
    # The closing classification line is page furniture: neither a signer nor text.
    ("CONFIDENTIAL", "", "(U) He asked for a helicopter from Frontex. End comment."),
    ("McMullen", "MCMULLEN", "(U) He asked for a helicopter from Frontex. End comment."),
    ("Thompson-Jones.", "THOMPSON-JONES", "(U) He asked for a helicopter from Frontex. End comment."),
])
def test_the_signers_name_is_the_cables_not_its_last_paragraphs(ending, signer, last):
    source = replace(read_plain_cable(SIGNED.format(ending=ending), "09VALLETTA201.txt"), date="2009-03-05")
    cable = build_cable(source)
    assert cable.signature == signer
    assert cable.paragraphs[-1].text == last


POINTER = "Visit Valletta's Classified Website: http://www.state.sgov.gov/p/eur/valletta"


@pytest.mark.parametrize("ending, signer", [
    (f"{POINTER}\n\nCELLUCCI", "CELLUCCI"),
    (f"{POINTER} index. cfm Tuttle", "TUTTLE"),
    (f"{POINTER}/\n\njones", "JONES"),
    (f"{POINTER}\n\nEND TEXT", ""),
    (f"{POINTER}\n\nXXXXXXXXXXXX", ""),
    (f"{POINTER}\n\nThe Ambassador will travel to Paris.", ""),  # a sentence, not a signer
    (f"{POINTER[:-3]}\nlta", ""),  # the address cut by a line break
])
def test_the_signer_after_the_post_s_website_pointer_is_the_cables(ending, signer):
    source = replace(read_plain_cable(SIGNED.format(ending=ending), "09VALLETTA201.txt"), date="2009-03-05")
    cable = build_cable(source)
    assert cable.signature == signer
    last = cable.paragraphs[-1].text
    assert POINTER[:-3] in last and (signer not in last.upper() if signer else last.endswith(ending.split()[-1]))


def test_real_cables_signatures():
    shared_corpus()
    cable = read(RAW / "06BUCHAREST576.html")
    assert cable.signature == "TAUBMAN" and cable.paragraphs[-1].text.endswith("End comment.")
    ankara = read(RAW / "06ANKARA4688.html")  # after the embassy's classified web site's address
    assert ankara.signature == "WILSON" and "WILSON" not in ankara.paragraphs[-1].text
    buenos_aires = read(RAW / "06BUENOSAIRES1594.html")  # "End Comment  GUTIERREZ"
    assert buenos_aires.signature == "GUTIERREZ"
    paris = read(SAMPLE)  # "... withdrawn. Please visit Paris' Classified Website at: http://...Portal:Fran ce PEKALA"
    assert paris.signature == "PEKALA" and paris.paragraphs[-1].text.endswith("Portal:Fran ce")
    kuwait = read(RAW / "08KUWAIT560.html")  # "For more reporting from Embassy Kuwait, visit: ... \n\njones"
    assert kuwait.signature == "JONES" and kuwait.paragraphs[-1].text.endswith("/p/nea/kuwait/")
