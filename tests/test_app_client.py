"""The app's API through gradio_client, against the app launched on a free port (quotes mode, fake models)."""

import pytest

from qa.citations import REFUSAL
from web.page import EXAMPLES

gradio_client = pytest.importorskip("gradio_client")


@pytest.fixture
def client(app_url):
    return gradio_client.Client(app_url, verbose=False)


def names(paragraph):
    return {entity.split(":", 1)[1] for entity in paragraph["entities"]}


def test_the_api_offers_ask_and_chat_only(client):
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert sorted(endpoints) == ["/ask", "/chat"]
    assert [p["parameter_name"] for p in endpoints["/ask"]["parameters"]][:2] == ["question", "entities"]


def test_ask_returns_a_cited_answer_with_its_paragraphs_as_json(client):
    result = client.predict(question=EXAMPLES[0], mode="quotes", api_name="/ask")
    assert result["mode"] == "quotes" and not result["abstained"]
    assert result["citations"] == ["08PARIS1616 ¶4"] and result["answer"].endswith("(08PARIS1616 ¶4)")
    cited = [p for p in result["paragraphs"] if p["cited"]]
    assert [p["label"] for p in cited] == ["08PARIS1616 ¶4"]
    assert "benchmarks" in cited[0]["text"] and cited[0]["subject"].startswith("TFGG01")
    assert cited[0]["date"].startswith("2008-08-21") and cited[0]["classification"] == "CONFIDENTIAL"
    assert result["cited_cables"] == ["08PARIS1616"] and result["filters"] == []


def test_an_entity_filter_keeps_to_paragraphs_naming_it(client):
    result = client.predict(question="What about migration and the EU?", entities=["PER:Galharague"], mode="quotes", api_name="/ask")
    assert result["filters"] == ["PER · Galharague"]
    assert result["paragraphs"] and all("Roland Galharague" in names(p) for p in result["paragraphs"])
    unfiltered = client.predict(question="What about migration and the EU?", mode="quotes", api_name="/ask")
    assert any(not p["label"].startswith("08PARIS1616") for p in unfiltered["paragraphs"])


def test_other_filters_combine(client):
    result = client.predict(question="migration numbers", origins=["valletta"], date_from="2009-01-01", date_to="2009-12-31",
                            classifications=["confidential"], tags=["MT"], mode="quotes", api_name="/ask")
    assert result["paragraphs"] and {p["label"].split()[0] for p in result["paragraphs"]} == {"09VALLETTA123"}
    nothing = client.predict(question="migration numbers", origins=["valletta"], date_to="2008-12-31", api_name="/ask")
    assert nothing["abstained"] and nothing["answer"] == REFUSAL and nothing["paragraphs"] == []


def test_a_follow_up_in_a_chat_session_is_read_against_that_session_only(app_url):
    first, other = gradio_client.Client(app_url, verbose=False), gradio_client.Client(app_url, verbose=False)
    one = first.predict("What did Galharague say about Kosovo?", {}, "quotes", api_name="/chat")
    assert one["turn"] == 1 and one["citations"]
    two = first.predict("And what did he say about the EU?", {}, "quotes", api_name="/chat")
    assert two["turn"] == 2 and two["conversation"] == ["What did Galharague say about Kosovo?", "And what did he say about the EU?"]
    assert "Galharague" in two["rewritten"] and "08PARIS1616" in two["rewritten"]
    assert two["citations"] and all(c.startswith("08PARIS1616") for c in two["citations"])
    # Another client is another session: its first question is its turn 1, with nothing carried over.
    alone = other.predict("And what did he say about the EU?", {"origins": ["valletta"]}, "quotes", api_name="/chat")
    assert alone["turn"] == 1 and alone["rewritten"] == alone["question"] and alone["filters"] == ["origin valletta"]


def test_a_follow_up_through_ask_takes_the_history_explicitly(client):
    first = client.predict(question="What did Galharague say about Kosovo?", mode="quotes", api_name="/ask")
    follow = client.predict(question="And what did he say about the EU?", mode="quotes",
                            history=[{"question": first["question"], "cables": first["cited_cables"]}], api_name="/ask")
    assert "Galharague" in follow["rewritten"] and follow["citations"][0].startswith("08PARIS1616")
    assert "turn" not in follow  # /ask remembers nothing


def test_a_question_the_cables_do_not_answer_gets_the_refusal_and_related_paragraphs(client):
    result = client.predict(question="How many F-35 fighters did Malta order from Lockheed?", mode="quotes", api_name="/ask")
    assert result["abstained"] and result["answer"] == REFUSAL and result["citations"] == []
    assert not any(p["cited"] for p in result["paragraphs"])


def test_bad_input_gets_a_plain_message(client):
    with pytest.raises(gradio_client.exceptions.AppError, match="write it as yyyy-mm-dd") as bad_date:
        client.predict(question="x", date_from="21/08/2008", api_name="/ask")
    assert "Traceback" not in str(bad_date.value)
    with pytest.raises(gradio_client.exceptions.AppError, match="TYPE:name"):
        client.predict(question="x", entities=["Galharague"], api_name="/ask")
    with pytest.raises(gradio_client.exceptions.AppError, match="question is empty"):
        client.predict(question="  ", api_name="/ask")
    with pytest.raises(gradio_client.exceptions.AppError, match="Unknown answer mode"):
        client.predict(question="x", mode="gpt-99", api_name="/ask")
