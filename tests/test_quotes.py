"""Sentence choice for quotes and for the trimmed paragraphs the chat model reads."""

from core.models import Paragraph
from core.store import StoredParagraph
from qa.citations import Citation
from qa.quotes import (SentenceScorer, asks_figure, capitalised_words, holds_all, names_and_numbers, quote_answer,
                       split_sentences, stated_figures)
from qa.retrieve import Hit

SETTING = "Planning for Qadhafi's December visit to Spain has been complicated by contradictory requests."
ANSWER = "The Leader must not be lodged above the first floor, since he refuses to ride in elevators."
FILLER = "Sanchez added that the agenda was still open."
QUESTION = "What accommodation did Qadhafi's team demand for the December visit to Spain?"


class Meanings:
    """An embedder that knows which texts mean the same: each listed group shares one direction."""

    def __init__(self, *groups):
        self.groups = groups

    def embed(self, texts):
        vectors = []
        for text in texts:
            vector = [0.0] * (len(self.groups) + 1)
            index = next((i for i, group in enumerate(self.groups) if text in group), len(self.groups))
            vector[index] = 1.0
            vectors.append(vector)
        return vectors


def test_words_alone_favour_the_sentence_that_restates_the_question():
    ranked = SentenceScorer(QUESTION).rank(" ".join([SETTING, ANSWER, FILLER]))
    assert ranked[0][2] == SETTING


def test_with_meaning_the_answer_in_other_words_ranks_first():
    scorer = SentenceScorer(QUESTION, Meanings({QUESTION, ANSWER}))
    ranked = scorer.rank(" ".join([SETTING, ANSWER, FILLER]))
    assert ranked[0][2] == ANSWER and [position for _, position, _ in ranked][0] == 1


def test_trim_keeps_the_best_sentences_in_the_paragraphs_order_within_the_budget():
    scorer = SentenceScorer(QUESTION, Meanings({QUESTION, ANSWER}))
    text = " ".join([FILLER, SETTING, ANSWER])
    trimmed = scorer.trim(text, len(SETTING) + len(ANSWER) + 1)
    assert trimmed == f"{SETTING} {ANSWER}"
    assert scorer.trim(f"{FILLER} {ANSWER}", 10) == ANSWER  # the best sentence stays, even when alone it is over the budget


def test_a_claimed_date_is_held_by_a_paragraph_that_writes_it_as_an_ordinal():
    assert holds_all(["May", "25"], "the deluge of calls seeking tickets to the May 25th match")
    assert not holds_all(["May", "26"], "the deluge of calls seeking tickets to the May 25th match")


def test_a_number_with_letters_after_it_holds_the_number():
    assert holds_all(["18"], "Embraer proposed that the F-18s be matched by a purchase of Super Tucanos.")
    assert holds_all(["1990"], "the arrangements of the 1990s")
    assert not holds_all(["16"], "Embraer proposed that the F-18s be matched by a purchase of Super Tucanos.")


def test_the_small_words_inside_names_are_not_names():
    assert names_and_numbers("The blockades in El Salvador hit Osama Bin Laden's allies.") == ["Salvador", "Osama", "Laden"]
    assert holds_all(names_and_numbers("Farmers in El Salvador protested."), "Salvadoran farmers protested on August 3.")


def test_the_americans_are_the_us_of_the_cables():
    assert holds_all(["Americans"], "The Chinese ambassador advised the USG to pay $150 million a year.")
    assert holds_all(["American"], "He said the U.S. would sanction the bank under U.S. law.")
    assert not holds_all(["Americans"], "He said Malaysia would sanction the bank.")


def test_a_long_name_may_be_spelled_one_letter_apart_a_short_one_and_a_number_may_not():
    text = "Some 300 North Koreans are working at a site west of Mimbu; Qadhafi visited Iraq in 1989."
    assert holds_all(["Minbu"], text) and holds_all(["Qaddafi"], text)
    assert not holds_all(["Iran"], text) and not holds_all(["301"], text) and not holds_all(["Gaddafi"], text)
    # One letter off a common word is another word: "Chile" is not "while".
    assert not holds_all(["Chile"], "He waited a while in the parts of town he knew.")
    assert not holds_all(["Paris"], "He waited a while in the parts of town he knew.")


