from qa.citations import (REFUSAL, Citation, check_citations, citation_spans, fill_placeholders, format_citations, is_refusal,
                          parse_citations, refusal_said)


def test_format_and_parse_round_trip():
    citations = [Citation("08PARIS1616", 4), Citation("09PARIS1040", 2)]
    text = f"France set no benchmarks {format_citations(citations)}."
    assert text == "France set no benchmarks (08PARIS1616 ¶4; 09PARIS1040 ¶2)."
    assert parse_citations(text) == citations


def test_parse_shorthand_and_variants():
    assert parse_citations("x (08PARIS1616 ¶4, ¶5) y (09PARIS1040 para 2)") == [
        Citation("08PARIS1616", 4), Citation("08PARIS1616", 5), Citation("09PARIS1040", 2),
    ]
    assert parse_citations("no citation here (see below)") == []


def test_citation_to_a_paragraph_not_given_is_removed_and_recorded():
    allowed = {Citation("08PARIS1616", 4)}
    text, kept, dropped = check_citations("A (08PARIS1616 ¶4, ¶9). B (07KABUL12 ¶1).", allowed)
    assert text == "A (08PARIS1616 ¶4). B."
    assert kept == [Citation("08PARIS1616", 4)]
    assert dropped == [Citation("08PARIS1616", 9), Citation("07KABUL12", 1)]


def test_refusal_is_one_sentence():
    assert REFUSAL.endswith(".") and REFUSAL.count(".") == 1


def test_the_refusal_is_known_in_the_model_s_rewordings_and_not_in_a_claim():
    for said in [REFUSAL, "The paragraphs available don\u2019t say.", "The cables provided do not answer the question."]:
        assert refusal_said(said + " France said no.") == said and is_refusal(said)
    assert not is_refusal("The cables say France declined.") and not is_refusal("The paragraphs show no answer was given.")
    assert not is_refusal("He said the texts do not specify a deadline.")
    # A refusal after something else is a refusal, but the reply does not open with it.
    assert is_refusal("Borg did not comment. The cables available don't say why.")
    assert refusal_said("Borg did not comment. The cables available don't say why.") is None


def test_citation_spans_point_at_each_citation_in_the_text():
    text = "A (08PARIS1616 ¶4, ¶5). B (09VALLETTA123 ¶3; 08PARIS1616 ¶14, 15)."
    spans = citation_spans(text)
    assert [(text[s:e], c) for s, e, c in spans] == [
        ("08PARIS1616 ¶4", Citation("08PARIS1616", 4)),
        ("¶5", Citation("08PARIS1616", 5)),
        ("09VALLETTA123 ¶3", Citation("09VALLETTA123", 3)),
        ("08PARIS1616 ¶14", Citation("08PARIS1616", 14)),
        ("15", Citation("08PARIS1616", 15)),
    ]


def test_a_citation_that_cannot_be_read_is_never_shown():
    text, kept, dropped = check_citations("They were executed. (CABLEID ¶2) (04BOGOTA8900 ¶2)", {Citation("04BOGOTA8900", 2)})
    assert text == "They were executed. (04BOGOTA8900 ¶2)" and kept == [Citation("04BOGOTA8900", 2)]


def test_the_prompt_s_placeholder_with_a_number_is_the_one_given_paragraph_of_that_number():
    given = [Citation("09VALLETTA123", 3), Citation("08PARIS1616", 4), Citation("09ZAGREB77", 4)]
    assert fill_placeholders("A fig leaf (CABLEID ¶3).", given) == "A fig leaf (09VALLETTA123 ¶3)."
    # Two given paragraphs are ¶4, none is ¶9: which was meant cannot be told, so it stays unreadable.
    assert fill_placeholders("Kosovo (CABLEID ¶4). Milosevic (cableid ¶9).", given) == "Kosovo (CABLEID ¶4). Milosevic (cableid ¶9)."
