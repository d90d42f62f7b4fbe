"""The page in a real headless Chromium (Debian's, driven by Playwright) against the fixture app in quotes mode.

Screenshots of the main states go to test-artifacts/ for a person to look at.
"""

import zipfile
from pathlib import Path

import pytest

from tests.conftest import DATA, ROOT
from web.page import EXAMPLES

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed: pip install -r requirements-dev.txt")
CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's with `sudo apt-get install -y chromium` (.ci/run does)", allow_module_level=True)

ARTIFACTS = ROOT / "test-artifacts"
ARTIFACTS.mkdir(exist_ok=True)
IN_VIEW = """id => { const r = document.getElementById(id).getBoundingClientRect();
                    return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight; }"""


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser, app_url):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.dialogs = []  # an alert() from cable text would land here
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(app_url)
    page.wait_for_selector("#cableqa-question textarea")
    yield page
    context.close()


def ask(page, question: str, turn: int):
    page.fill("#cableqa-question textarea", question)
    page.keyboard.press("Enter")
    # The answer streams into the chat; it is done when its citation links and evidence are there.
    page.wait_for_selector(f"#turn-{turn}", timeout=30_000)
    page.wait_for_timeout(300)


def shot(page, name: str, full_page: bool = True):
    page.screenshot(path=str(ARTIFACTS / name), full_page=full_page)


def test_an_example_question_on_the_empty_page_gets_a_cited_answer(page):
    assert "08PARIS1616" in page.inner_text("#cableqa-chat")  # the placeholder names the sample cable
    shot(page, "01-empty-page.png")
    page.get_by_text(EXAMPLES[0]).click()
    page.wait_for_selector('#cableqa-chat a[href="#p-1-08PARIS1616-4"]', timeout=30_000)
    assert "benchmarks" in page.inner_text("#cableqa-chat")
    assert page.input_value("#cableqa-question textarea") == ""


def test_a_typed_question_streams_an_answer_and_a_citation_brings_its_paragraph_into_view(page):
    ask(page, "What did Galharague say about Kosovo?", 1)
    link = page.locator('#cableqa-chat a[href^="#p-1-08PARIS1616-"]').first
    target = link.get_attribute("href")[1:]
    assert page.locator(f"#{target}").is_visible()
    assert "Kosovo" in page.inner_text(f"#{target}")
    shot(page, "02-answer-with-evidence.png")
    ask(page, "What did Boillon say about the OSCE monitors?", 2)
    # The first answer's paragraph is now folded away under Q1; its citation opens it and scrolls to it.
    assert not page.locator(f"#{target}").is_visible()
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    link.click()
    page.wait_for_function(IN_VIEW, arg=target, timeout=5_000)
    assert "flash" in page.get_attribute(f"#{target}", "class")
    shot(page, "03-citation-clicked.png", full_page=False)
    text = page.inner_text(f"#{target}")
    assert text.startswith("08PARIS1616 ¶") and "CONFIDENTIAL" in text and "TFGG01" in text


def test_an_entity_filter_from_a_paragraph_or_the_list_narrows_the_next_question(page):
    ask(page, "What did Galharague say about Kosovo?", 1)
    page.locator('#turn-1 .para [data-entity="PER:Roland Galharague"]').first.click()
    page.wait_for_selector("#cableqa-chips .chip", timeout=10_000)
    assert page.inner_text("#cableqa-chips .chip").startswith("PER · Roland Galharague")
    assert "PER · Roland Galharague" in page.inner_text("#cableqa-entities")
    ask(page, "What about migration and the EU?", 2)
    page.click("#turn-2 details.how summary")
    assert "Filters\nPER · Roland Galharague" in page.inner_text("#turn-2 details.how")
    cards = page.locator("#turn-2 article.para")
    assert cards.count() >= 1
    for i in range(cards.count()):
        assert cards.nth(i).locator('[data-entity="PER:Roland Galharague"]').count() >= 1
    shot(page, "04-entity-filter.png")
    # The chip's × removes the filter.
    page.click("#cableqa-chips .chip-remove")
    page.wait_for_selector("#cableqa-chips .chips.none", timeout=10_000)
    # The searchable list applies one too.
    page.click("#cableqa-entities input")
    page.keyboard.type("Boillon")
    page.get_by_role("option", name="PER · Boris Boillon (3)").click()
    page.wait_for_selector("#cableqa-chips .chip", timeout=10_000)
    assert page.inner_text("#cableqa-chips .chip").startswith("PER · Boris Boillon")


