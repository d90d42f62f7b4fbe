"""What the page shows: escaped text, citation links to the evidence, entity highlights, chips, the export,
and the filters read from the controls."""

import re

import pytest

from core.models import Entity, EntityType, Paragraph
from core.store import StoredParagraph
from qa.answer import Answer
from qa.citations import REFUSAL, Citation
from qa.filters import Filters, parse_entity
from qa.retrieve import Hit
from qa.filters import read_filters
from web.conversation import Conversation
from web.export import conversation_markdown
from web.page import active_filters
from web.render import answer_markdown, chat_messages, escape_markdown, evidence_html, filter_chips, highlight_entities

GALHARAGUE = Entity(EntityType.PER, "Roland Galharague")
OSCE = Entity(EntityType.ORG, "OSCE")
HOSTILE = "<script>alert(1)</script> and <img src=x onerror=alert(2)>"


def hit(cable="08PARIS1616", number=4, text="Galharague welcomed the OSCE monitors.", entities=(GALHARAGUE, OSCE)):
    paragraph = Paragraph(cable, number, text, tuple(entities))
    return Hit(StoredParagraph(paragraph, "2008-08-21", "Embassy Paris", "CONFIDENTIAL", ("PREL",)), 1.0)


def test_markdown_escaping_shows_markup_and_markdown_as_typed():
    shown = escape_markdown(HOSTILE + " *bold* [link](http://x) $$x$$")
    assert "<" not in shown and ">" not in shown
    assert "&lt;script&gt;" in shown and "&lt;img src=x onerror=alert\\(2\\)&gt;" in shown
    assert "\\*bold\\*" in shown and "\\[link\\]\\(http\\://x\\)" in shown  # no emphasis, link or autolink


def test_citations_become_links_to_their_paragraph_in_the_evidence_panel():
    text = "He welcomed them. (08PARIS1616 ¶4; 09VALLETTA123 ¶3) <b>Then</b> (08PARIS1616 ¶14)"
    citations = [Citation("08PARIS1616", 4), Citation("09VALLETTA123", 3), Citation("08PARIS1616", 14)]
    shown = answer_markdown(text, citations, turn=2)
    assert "[08PARIS1616 ¶4](#p-2-08PARIS1616-4)" in shown
    assert "[09VALLETTA123 ¶3](#p-2-09VALLETTA123-3)" in shown
    assert "[08PARIS1616 ¶14](#p-2-08PARIS1616-14)" in shown  # ¶14 is not mistaken for ¶1 or ¶4
    assert "&lt;b&gt;Then&lt;/b&gt;" in shown
    # A citation the answer does not hold (dropped by the check) is never linked.
    assert "#p-" not in answer_markdown("Text (08PARIS1616 ¶9)", [], turn=1)


def test_entities_are_highlighted_by_type_and_every_name_is_escaped():
    evil = Entity(EntityType.MISC, '<img src=x onerror="alert(1)">')
    shown = highlight_entities('Galharague and Roland Galharague met <img src=x onerror="alert(1)"> at the OSCE.', [GALHARAGUE, OSCE, evil])
    assert shown.count('class="ent ent-per"') == 2  # the surname alone is the same person
    assert 'class="ent ent-org" data-entity="ORG:OSCE"' in shown
    assert 'data-entity="MISC:&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"' in shown
    assert "<img" not in shown


def test_evidence_panel_shows_cited_paragraphs_with_their_header_and_related_ones_apart():
    cited = Answer("What did Galharague say?", "What did Galharague say?", (hit(),), "Quote. (08PARIS1616 ¶4)",
                   citations=(Citation("08PARIS1616", 4),))
    refused = Answer("And about Mars?", "And about Mars? — about Galharague — in 08PARIS1616", (hit(number=5, text=HOSTILE, entities=()),),
                     REFUSAL, abstained=True)
    conversation = Conversation().add(cited, Filters()).add(refused, Filters(entities=(parse_entity("PER:Galharague"),)))
    shown = evidence_html(conversation, {"08PARIS1616": {"subject": "FRENCH VIEW <b>OSCE</b> MONITORS", "signature": "STAPLETON"}})
    assert 'id="p-1-08PARIS1616-4"' in shown and "08PARIS1616 ¶4" in shown
    assert "2008-08-21 · Embassy Paris · CONFIDENTIAL · signed STAPLETON" in shown and "FRENCH VIEW &lt;b&gt;OSCE&lt;/b&gt; MONITORS" in shown
    assert 'class="para related" id="p-2-08PARIS1616-5"' in shown and "not citations" in shown
    assert "Searched for</dt><dd>And about Mars? — about Galharague — in 08PARIS1616" in shown
    assert "Filters</dt><dd>PER · Galharague" in shown
    assert "<script" not in shown and "<img" not in shown
    # The latest turn is open, earlier ones folded.
    assert re.search(r'<details class="turn" id="turn-2" open>', shown) and '<details class="turn" id="turn-1">' in shown


