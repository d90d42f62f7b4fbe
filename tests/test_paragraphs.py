import pytest

from ingest.paragraphs import ANCHOR, split_paragraphs


def numbers(text):
    return [p.number for p in split_paragraphs(text)[1]]


def test_anchor_out_of_sequence_is_text_not_a_paragraph():
    text = f"HEADER\n{ANCHOR}1. First.\n{ANCHOR}2. In {ANCHOR}1993 it began.\n{ANCHOR}3. Third."
    preamble, paragraphs = split_paragraphs(text)
    assert [p.number for p in paragraphs] == [1, 2, 3]
    assert "In 1993 it began." in paragraphs[1].text


def test_gaps_and_repeated_numbers_are_kept_as_printed():
    text = f"H\n{ANCHOR}1. a\n{ANCHOR}3. b\n{ANCHOR}4. c\n{ANCHOR}4. d\n{ANCHOR}6. e"
    assert numbers(text) == [1, 3, 4, 4, 6]


def test_plain_numbering_with_classification_marks():
    text = "TAGS: PGOV\n\n1.(C) Summary: one.\n\n2.(C) Two.\n\n3. (S/NF) Three.\n"
    assert numbers(text) == [1, 2, 3]


def test_numbered_list_inside_a_paragraph_is_not_a_paragraph():
    text = f"H\n{ANCHOR}1. Points:\n1. first point\n2. second point\n{ANCHOR}2. Next."
    preamble, paragraphs = split_paragraphs(text)
    assert [p.number for p in paragraphs] == [1, 2]
    assert "2. second point" in paragraphs[0].text


def test_mixed_plain_and_anchor_numbering():
    # 06ANKARA4688 prints 1. and 2. plainly, then anchors from 3 on.
    text = f"SUBJECT: X\n\n1.(C) One.\n\n2.(C) Two.\n\n{ANCHOR}3. (C/NF) Three."
    assert numbers(text) == [1, 2, 3]


def test_a_number_run_into_the_line_before_is_a_paragraph():
    # 07SANTIAGO983: the site anchored 3 and 5 but not the cable's own 4, printed after 3's last sentence.
    text = (f"SUBJECT: X\n\n{ANCHOR}3. (S/NF) It helps coordinate our response. 4. (S/NF) When we have"
            f" intelligence, we should share it.\n\n{ANCHOR}5. (SBU) We must engage.")
    preamble, paragraphs = split_paragraphs(text)
    assert [p.number for p in paragraphs] == [3, 4, 5]
    assert paragraphs[0].text == "(S/NF) It helps coordinate our response."
    assert paragraphs[1].text.startswith("(S/NF) When we have")


def test_a_first_paragraph_run_into_the_header_and_one_after_a_page_header():
    # 10VATICAN13 opens ¶1 on the "Classified by" line; 00HARARE6677 prints ¶11 after a page header.
    text = (f"CLASSIFIED BY: Julieta Valls Noyes, DCM. REASON: 1.4 (b), (d) 1. (C) Summary: The Holy See agrees."
            f"\n{ANCHOR}2. (C) More.\nPAGE 03 HARARE 06677 03 OF 03 291401Z 3. (C) COMMENT: FRANK.")
    preamble, paragraphs = split_paragraphs(text)
    assert [p.number for p in paragraphs] == [1, 2, 3]
    assert preamble.endswith("REASON: 1.4 (b), (d) ")
    assert paragraphs[0].text == "(C) Summary: The Holy See agrees."


def test_a_run_in_number_the_cable_prints_again_at_a_line_start_is_text():
    # 09CAPETOWN204 repeats ¶1 after a page break with "2. (U)" and "3. (U)" run into it; its own ¶2 follows.
    text = f"H\n{ANCHOR}1. (U) They met on Jan. 2. (U) Comment: none.\n{ANCHOR}2. (U) Real two.\n3. (U) Real three."
    preamble, paragraphs = split_paragraphs(text)
    assert [p.number for p in paragraphs] == [1, 2, 3]
    assert paragraphs[0].text == "(U) They met on Jan. 2. (U) Comment: none."
    assert paragraphs[1].text == "(U) Real two."


