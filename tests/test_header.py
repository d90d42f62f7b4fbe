"""Header-field parsing: cablemap's own expectations as the acceptance bar, plus real header snippets."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from ingest.header import (
    canonicalize_id,
    make_reference_id,
    parse_nondisclosure_deadline,
    parse_references,
    parse_subject,
    parse_summary,
    parse_tags,
)

CASES_PATH = Path(__file__).resolve().parents[1].parent / "shared" / "peer" / "cablemap" / "cases.json"
FIELDS = ("reference_id", "tags", "subject", "references", "nondisclosure_deadline", "summary")
REQUIRED_PASS_RATE = 0.95


@pytest.fixture(scope="module")
def cablemap_cases() -> list[dict]:
    if not CASES_PATH.is_file():
        pytest.skip(f"cablemap's expectations are not at {CASES_PATH}; put the shared folder next to the project")
    return json.loads(CASES_PATH.read_text(encoding="utf-8"))["cases"]


def _cable_text_from_page(page: str) -> str:
    """The cable body of a Cablegate HTML page, as the ingest readers hand it to the header parsers."""
    body = re.findall(r"<code><pre>(.+?)</pre></code>", page, re.S)[-1]
    return html.unescape(re.sub(r"<[^>]+>", "", body.replace("&#x000A;", "\n")))


def _parse(case: dict) -> object:
    text, params = case["input"], case.get("params", {})
    if case.get("input_kind") == "wikileaks_cable_html_page":
        text = _cable_text_from_page(text)
    field = case["field"]
    if field == "reference_id":
        return canonicalize_id(text)
    if field == "tags":
        # The one case with params {"canonicalize": False} wants tags as written; parse_tags always
        # canonicalizes, so that case counts as a failure.
        return parse_tags(text)
    if field == "subject":
        return parse_subject(text, clean=params.get("clean", True))
    if field == "references":
        return parse_references(text, params.get("year"), params.get("reference_id"))
    if field == "nondisclosure_deadline":
        return parse_nondisclosure_deadline(text)
    return parse_summary(text)


@pytest.mark.parametrize("field", FIELDS)
def test_meets_cablemaps_expectations(field: str, cablemap_cases: list[dict]) -> None:
    cases = [c for c in cablemap_cases if c["field"] == field]
    failed = [c for c in cases if _parse(c) != c["expected"]]
    head = [c for c in cases if c["cablemap_head_passes"]]
    head_failed = [c for c in failed if c["cablemap_head_passes"]]
    rate_all = 1 - len(failed) / len(cases)
    rate_head = 1 - len(head_failed) / len(head)
    print(
        f"\n{field:>22}: {len(cases) - len(failed)}/{len(cases)} = {rate_all:.1%} of all cases, "
        f"{len(head) - len(head_failed)}/{len(head)} = {rate_head:.1%} of the cases cablemap passes"
    )
    examples = "\n".join(
        f"  {c['origin']}: {c['input'][:120]!r}\n    got {_parse(c)!r}\n    expected {c['expected']!r}"
        for c in head_failed[:5]
    )
    assert rate_head >= REQUIRED_PASS_RATE, f"{field} passes {rate_head:.1%} of cablemap's cases:\n{examples}"


# 05PARIS1306: "TAGS" without a colon and a subject wrapped onto a second line.
PARIS_2005 = """C O N F I D E N T I A L PARIS 001306 

SIPDIS 

EO 12958 DECL: 02/28/2015 
TAGS PREL, FR, PINT 
SUBJECT: SARKOZY WATCH: FORMER FOREIGN MINISTER DE CHARETTE 
EXTENDS UMP HAND OF FRIENDSHIP AND COOPERATION TO U.S.

Classified By: Ambassador Howard Leach, for reasons 1.5 (b) and (d)

