"""The web view in Debian's chromium (Playwright, `executable_path`) against a real
`gijiroku serve`: upload through the page, follow the job to done, open the meeting, seek by
clicking a line, move with the keyboard, rename a speaker, edit a line, reload, and find both
edits kept. Screenshots of the meeting page (laptop and tablet widths) go to test-artifacts/."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import require
from tests.test_watch import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).parents[2]
SAMPLE = ROOT / "samples" / "committee-meeting-en.flac"
GIJIROKU = Path(sys.executable).with_name("gijiroku")
ARTIFACTS = Path(os.environ.get("GIJIROKU_TEST_ARTIFACTS", ROOT / "test-artifacts"))


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def answers(address: str) -> bool:
    try:
        with urllib.request.urlopen(address + "/healthz", timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """`gijiroku serve` on the embedded defaults, in its own data directory."""
    port = free_port()
    env = {**os.environ, "GIJIROKU_DATA_DIR": str(tmp_path / "data"),
           "GIJIROKU_CPU_THREADS": "2"}
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen([str(GIJIROKU), "serve", "--port", str(port)], env=env,
                                   stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    address = f"http://127.0.0.1:{port}"
    try:
        assert wait_for(lambda: answers(address) or process.poll() is not None, timeout=60)
        assert process.poll() is None, log.read_text(errors="replace")
        yield address
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)


@pytest.fixture
def browser() -> Iterator[Any]:
    executable = chromium_path()
    require(executable is not None,
            "Debian's chromium is not installed (./dev.sh test installs it when run as root)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=["--autoplay-policy=no-user-gesture-required"],
        )
        try:
            yield browser
        finally:
            browser.close()


def test_upload_follow_review_and_edit_in_the_browser(server: str, browser: Any) -> None:
    context = browser.new_context(locale="en-GB", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400
            else None)

    page.goto(server + "/")
    assert page.locator("h1").inner_text() == "Add a recording"
    page.set_input_files("#file", str(SAMPLE))
    page.fill("input[name=title]", "Education committee")
    page.select_option("select[name=language]", "en")
    page.fill("input[name=date]", "2026-11-20")
    page.fill("input[name=place]", "Committee room 1")
    page.click("#upload-button")
    page.wait_for_selector("#upload-text:has-text('Uploaded')", timeout=30_000)
    assert page.locator("#upload-bar").get_attribute("value") == "100"

    row = page.locator("#meetings tr", has_text="Education committee")
    row.locator(".status-done").wait_for(timeout=180_000)  # polled live by the page
    row.locator("a").click()
    page.wait_for_selector("#segments .seg")
    segments = page.locator("#segments .seg")
    assert segments.count() >= 5
    assert page.locator("#speakers input").count() == 3

    # words the recogniser was unsure of are marked; a retyped line is shown as typed
    marked = page.evaluate("""segmentText({text: "We vote now.", words: [
        {text: "We", probability: 0.9}, {text: "vote", probability: 0.3},
        {text: "now.", probability: 0.8}]})
        .map(p => p.className ? "[" + p.textContent + "]" : p)""")
    assert marked == ["We", " ", "[vote]", " ", "now."]
    japanese = page.evaluate("""segmentText({text: "予算を可決します。", words: [
        {text: "予算", probability: 0.9}, {text: "を", probability: 0.9},
        {text: "可決", probability: 0.2}, {text: "します。", probability: 0.9}]})
        .map(p => p.className ? "[" + p.textContent + "]" : p).join("")""")
    assert japanese == "予算を[可決]します。"
    assert page.evaluate("segmentText({text: 'retyped', words: [{text: 'x', probability: 0.1}]})"
                         ) == ["retyped"]
    unsure = page.evaluate("doc.segments.flatMap(s => s.words).filter(w => w.probability < LOW)"
                           ".length")
    assert page.locator("#segments .low").count() == unsure

    # a click on a line seeks the player there and marks it as the current line
    target = segments.nth(3)
    start = page.evaluate("n => doc.segments[n].start", 3)
    target.locator(".text").click()
    position = page.evaluate("document.getElementById('player').currentTime")
    assert start - 0.1 <= position <= start + 2.0, (start, position)
    assert "current" in (target.get_attribute("class") or "")

    # keyboard alone: pause, next line, previous line, edit
    page.keyboard.press("p")
    page.keyboard.press("j")
    assert page.evaluate("currentIndex") == 4
    page.keyboard.press("k")
    page.keyboard.press("k")
    assert page.evaluate("currentIndex") == 2
    page.keyboard.press("e")
    editor = page.locator("#segments .seg textarea")
    editor.wait_for()
    edited_text = "The budget for the new library was approved unanimously."
    editor.fill(edited_text)
    with page.expect_response(lambda r: r.request.method == "PATCH") as answered:
        editor.press("Control+Enter")
    # only the changed line comes back, and only its row is drawn again
    assert answered.value.headers["preference-applied"] == "return=minimal"
    assert list(answered.value.json()) == ["segment"]
    page.wait_for_selector(f"#segments .seg .text:has-text('{edited_text}')")
    assert page.locator("#segments .seg").count() == len(page.evaluate("doc.segments"))

    # rename a speaker: every line of theirs follows, at once and after a reload
    first = page.evaluate("doc.speakers[0].id")
    name_box = page.locator(f"#speakers input[data-speaker='{first}']")
    name_box.fill("Chair Tanaka")
    name_box.press("Enter")
    page.wait_for_function("doc.speakers[0].name === 'Chair Tanaka'")
    first_line = page.evaluate(f"doc.segments.find(s => s.speaker === '{first}').id")
    page.wait_for_function(
        f"""(() => {{ const s = document.querySelector(
            "#segments .seg[data-id='{first_line}'] select.who");
            return s.options[s.selectedIndex].text === 'Chair Tanaka'; }})()""")

    page.reload()
    page.wait_for_selector("#segments .seg")
    assert page.locator(f"#speakers input[data-speaker='{first}']").input_value() == \
        "Chair Tanaka"
    assert page.locator("#segments .seg .text").nth(2).inner_text() == edited_text
    lines_of_first = page.evaluate(
        f"doc.segments.filter(s => s.speaker === '{first}').map(s => s.id)")
    assert lines_of_first
    shown = page.locator(f"#segments .seg[data-id='{lines_of_first[0]}'] select.who")
    assert shown.evaluate("s => s.options[s.selectedIndex].text") == "Chair Tanaka"

    # the download buttons export what the page shows, edits included
    with page.expect_download() as caught:
        page.click("#exports a:has-text('MD')")
    markdown = Path(caught.value.path()).read_text(encoding="utf-8")
    assert caught.value.suggested_filename == "Education committee.md"
    assert "Chair Tanaka" in markdown and edited_text in markdown
    assert "- **Date and time**: 2026-11-20" in markdown
    assert "- **Place**: Committee room 1" in markdown
    page.uncheck("#export-transcript")
    with page.expect_download() as caught:
        page.click("#exports a:has-text('DOCX')")
    assert caught.value.suggested_filename.endswith(".docx")
    assert Path(caught.value.path()).read_bytes()[:2] == b"PK"  # a zip: Word's container

    # both edits are in the history, newest first
    page.click("#history summary")
    page.wait_for_selector("#history-list li button")
    assert page.locator("#history-list li").count() == 2
    assert problems == []

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "meeting-page.png"), full_page=False)
    context.close()

    tablet = browser.new_context(locale="ja-JP", viewport={"width": 820, "height": 1180},
                                 has_touch=True)
    tablet_page = tablet.new_page()
    tablet_page.goto(page.url)
    tablet_page.wait_for_selector("#segments .seg")
    assert tablet_page.locator("#transcript-heading").inner_text() == "発言記録"
    overflow = tablet_page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than a tablet screen"
    tablet_page.screenshot(path=str(ARTIFACTS / "meeting-page-tablet.png"))
    tablet.close()
