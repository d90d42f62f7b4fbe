"""Which given paragraphs hold a model's sentence, and how sure the model was of its refusal."""

import math

import pytest

from qa.citations import REFUSAL, Citation
from qa.grounding import ground, refusal_odds
from qa.quotes import capitalised_words, text_stems


def test_an_uncited_sentence_two_paragraphs_both_hold_is_cited_to_both():
    summary, detail, other = Citation("09X1", 1), Citation("09X1", 4), Citation("09X1", 2)
    claim = "Borg said the Frontex patrols had been a fig leaf"
    texts = {summary: "Summary: Borg said the Frontex patrols had been a fig leaf. End summary.",
             detail: "(C) Asked about Frontex, Borg said the patrols had been a fig leaf all along.",
             other: "(C) Borg discussed the budget."}
    assert ground(claim, [], texts, uncited=True) == [summary, detail]
    # The best holds it clearly (0.84): a close one that holds enough of it (0.69) is cited beside it.
    texts[summary] = "Summary: Borg said the Frontex patrols had been a leaf. End summary."
    texts[detail] = "(C) Borg said the Frontex patrols were useless."
    assert ground(claim, [], texts, uncited=True) == [summary, detail]
    # When none holds it clearly (0.69 and 0.69), none is cited.
    texts[summary] = "Summary: Borg said the Frontex patrols were costly. End summary."
    assert ground(claim, [], texts, uncited=True) == []


def test_a_name_alone_is_not_a_claim():
    texts = {Citation("09X1", 2): "(C) XXXXXXXXXXXX told Econoff that Marwan Hamadeh had named Iran as the backer."}
    for bare in ["Marwan Hamadeh", "XXXXXXXXXXXX"]:
        assert ground(bare, [Citation("09X1", 2)], texts) == []
    assert ground("Marwan Hamadeh named Iran as the backer", [Citation("09X1", 2)], texts) == [Citation("09X1", 2)]
    # A date answers a "when" question.
    texts = {Citation("10X1", 3): "(S) The Sultan raised it with the Ambassador on February 6, 2009."}
    assert ground("February 6, 2009", [Citation("10X1", 3)], texts) == [Citation("10X1", 3)]


def test_the_refusal_s_probability_and_the_model_s_likeliest_other_start():
    def token(text, p, *others):
        top = [{"token": text, "logprob": math.log(p)}] + [{"token": t, "logprob": math.log(q)} for t, q in others]
        return {"token": text, "logprob": math.log(p), "top_logprobs": top}

    words = ["The", " cables", " available", " don't", " say", "."]
    tokens = [token(words[0], 0.6, ("France", 0.3)), token(words[1], 0.5, (" French", 0.45)),
              *[token(w, 1.0) for w in words[2:]]]
    assert "".join(words) == REFUSAL
    odds, start = refusal_odds(tokens)
    assert odds == pytest.approx(0.3) and start == "The French"
    # A reply that is not the refusal has no odds to weigh.
    assert refusal_odds([token("France", 0.9)]) == (1.0, None)


def test_a_claim_is_held_by_the_paragraph_that_holds_what_it_adds_to_the_question():
    summary, detail = Citation("05X1", 1), Citation("05X1", 3)
    question = "Which two countries did the Russian disarmament director say Washington should not treat Russia as?"
    claim = "The Russian disarmament director said Washington should not treat Russia as Gabon or Mali"
    texts = {summary: "(C) Summary: the Russian MFA's disarmament director told us Washington should not treat Russia "
                      "as a supplier of arms to rogues. End summary.",
             detail: "(C) Antonov said the US should not address Russia as if it were Gabon or Mali."}
    in_cables = {summary: text_stems("Antonov Gabon Mali"), detail: text_stems("Washington")}  # the cable's other names
    # By all its words neither holds the sentence clearly (0.65 and 0.54); by what it adds, only the detail does.
    assert ground(claim, [], texts, in_cables=in_cables, uncited=True) == []
    assert ground(claim, [], texts, in_cables=in_cables, uncited=True, question=question) == [detail]


def test_a_claim_may_call_a_name_as_the_question_does():
    detail = Citation("04X1", 3)
    texts = {detail: "(C) MARKSMAN STATED THAT IT WAS DOUGLAS BRAVO, NOT CHAVEZ, WHO DEVELOPED THE PHILOSOPHY BEHIND THE "
                     "BOLIVARIAN REVOLUTION."}
    claim = "According to Hugo Chavez's former wife, Douglas Bravo devised the ideas behind the Bolivarian revolution"
    question = "According to Hugo Chavez's former wife, who devised the ideas behind the Bolivarian revolution?"
    assert ground(claim, [], texts, uncited=True, question=question) == [detail]
    # A first name the question did not give is the model's own: the paragraph must hold it.
    assert ground(claim, [], texts, uncited=True, question="According to Chavez's former wife, who devised the ideas?") == []
    # So is a name the paragraph holds no word of, even when the question gives it.
    claim = "According to Hugo Chavez's former wife, Douglas Bravo and Fidel Castro devised the ideas"
    assert ground(claim, [], texts, uncited=True, question=question + " Was it Fidel Castro?") == []


def test_a_claim_that_echoes_the_question_s_place_over_another_is_not_held():
    north = Citation("09X1", 2)
    texts = {north: "(C) North Korea proposed a freeze of its nuclear program in exchange for fuel oil."}
    question = "What did South Korea propose in exchange for fuel oil?"
    names = capitalised_words([question, *texts.values()])  # as the answer's check has them

    def held(claim):
        return ground(claim, [], texts, names, uncited=True, question=question)

    assert held("South Korea proposed a freeze of its nuclear program") == []
    assert held("In talks, South Korea proposed a freeze of its nuclear program") == []
    assert held("North Korea proposed a freeze of its nuclear program") == [north]
    texts = {north: "(C) Argentina's President said the freeze of the program was a mistake."}
    question = "What did Brazil's President say about the freeze of the program?"
    names = capitalised_words([question, *texts.values()])
    assert held("In March, Brazil's President said the freeze was a mistake") == []


def test_a_rewording_of_the_refusal_is_not_the_model_s_other_start():
    def token(text, p, *others):
        top = [{"token": text, "logprob": math.log(p)}] + [{"token": t, "logprob": math.log(q)} for t, q in others]
        return {"token": text, "logprob": math.log(p), "top_logprobs": top}

    said = "The paragraphs available don't say."
    words = ["The", " paragraphs", " available", " don't", " say", "."]
    tokens = [token(words[0], 0.6, ("France", 0.2)), token(words[1], 0.5, (" cables", 0.45)),
              *[token(w, 1.0) for w in words[2:]]]
    odds, start = refusal_odds(tokens, said)
    assert odds == pytest.approx(0.3) and start == "France"