1. (C) Summary: In a remarkable initiative, the new head of international relations of the governing UMP party"""

# 09PARIS1040 as stored in plain text: Latin-1, CRLF, the paragraph mark as byte 0xB6.
PARIS_2009 = (
    b"CONFIDENTIAL SECTION 01 OF 03 PARIS 001040 \r\n \r\nSIPDIS \r\n \r\n"
    b"E.O. 12958: DECL: 07/31/2019 \r\nTAGS: PREL XY IV NG GV CM MR FR\r\n"
    b"SUBJECT: WEST AFRICA:  FRENCH MFA OFFICIAL'S JULY 30 \r\nCOMMENTS \r\n \r\n"
    b"REF: PARIS 997 \r\n \r\n"
    b"Classified By: Kathleen Allegrone, Political Minister-Counselor, 1.4 (b \r\n/d). \r\n \r\n"
    b"\xb61.  (C)  SUMMARY:  MFA AF Deputy DAS-equivalent Laurent Bigot \r\n"
).decode("latin-1")


def test_tags_without_colon() -> None:
    assert parse_tags(PARIS_2005) == ["PREL", "FR", "PINT"]


def test_subject_wrapped_onto_two_lines() -> None:
    assert parse_subject(PARIS_2005) == (
        "SARKOZY WATCH: FORMER FOREIGN MINISTER DE CHARETTE EXTENDS UMP HAND OF FRIENDSHIP AND COOPERATION TO U.S."
    )


def test_plain_text_cable_header() -> None:
    assert parse_tags(PARIS_2009) == ["PREL", "XY", "IV", "NG", "GV", "CM", "MR", "FR"]
    assert parse_subject(PARIS_2009) == "WEST AFRICA: FRENCH MFA OFFICIAL'S JULY 30 COMMENTS"
    assert parse_nondisclosure_deadline(PARIS_2009) == "2019-07-31"


def test_reference_without_year_is_from_the_citing_cables_year() -> None:
    assert parse_references(PARIS_2009, 2009, "09PARIS1040") == ["09PARIS997"]
    assert parse_references(PARIS_2009, reference_id="09PARIS1040") == ["09PARIS997"]
    assert parse_references(PARIS_2009) == []


def test_page_header_inside_references_is_not_cited() -> None:
    # 06BAKU1835: the page header names the citing cable itself.
    text = (
        "REF: A. BAKU 1761 \n \n     B. BAKU 1819 \n     C. BAKU 1700 \n \n"
        "BAKU 00001835  001.2 OF 003 \n \n \nClassified By: Charge Jason P. Hyland"
    )
    assert parse_references(text, 2006) == ["06BAKU1761", "06BAKU1819", "06BAKU1700"]


def test_ref_inside_a_subject_means_regarding() -> None:
    # 08RIYADH1134
    text = (
        "TAGS: MNUC PGOV PREL SA TRGY KNNP IR\nSUBJECT: SAUDIS ON IRAN REF UPCOMING NAM FM MEETING \n \n"
        "REF: A. SECSTATE 74879 \n     B. RIYADH 43 \n"
        "Classified By: Charge' d'Affaires Michael Gfoeller for \nreasons 1.4 (b) and (d) \n"
    )
    assert parse_subject(text) == "SAUDIS ON IRAN REF UPCOMING NAM FM MEETING"
    assert parse_references(text, 2008, "08RIYADH1134") == ["08STATE74879", "08RIYADH43"]


def test_header_run_together_on_one_line() -> None:
    # The annotated 08PARIS1616 once its entity brackets and links are stripped.
    text = (
        "C O N F I D E N T I A L SECTION 01 OF 02 PARIS 001616 SIPDIS E.O. 12958: DECL:   08/21/2018 "
        "TAGS: PREL PBTS PHUM MOPS OSCE UNSC FR GG RU RS UN SUBJECT: TFGG01: FRENCH VIEW OSCE MONITORS "
        "IN GEORGIA AS EMERGENCY STEP ONLY REF: STATE 89769 Classified By: Political Minister-Counselor "
        "Kathleen Allegrone for reas ons 1.4 ( B & D ) . 1 . \n( C ) SUMMARY: On August 21 , French Elysee "
        "Advisor Boris Boillon and MFA A/S for Eurasia Roland Galharague welcomed reftel demarche . \nEND SUMMARY."
    )
    assert parse_subject(text) == "TFGG01: FRENCH VIEW OSCE MONITORS IN GEORGIA AS EMERGENCY STEP ONLY"
    assert parse_tags(text) == ["PREL", "PBTS", "PHUM", "MOPS", "OSCE", "UNSC", "FR", "GG", "RU", "RS", "UN"]
    assert parse_references(text, 2008, "08PARIS1616") == ["08STATE89769"]
    assert parse_nondisclosure_deadline(text) == "2018-08-21"
    assert parse_summary(text).startswith("On August 21 , French Elysee Advisor")


def test_summary_skips_a_page_break() -> None:
    # 07PARIS2440: a page header landed in the middle of the summary.
    text = (
        "1. (C) SUMMARY: FRANCK GELLET, FRENCH DAS-EQUIVALENT FOR THE \n"
        "PAGE 02 RUEHFRA2440 C O N F I D E N T I A L PARIS 002440 \n"
        "PERSIAN GULF, SHARED HIS VIEWS ON IRAN AND IRAQ ON JUNE 7. \n"
        "GELLET ASSESSED THAT THE IRANIANS ARE OVERCONFIDENT AND \n"
        "VULNERABLE TO A BAN ON INTERNATIONAL AIR TRAVEL.  HIS \n"
        "ASSESSMENT OF IRAQ WAS NOTABLY BLEAK.  END SUMMARY. \n \n2. (C) OVER LUNCH JUNE 7"
    )
    assert parse_summary(text) == (
        "FRANCK GELLET, FRENCH DAS-EQUIVALENT FOR THE\n"
        "PERSIAN GULF, SHARED HIS VIEWS ON IRAN AND IRAQ ON JUNE 7.\n"
        "GELLET ASSESSED THAT THE IRANIANS ARE OVERCONFIDENT AND\n"
        "VULNERABLE TO A BAN ON INTERNATIONAL AIR TRAVEL. HIS\n"
        "ASSESSMENT OF IRAQ WAS NOTABLY BLEAK."
    )


def test_cable_without_subject_or_summary() -> None:
    # 10STATE284: no SUBJECT line, and "the subject of close cooperation" in the body is no subject.
    text = (
        "C O N F I D E N T I A L SECTION 01 OF 02 STATE 000284 SIPDIS E.O. 12958: DECL: 01/04/2020 "
        "TAGS: MASS MARR MCAP MOPS PARM PGOV\n\n1.(U) This is an action request; see para 5.\n\n"
        "4.(C) The timing of inaugural talks will be the subject of close cooperation with Post, NEA, DOD and the NSC."
    )
    assert parse_subject(text) == ""
    assert parse_summary(text) is None
    assert parse_tags(text) == ["MASS", "MARR", "MCAP", "MOPS", "PARM", "PGOV"]


def test_declassification_date() -> None:
    assert parse_nondisclosure_deadline("E.O. 12958: DECL: 6/7/2017 \nTAGS: PREL FR IR IZ PGOV") == "2017-06-07"
    assert parse_nondisclosure_deadline("EO 12958 DECL: 02/28/2015") == "2015-02-28"
    assert parse_nondisclosure_deadline("E.O. 12958: N/A \nTAGS: PREL") is None
    assert parse_nondisclosure_deadline("E.O. 12958: DECL: 13/45/2010") is None


def test_reference_ids() -> None:
    assert canonicalize_id("08PARIS1616") == "08PARIS1616"
    assert canonicalize_id("09 PARIS 001040") == "09PARIS1040"
    assert canonicalize_id("05RIO123") == "05RIODEJANEIRO123"
    assert canonicalize_id("09SECTION01OF03SANJOSE525") == "09SANJOSE525"
    assert make_reference_id(2008, "PARIS", "001616") == "08PARIS1616"
    assert make_reference_id(2006, "NEW DELHI", "005135") == "06NEWDELHI5135"
    assert make_reference_id(2009, "USUN NEW YORK", "0827") == "09USUNNEWYORK827"
    with pytest.raises(ValueError, match="serial"):
        make_reference_id(2008, "PARIS", "XX")