def test_a_number_inside_a_line_is_a_paragraph_only_where_it_continues_the_numbering():
    # 08ROME1406 repeats "1. (C) Summary." inside ¶1; a reference ("see para 3. (C)") follows a word.
    text = (f"H\n{ANCHOR}1. (C) Summary. 1. (C) Summary. Text; 5. (C) skipped ahead.\n"
            f"{ANCHOR}2. (C) As in para 3. (C) text.")
    assert numbers(text) == [1, 2]


def test_section_heading_belongs_to_the_next_paragraph():
    text = "H\n\u00b61. One ends here.\n\nCote d'Ivoire\n-------------\n\u00b62. Bigot said so.\n"
    _, paragraphs = split_paragraphs(text)
    assert "Cote d'Ivoire" not in paragraphs[0].text
    assert paragraphs[1].text.startswith("Cote d'Ivoire")


def test_a_heading_between_rules_the_cable_broke_belongs_to_the_next_paragraph():
    # 09CARACAS26 rules its headings with "--------------------------------------------- -".
    rule = "--------------------------------------------- - "
    text = f"H\n\u00b61. One ends here. \n\n{rule}\nBARRIERS TO A NUCLEAR PROGRAM \n{rule}\n\n\u00b62. The scientists argued.\n"
    _, paragraphs = split_paragraphs(text)
    assert paragraphs[0].text == "One ends here."
    assert paragraphs[1].text.startswith(rule.strip()) and "BARRIERS" in paragraphs[1].text
    # Some pages print the title and its rule on one line.
    text = "H\n\u00b61. One ends here.\n\nPALOCCI'S MESSAGE: CREDIT ------------- ------\n\u00b62. Palocci said so.\n"
    _, paragraphs = split_paragraphs(text)
    assert paragraphs[0].text == "One ends here." and paragraphs[1].text.startswith("PALOCCI'S MESSAGE")


def test_no_numbers_means_no_paragraphs():
    assert split_paragraphs("just a body of text") == ("just a body of text", [])


def test_a_heading_printed_right_after_the_text_belongs_to_the_next_paragraph():
    # 09BRUSSELS1580 prints "...for all.\nPOLITICAL PITFALLS IN REGIONAL TENSIONS\n-----\n¶6."
    text = ("H\n\u00b61. So it is closed once and for all.\nPOLITICAL PITFALLS IN REGIONAL TENSIONS\n"
            "--------------------------------------- \n\u00b62. With three regions.\n")
    _, paragraphs = split_paragraphs(text)
    assert paragraphs[0].text == "So it is closed once and for all."
    assert paragraphs[1].text.startswith("POLITICAL PITFALLS IN REGIONAL TENSIONS\n---")
    # 04AMMAN1288: a title in capitals after the mixed-case text, with no rule.
    text = "H\n\u00b61. Summary ends. END SUMMARY\nPRODUCTIVE MEETING IN KUWAIT\n\u00b62. Muasher said.\n\u00b63. More."
    _, paragraphs = split_paragraphs(text)
    assert paragraphs[0].text == "Summary ends. END SUMMARY"
    assert paragraphs[1].text.startswith("PRODUCTIVE MEETING IN KUWAIT\n\nMuasher said.")


def test_a_last_line_that_is_text_stays_in_its_paragraph():
    # A cable in capitals, a sentence wrapped onto a line in capitals, a list, a marker, a page header.
    for first in ("THE MINISTER SAID SO.\nTHE TALKS WENT WELL", "He said the talks had gone\nwell enough for now",
                  "He said so.\nthe talks went well", "The Ambassador met\nFM KOUCHNER",
                  "Participants included:\nAMBASSADOR JONES", "The text follows.\nEND TEXT"):
        text = f"H\n\u00b61. {first}\n\u00b62. Next.\n\u00b63. Last."
        _, paragraphs = split_paragraphs(text)
        assert paragraphs[0].text == first
        assert paragraphs[1].text == "Next."