def test_chat_messages_escape_the_question_and_link_the_citations():
    answer = Answer(HOSTILE, HOSTILE, (hit(),), "Quote. (08PARIS1616 ¶4)", citations=(Citation("08PARIS1616", 4),),
                    notice="Quotes only: <no model>")
    messages = chat_messages(Conversation().add(answer, Filters()), pending=("Next?", ""))
    assert [m["role"] for m in messages] == ["user", "assistant", "user", "assistant"]
    assert "<script>" not in messages[0]["content"]
    assert "[08PARIS1616 ¶4](#p-1-08PARIS1616-4)" in messages[1]["content"]
    assert messages[1]["content"].startswith("> Quotes only\\: &lt;no model&gt;")
    assert messages[3]["content"] == "…"


def test_active_filters_are_chips_with_a_remove_button_each():
    active = active_filters(["PER:Roland Galharague"], ["08PARIS1616"], [], "2008-01-01", "", [], ["PREL"])
    assert [label for _, _, label in active] == ["PER · Roland Galharague", "cable 08PARIS1616", "dates 2008-01-01 to …", "TAG PREL"]
    chips = filter_chips(active + [("entities", "MISC:<b>x</b>", "MISC · <b>x</b>")])
    assert chips.count('class="chip-remove"') == 5
    assert 'data-remove-filter="[&quot;entities&quot;, &quot;PER:Roland Galharague&quot;]"' in chips
    assert "<b>x</b>" not in chips
    assert "No filters" in filter_chips([])


def test_filters_are_read_from_the_controls_and_a_bad_value_says_how_to_write_it():
    filters = read_filters(["PER:Galharague", "PER:Galharague"], ["08PARIS1616"], ["paris"], "2008-01-01", " 2008-12-31 ", ["confidential"], ["PREL"])
    assert filters == Filters(entities=(parse_entity("PER:Galharague"),), cables=("08PARIS1616",), origins=("paris",),
                              date_from="2008-01-01", date_to="2008-12-31", classifications=("confidential",), tags=("PREL",))
    assert not read_filters(None, None, None, "", None, None, None)
    with pytest.raises(ValueError, match="yyyy-mm-dd"):
        read_filters(date_from="21/08/2008")
    with pytest.raises(ValueError, match="backwards"):
        read_filters(date_from="2009-01-01", date_to="2008-01-01")
    with pytest.raises(ValueError, match="TYPE:name"):
        read_filters(entities=["Galharague"])


def test_conversation_history_carries_each_question_and_its_cited_cables():
    first = Answer("What did Galharague say?", "What did Galharague say?", (hit(), hit(cable="09VALLETTA123", number=1)),
                   "Quote. (08PARIS1616 ¶4)", citations=(Citation("08PARIS1616", 4),))
    turns = Conversation().add(first, Filters()).history()
    assert [(t.question, t.cables) for t in turns] == [("What did Galharague say?", ("08PARIS1616",))]


def test_export_has_each_question_its_answer_with_citations_and_the_cited_text():
    cited = Answer("What did Galharague say?", "What did Galharague say?", (hit(), hit(number=7, text="Not cited.")),
                   "“He welcomed the monitors.” (08PARIS1616 ¶4)", citations=(Citation("08PARIS1616", 4),))
    refused = Answer("Mars?", "Mars?", (hit(number=2, text="Closest paragraph."),), REFUSAL, abstained=True)
    conversation = Conversation().add(cited, Filters(entities=(GALHARAGUE,))).add(refused, Filters())
    markdown = conversation_markdown(conversation, {"08PARIS1616": {"subject": "FRENCH VIEW"}})
    assert "## Q1. What did Galharague say?" in markdown and "*Filters: PER · Roland Galharague*" in markdown
    assert "“He welcomed the monitors.” (08PARIS1616 ¶4)" in markdown
    assert "**08PARIS1616 ¶4** (2008-08-21, Embassy Paris, CONFIDENTIAL): FRENCH VIEW" in markdown
    assert "> Galharague welcomed the OSCE monitors." in markdown
    assert "Not cited." not in markdown
    assert "## Q2. Mars?" in markdown and REFUSAL in markdown and "Related paragraphs (not citations)" in markdown