def test_a_cable_full_of_markup_is_shown_as_text_and_runs_nothing(page):
    ask(page, "What did Quillfeather say about the web form?", 1)
    ask(page, "What image tag also appeared, according to Quillfeather?", 2)
    page.click("#turn-1 > summary")  # open the first answer, folded under the second
    evidence = page.inner_text("#cableqa-evidence")
    assert "<script>window.__xss = 'text'</script>" in evidence
    assert "<img src=x onerror=\"window.__xss = 'img'\">" in evidence
    assert "FRANCE: <script>window.__xss = 'subject'</script>" in evidence  # the subject line
    assert "<script>window.__xss" in page.inner_text("#cableqa-chat")
    # The markup-named entity is listed, highlighted and filterable, as text.
    page.locator("#turn-2 .para [data-entity^='MISC:<img']").first.click()
    page.wait_for_selector("#cableqa-chips .chip", timeout=10_000)
    assert "<img src=x onerror=" in page.inner_text("#cableqa-chips")
    page.click("#cableqa-entities input")
    page.keyboard.type("img src")
    assert "<img src=x onerror=" in page.get_by_role("option").first.inner_text()
    shot(page, "05-markup-shown-as-text.png")
    page.keyboard.press("Escape")
    assert page.evaluate("window.__xss") is None and page.dialogs == []
    assert page.locator('img[src="x"]').count() == 0
    # No element was made from the cable's markup (Gradio's own config script holds the names as escaped JSON).
    assert not page.evaluate("Array.from(document.scripts).some(s => s.textContent.trim().startsWith('window.__xss'))")


def test_two_browsers_keep_their_own_conversations(page, browser, app_url):
    ask(page, "What did Galharague say about Kosovo?", 1)
    other = browser.new_context().new_page()
    try:
        other.goto(app_url)
        other.wait_for_selector("#cableqa-question textarea")
        other.wait_for_timeout(500)
        assert "Kosovo" not in other.inner_text("#cableqa-chat")
        assert other.locator("#cableqa-evidence article.para").count() == 0
    finally:
        other.context.close()


def test_the_conversation_exports_as_markdown_with_the_cited_text(page):
    ask(page, "What did Galharague say about Kosovo?", 1)
    page.click("#cableqa-export")
    link = page.wait_for_selector("a[download]", timeout=10_000)
    assert "cable-qa-conversation.md" in link.get_attribute("href")
    markdown = page.request.get(link.get_attribute("href")).text()
    assert "## Q1. What did Galharague say about Kosovo?" in markdown
    assert "(08PARIS1616 ¶6)" in markdown and "**08PARIS1616 ¶6**" in markdown and "Kosovo in reverse" in markdown


def test_the_entity_view_plots_mentions_over_time_and_the_names_beside_them(page):
    page.get_by_role("tab", name="Entities").click()
    page.wait_for_selector("#cableqa-timeline svg, #cableqa-timeline canvas", timeout=15_000)
    page.wait_for_function("document.body.innerText.includes('Most often named with them')")
    page.wait_for_timeout(1_000)
    assert "Russia" in page.inner_text("body")
    shot(page, "06-entity-view.png")


def test_uploaded_cables_are_ingested_with_a_report_and_a_bad_file_gets_a_reason(page, tmp_path):
    archive = tmp_path / "more cables.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(DATA / "07REYKJAVIK42-plain.txt", "../../evil/07REYKJAVIK42-plain.txt")
        zf.writestr("notes/README.md", "not a cable")
    bad = tmp_path / "<img src=x onerror=alert(1)>.pdf"
    bad.write_text("not a cable")
    page.get_by_role("tab", name="Add cables").click()
    page.set_input_files("#cableqa-upload input[type=file]", [str(archive), str(bad)])
    page.wait_for_timeout(1_000)
    page.get_by_role("button", name="Read and store them").click()
    page.wait_for_function("document.querySelector('#cableqa-report textarea').value.includes('The store now holds')", timeout=60_000)
    report = page.input_value("#cableqa-report textarea")
    assert "Stored 1 cable (" in report
    assert "more cables.zip/../../evil/07REYKJAVIK42-plain.txt): not UTF-8" in report
    assert ".pdf: not a file type the page takes" in report
    assert "Ignored 1 file(s) in the .zip archives" in report
    shot(page, "07-upload-report.png")
    # The filter lists know the new cable.
    page.get_by_role("tab", name="Ask").click()
    page.get_by_role("combobox", name="Cables", exact=True).click()
    assert page.get_by_role("option", name="07REYKJAVIK42").count() == 1
    assert page.dialogs == [] and page.evaluate("window.__xss") is None


def test_the_chosen_answer_mode_shows_as_chosen_under_the_pointer(page):
    chosen = page.locator('#cableqa-mode input[type="radio"][value="quotes"]')
    chosen.click()
    page.focus("#cableqa-question textarea")  # then the question is typed,
    chosen.hover()  # with the pointer resting on the mode just chosen
    page.wait_for_timeout(200)
    assert chosen.is_checked() and chosen.evaluate("e => e.matches(':hover')")
    under_pointer = chosen.evaluate("e => getComputedStyle(e).backgroundColor")
    page.mouse.move(0, 0)
    assert under_pointer == chosen.evaluate("e => getComputedStyle(e).backgroundColor") != "rgb(255, 255, 255)"