def test_a_sentence_does_not_end_at_an_abbreviation():
    assert split_sentences("The U.S. Embassy said so. Mr. Smith agreed! (C) Then he left.") == [
        "The U.S. Embassy said so.", "Mr. Smith agreed!", "Then he left."]
    assert split_sentences("MR. SMITH MET AMB. JONES. THEN HE LEFT.") == ["MR. SMITH MET AMB. JONES.", "THEN HE LEFT."]
    assert split_sentences("It is among the largest U. S. firms there. John F. Kennedy came. GOU. NATO") == [
        "It is among the largest U. S. firms there.", "John F. Kennedy came.", "GOU.", "NATO"]


def test_a_text_in_capitals_names_nothing():
    capitals = "(C) MARKSMAN STATED THAT IT WAS BRAVO, NOT CHAVEZ, WHO DEVELOPED THE PHILOSOPHY, ACCORDING TO HER."
    assert capitalised_words([capitals]) == set()
    assert names_and_numbers("According to his wife, Bravo devised it.", capitalised_words([capitals])) == ["Bravo"]


def test_a_question_for_a_count_an_amount_or_a_rate_asks_for_a_figure():
    assert asks_figure("How many F-35s did Norway propose to buy?")
    assert asks_figure("At what total cost, and what share of the budget is that?")
    assert not asks_figure("What did Borg say about the Frontex patrols?")
    assert not asks_figure("Who numbered the paragraphs?")
    assert asks_figure("How much cash did the UAE give?") and asks_figure("How much did the airport earn?")
    for question in ["How much influence does Iran have in Iraq?", "How much of a threat is AQIM?",
                     "What values did the minister say Turkey shares with Europe?"]:
        assert not asks_figure(question), question


def test_years_days_of_a_month_names_and_the_question_s_own_numbers_are_no_figures():
    text = "On August 13, 2004 the UAE gave $40 million in two tranches (5.1 percent); 13 August; F-35s; UNSCR1701."
    figures = ["$", "40", "million", "5.1", "percent"]
    assert stated_figures(text, "What did the UAE give in two payments in 2004?") == figures
    assert stated_figures("Borg met the Ambassador on March 3, 2009, about the F-16s.") == []
    figures = ["40m", "1.2bn", "5pct", "seventeen"]
    assert stated_figures("Aid rose to USD 40m, 1.2bn in all, up 5pct; seventeen donors.") == figures


def test_a_number_of_a_year_s_shape_counts_after_a_word_of_quantity_or_before_a_plural():
    assert stated_figures("In 2006 Spain sent 2000 troops and some 1950 police officers.") == ["2000", "1950"]
    for text in ["close to 2000 EULEX police", "approximately 2000 USD", "SOME 2000 TROOPS", "about 2000 U.S. troops",
                 "rose to over 2000 from 2008", "2000 refugees crossed"]:
        assert stated_figures(text) == ["2000"], text
    for text in ["The year 2004 was calm.", "since 1999", "On August 13, 2004 it rained.", "(2004)", "a 1994 plane crash",
                 "between 2005 and 2008.", "in 2009 talks resumed", "by early 2010 the plan", "the drawn-out 2002 mobilization"]:
        assert stated_figures(text) == [], text


def test_one_that_counts_nobody_is_no_figure_and_no_one_is_zero():
    assert stated_figures("They blamed one another; one's guess was as good as any one else's.") == []
    # "No one was killed" answers "how many"; "one of" may answer "how many of them".
    assert stated_figures("No one was killed.") == ["one"]
    assert stated_figures("Only one minister, and one of his aides' two cars.") == ["one", "one", "two"]


def test_a_quote_holds_the_paragraph_s_three_best_sentences_in_its_order():
    text = ("The Ambassador met him on March 3. He blamed Tripoli for lax patrols. The weather was fine. "
            "Malta counted 2,775 arrivals from Libya. Borg wants Frontex patrols off Libya.")
    hit = Hit(StoredParagraph(Paragraph("09VALLETTA123", 2, text), None, "Valletta", "", ()), 1.0)
    quote, citations = quote_answer(SentenceScorer("Why did Borg blame Tripoli and want Frontex patrols off Libya?"), [hit])
    # An ellipsis stands where sentences were left out, and only there.
    assert quote == ("“He blamed Tripoli for lax patrols. … Malta counted 2,775 arrivals from Libya. Borg wants Frontex "
                     "patrols off Libya.” (09VALLETTA123 ¶2)")
    assert citations == [Citation("09VALLETTA123", 2)]