def test_a_heading_ruled_above_and_below_moves_whole():
    rule = "- - - - - - - - - - - - -"
    text = f"H\n\u00b61. Short text.\n{rule}\nMAS Victory Seems Assured\n{rule}\n\u00b62. With the vote.\n"
    _, paragraphs = split_paragraphs(text)
    assert paragraphs[0].text == "Short text."
    assert paragraphs[1].text.startswith(f"{rule}\nMAS Victory Seems Assured\n{rule}\n\nWith the vote.")
    # The same after a blank line: the text line above is not part of the heading.
    text = f"H\n\u00b61. First.\n\nShort text.\nTITLE\n{rule}\n\u00b62. Two."
    _, paragraphs = split_paragraphs(text)
    assert paragraphs[0].text == "First.\n\nShort text." and paragraphs[1].text.startswith("TITLE")


RULE = "----------"


@pytest.mark.parametrize("preamble, first", [
    (f"TAGS: PGOV\nSUBJECT: ELECTIONS IN PERU\n{RULE}\n", ""),  # a header field is no title
    (f"TAGS: PGOV\nSUBJECT: ELECTIONS IN PERU: THE\nCANDIDATES LINE UP\n{RULE}\n", ""),  # wrapped, neither
    (f"TAGS: PGOV\n\n{RULE}\n\n{RULE}\n", ""),  # rules alone
    (f"TAGS: PGOV\n\n{RULE}\nSUMMARY\n{RULE}\n", f"{RULE}\nSUMMARY\n{RULE}"),  # a ruled title opens ¶1
])
def test_the_preamble_keeps_its_header_fields_and_gives_its_title_away(preamble, first):
    kept, paragraphs = split_paragraphs(f"{preamble}\u00b61. One.")
    assert paragraphs[0].text == (f"{first}\n\nOne." if first else "One.")
    assert kept.strip() == preamble.replace(first, "").strip()


def test_page_headers_and_two_headings_in_a_row_go_to_the_next_paragraph():
    # 06MANAGUA1002 ends ¶1 with a section's title and its first subsection's; 09ROME97 puts page headers there.
    rule = "- - - - - - - - - - - - -"
    text = (f"H\n\u00b61. Aleman.\n\nCRIMES OF DANIEL ORTEGA\n{rule}\n\n{rule}\nThe Murder of Jean-Paul Genie\n{rule}\n"
            "\u00b62. In October 1990.\n\u00b63. He agreed.\n\nRome 00000097 004 of 005\n\u00b64. Last.")
    _, paragraphs = split_paragraphs(text)
    assert paragraphs[0].text == "Aleman."
    heading, _, rest = paragraphs[1].text.rpartition("\n\n")
    assert heading.startswith("CRIMES OF DANIEL ORTEGA") and heading.endswith(f"The Murder of Jean-Paul Genie\n{rule}")
    assert rest == "In October 1990."
    assert paragraphs[2].text == "He agreed." and paragraphs[3].text.startswith("Rome 00000097 004 of 005")
    # A page break inside the last sentence: the page header is not the paragraph's text either.
    text = "H\n\u00b61. He agreed that the\nROME 00000097 004 OF 005\n\u00b62. Next.\n\u00b63. Last."
    _, paragraphs = split_paragraphs(text)
    assert paragraphs[0].text == "He agreed that the" and paragraphs[1].text.startswith("ROME 00000097 004 OF 005\n\nNext.")


def test_a_title_of_two_lines_and_the_rules_of_a_sentence():
    rule = "-------------"
    text = f"H\n\u00b61. First.\n\nLong Title That\nRuns On\n{rule}\n\u00b62. Two.\n\u00b63. Last."
    _, paragraphs = split_paragraphs(text)
    assert paragraphs[0].text == "First." and paragraphs[1].text.startswith(f"Long Title That\nRuns On\n{rule}")
    # A sentence's last line above a rule is the sentence's; the rule goes on.
    text = f"H\n\u00b61. The minister said the talks\nhad gone well.\n{rule}\n\u00b62. Two.\n\u00b63. Last."
    _, paragraphs = split_paragraphs(text)
    assert paragraphs[0].text == "The minister said the talks\nhad gone well." and paragraphs[1].text == f"{rule}\n\nTwo."
    text = f"H\n\u00b61. First.\n\nThe minister added that the\nEU would act.\n{rule}\n\u00b62. Two.\n\u00b63. Last."
    _, paragraphs = split_paragraphs(text)
    assert paragraphs[0].text.endswith("EU would act.")
