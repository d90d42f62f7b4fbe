from ingest.text import detokenize, drop_page_furniture, is_shouting, unwrap


def test_detokenize_rejoins_punctuation_and_apostrophes():
    assert detokenize("Russia 's retreat , and ( C ) \" one-off \" .") == 'Russia\'s retreat, and (C) "one-off".'
    assert detokenize("the same 1990 , s agreements") == "the same 1990's agreements"
    assert detokenize("noted that , s obviously a mandate Georgia can , t fulfill now") == (
        "noted that's obviously a mandate Georgia can't fulfill now"
    )


def test_unwrap_joins_wrapped_lines_but_keeps_blocks_and_bullets():
    text = "Bigot thought elections were\nstill possible.\n\n--  Niger:  He feared\nthe worst.\n-- Guinea: hopeless."
    assert unwrap(text) == "Bigot thought elections were still possible.\n\n-- Niger: He feared the worst.\n-- Guinea: hopeless."


def test_page_furniture_is_dropped_even_mid_sentence():
    text = "a strengthened OSCE PARIS 00001616 002 OF 002 monitoring mission"
    assert drop_page_furniture(text, "PARIS", "1616") == "a strengthened OSCE monitoring mission"
    section = "end of page\nC O N F I D E N T I A L SECTION 02 OF 03 PARIS 001040\nnext page"
    assert "SECTION" not in drop_page_furniture(section, "PARIS", "1040")
    cut = "the rate. KUALA LUMP 00001403 002 OF 003 Total investment"
    assert drop_page_furniture(cut, "KUALA LUMPUR", "1403") == "the rate. Total investment"
    assert drop_page_furniture("it. Kiev 00001261 002 of 004 He", "KIEV", "1261") == "it. He"


def test_teletype_page_headers_go_whole_and_the_sentence_they_cut_joins_again():
    # 00HARARE6677 ends a page with its classification on a line of its own; 07PARIS2440 routes its pages.
    harare = "TOOK THIS POINT ON BOARD.\n CONFIDENTIAL\nPAGE 03 HARARE 06677 03 OF 03 291401Z 11. (C) COMMENT"
    assert drop_page_furniture(harare, "HARARE", "6677") == "TOOK THIS POINT ON BOARD.\n 11. (C) COMMENT"
    paris = "FRENCH DAS-EQUIVALENT FOR THE \nPAGE 02 RUEHFRA2440 C O N F I D E N T I A L PARIS 002440 \nPERSIAN GULF"
    assert unwrap(drop_page_furniture(paris, "PARIS", "2440")) == "FRENCH DAS-EQUIVALENT FOR THE PERSIAN GULF"
    # 07BEIJING1840: a page header on a line of its own inside a sentence no longer breaks it in two.
    beijing = "rolled off numerous\nBEIJING 00001840 002 OF 004\nZhejiang provincial economic data."
    assert unwrap(drop_page_furniture(beijing, "BEIJING", "1840")) == "rolled off numerous Zhejiang provincial economic data."
    ending = "MINISTERS--ESSENTIALLY, A  CONFIDENTIAL\nPAGE 04 HARARE 06677 01 OF 03 291400Z\nCOALITION GOVERNMENT."
    assert unwrap(drop_page_furniture(ending, "HARARE", "6677")) == "MINISTERS--ESSENTIALLY, A COALITION GOVERNMENT."
    # The cable's own classification line is not a page header, and a secret in the text stays.
    assert drop_page_furniture("C O N F I D E N T I A L PARIS 001616\n", "PARIS", "1616") == "C O N F I D E N T I A L PARIS 001616\n"
    assert drop_page_furniture("a secret PARIS 00001616 002 OF 002 deal", "PARIS", "1616") == "a secret deal"


def test_shouting():
    assert is_shouting("THE AMBASSADOR MET PRESIDENT MUGABE ON TUESDAY")
    assert not is_shouting("The Ambassador met President Mugabe on Tuesday in HARARE")


def test_unwrap_drops_a_headings_rules_above_below_and_beside_it():
    # 08TUNIS679's ¶1 opens with its heading; 10LUXEMBOURG5 breaks its rules ("----- -").
    assert unwrap("-------\nSummary\n-------\n\n(S) According to") == "Summary\n\n(S) According to"
    assert unwrap("--------------------------------------------- - \nNOT SO SURE\n--- -\n(SBU) In a") == "NOT SO SURE\n\n(SBU) In a"
    assert unwrap("PALOCCI'S MESSAGE: CREDIT ------------- ------\nPalocci") == "PALOCCI'S MESSAGE: CREDIT\n\nPalocci"
    # 07SANTIAGO983 frames its titles.
    assert unwrap("------- Summary -------\n(SBU) Chile") == "Summary\n\n(SBU) Chile"
    # Dashes inside the text are the text's own.
    assert unwrap("a pause -- and then\n-- a bullet\nfigures: 3 --- 4") == "a pause -- and then\n-- a bullet figures: 3 --- 4"
    # 10DOHA71 closes an aside with a dash at a line's end.
    assert unwrap("-- the court, imams, and Revolutionary Guards --- \nall must stick with him") == (
        "-- the court, imams, and Revolutionary Guards --- all must stick with him"
    )
