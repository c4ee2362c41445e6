"""Proofreading in Debian's chromium with a Japanese locale, against one real `gijiroku serve`
for the module, into whose database each test stores its own processed Japanese committee
meeting (tests/seed.py; the retry test also one whose minutes step failed): playback speed
and skip keys while typing, line surgery, speaker merge, find and replace with undo, the
meeting's date into the Word file, a failed job's reason and retry, a stale save, a change in
one window appearing in another, and a document that arrives while a line is being typed
waiting until the typing ends. Every page runs under its real Content-Security-Policy and is
read as drawn, never through its scripts' variables.
Screenshots (1366 and 820 px, Japanese) go to test-artifacts/."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete
from sqlmodel import col, select

from gijiroku.messages import CATALOGUE
from gijiroku.storage import session_scope
from gijiroku.storage.tables import SegmentRow, WordRow
from tests.seed import seed_meeting
from tests.serving import Server, serving
from tests.test_watch import wait_for
from tests.web.test_browser import ARTIFACTS, PLAYER, job_done, rows, shown_speaker, watched

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@dataclass
class Served:
    server: Server
    meeting: str  # processed, stored for this test alone

    @property
    def address(self) -> str:
        return self.server.address


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One `gijiroku serve` for the module; each test stores meetings of its own into it."""
    with serving(tmp_path_factory.mktemp("proofreading")) as served:
        yield served


@pytest.fixture
def served(server: Server) -> Served:
    return Served(server, seed_meeting(server.database(), server.data_dir))


def japanese(browser: Any, width: int = 1366) -> Any:
    return browser.new_context(locale="ja-JP", viewport={"width": width, "height": 900})


def open_meeting(context: Any, served: Served, meeting: str | None = None) -> tuple[Any, list]:
    page, problems = watched(context)
    page.goto(f"{served.address}/meetings/{meeting or served.meeting}")
    page.wait_for_selector("#segments .seg")
    return page, problems


def stored_name(served: Served, speaker: str) -> str | None:
    """A speaker's name as the database holds it."""
    from gijiroku.storage import repository

    with session_scope(served.server.database()) as session:
        meeting = repository.load_meeting(session, served.meeting)
    return next(s.name for s in meeting.speakers if s.id == speaker)


def lines(count: int) -> str:
    """A condition for wait_for_function: the page draws `count` lines."""
    return f"() => document.querySelectorAll('#segments .seg').length === {count}"


def speakers(page: Any) -> list[tuple[str, str]]:
    """The speakers panel as drawn: each speaker's id and the name in its box."""
    return [(box.get_attribute("data-speaker"), box.input_value())
            for box in page.locator("#speakers input").all()]


def texts(page: Any) -> list[str]:
    return page.locator("#segments .seg .text").all_inner_texts()  # type: ignore[no-any-return]


def shot(page: Any, name: str, **options: Any) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), **options)


def test_speed_is_remembered_and_keys_work_while_typing(
    served: Served, browser: Any
) -> None:
    context = japanese(browser)
    page, problems = open_meeting(context, served)
    page.select_option("#speed", "1.5")
    assert page.evaluate(f"{PLAYER}.playbackRate") == 1.5
    page.reload()
    page.wait_for_selector("#segments .seg")
    assert page.locator("#speed").input_value() == "1.5"
    assert page.evaluate(f"{PLAYER}.playbackRate") == 1.5  # remembered

    # skip back with Ctrl+← while a line is being edited; the text box keeps the focus
    page.locator("#segments .seg").nth(3).locator(".time").click()
    page.evaluate(f"{PLAYER}.pause(); {PLAYER}.currentTime = 12")
    page.locator("#segments .seg").nth(3).locator(".edit").click()
    box = page.locator("#segments .seg textarea")
    box.press("Control+ArrowLeft")
    assert page.evaluate(f"{PLAYER}.currentTime") == pytest.approx(9, abs=0.3)
    box.press("Control+ArrowRight")
    assert page.evaluate(f"{PLAYER}.currentTime") == pytest.approx(12, abs=0.3)
    assert page.evaluate("document.activeElement.tagName") == "TEXTAREA"
    # Ctrl+Space plays and pauses from inside the text box
    box.press("Control+Space")
    page.wait_for_function(f"() => !{PLAYER}.paused")
    box.press("Control+Space")
    page.wait_for_function(f"() => {PLAYER}.paused")

    # pause while typing: typing stops playback, which goes on (a little earlier) after
    page.check("#pause-typing")
    box.press("Control+Space")
    page.wait_for_function(f"() => !{PLAYER}.paused")
    box.press_sequentially("あ")
    assert page.evaluate(f"{PLAYER}.paused")
    page.wait_for_function(f"() => !{PLAYER}.paused", timeout=5000)
    page.keyboard.press("Escape")
    assert problems == []
    context.close()


def test_merge_split_delete_insert_and_speaker_merge(
    served: Served, browser: Any
) -> None:
    context = japanese(browser)
    page, problems = open_meeting(context, served)
    page.on("dialog", lambda dialog: dialog.accept(
        "（資料配布）" if dialog.type == "prompt" else ""))
    original = texts(page)
    assert len(original) == 6

    # the sentence cut over two lines becomes one
    page.locator("#segments .seg").nth(1).locator(".edit").click()
    page.click("#segments [data-tool=merge]")
    page.wait_for_function(lines(5))
    assert texts(page)[1] == "図書館を日曜日の朝に開くのは、平日に働く人が多いからです。"

    # split it again at the cursor: the second part starts at its first word
    page.locator("#segments .seg").nth(1).locator(".edit").click()
    box = page.locator("#segments .seg textarea")
    at = len("図書館を日曜日の朝に開くのは、")
    box.evaluate(f"b => b.setSelectionRange({at}, {at})")
    page.click("#segments [data-tool=split]")
    page.wait_for_function(lines(6))
    assert texts(page)[1:3] == ["図書館を日曜日の朝に開くのは、", "平日に働く人が多いからです。"]
    assert rows(page)[2]["start"] == pytest.approx(7.0)

    # delete a line (asked first), insert one after line 4
    page.locator("#segments .seg").nth(5).locator(".edit").click()
    page.click("#segments [data-tool=delete]")
    page.wait_for_function(lines(5))
    assert "それでは採決します。" not in texts(page)
    page.locator("#segments .seg").nth(3).locator(".edit").click()
    page.click("#segments [data-tool=insert]")
    page.wait_for_function(lines(6))
    assert texts(page)[4] == "（資料配布）"

    # the chair was found as two speakers: naming S3 like S1 offers to merge them
    page.fill("#speakers input[data-speaker='S1']", "田中 議長")
    page.press("#speakers input[data-speaker='S1']", "Enter")
    page.wait_for_function(shown_speaker("田中 議長"))
    page.fill("#speakers input[data-speaker='S3']", "田中 議長")
    page.press("#speakers input[data-speaker='S3']", "Enter")
    page.wait_for_function("() => document.querySelectorAll('#speakers input').length === 2")
    assert page.locator("#speakers .chip").all_inner_texts() == ["S1", "S2"]
    assert [line["speaker"] for line in rows(page)] == ["S1", "S2", "S2", "S1", "S1", "S1"]
    # a speaker the diarizer missed, given lines #2 to #7 (the part split off)
    page.locator("details.tool summary").nth(0).click()
    page.fill("#new-speaker", "事務局")
    page.click("#add-speaker button[type=submit]")
    page.wait_for_function("() => document.querySelectorAll('#speakers input').length === 3")
    # (a speaker added twice would show as a ninth change in the history counted below)
    assert speakers(page) == [("S1", "田中 議長"), ("S2", ""), ("S4", "事務局")]
    page.locator("details.tool summary").nth(2).click()
    page.fill("#range-first", "2")
    page.fill("#range-last", "7")
    page.select_option("#range-speaker", "S4")
    page.click("#speaker-range button[type=submit]")
    page.wait_for_function(
        "() => document.querySelectorAll('#segments .seg')[1].dataset.speaker === 'S4'")
    assert [line["speaker"] for line in rows(page)] == ["S1", "S4", "S4", "S1", "S1", "S1"]
    markdown = page.request.get(
        f"{served.address}/api/meetings/{served.meeting}/export?format=md").text()
    assert markdown.count("田中 議長") >= 2 and "田中 議長、田中 議長" not in markdown

    # every step is in the history, and undone newest first brings the lines back
    page.click("#history summary")
    page.wait_for_selector("#history-list li button")
    assert page.locator("#history-list li").count() == 8
    for undone in range(1, 9):
        page.locator("#history-list li button").first.click()
        page.wait_for_function(
            f"() => document.querySelectorAll('#history-list li em').length === {undone}")
    page.wait_for_function(lines(6))
    assert texts(page) == original
    assert [speaker for speaker, _ in speakers(page)] == ["S1", "S2", "S3"]
    assert problems == []
    context.close()


def test_find_and_replace_all_with_undo(served: Served, browser: Any) -> None:
    context = japanese(browser)
    page, problems = open_meeting(context, served)
    page.click("#find-box summary")
    page.fill("#find-text", "総務医院会")
    page.fill("#replace-text", "総務委員会")
    page.click("#find-form button[type=submit]")
    page.wait_for_selector("#hits li")
    assert page.locator("#hits li").count() == 3
    assert page.locator("#find-count").inner_text() == "3件見つかりました"
    assert page.locator("#replace-all").inner_text() == "すべて置換（3件）"
    shot(page, "proofreading-find-replace-1366.png")
    page.click("#replace-all")
    page.wait_for_selector("#find-count:has-text('見つかりません。')")
    assert not any("総務医院会" in t for t in texts(page))
    assert texts(page)[0] == "ただいまから総務委員会を開会します。"
    page.click("#history summary")
    page.wait_for_selector("#history-list li button")
    assert page.locator("#history-list li").count() == 1  # one change for all three lines
    page.locator("#history-list li button").first.click()
    page.locator("#segments .seg").nth(0).locator(".text", has_text="総務医院会").wait_for()
    assert sum("総務医院会" in t for t in texts(page)) == 3
    assert problems == []
    context.close()


def test_the_date_edited_in_the_page_is_in_the_word_file(
    served: Served, browser: Any
) -> None:
    from docx import Document

    context = japanese(browser, 820)
    page, problems = open_meeting(context, served)
    page.click(".tabs [data-tab=more]")
    assert not page.locator("#facts").is_hidden()
    assert page.locator("#segments").is_hidden()  # tabs at tablet width
    page.fill("#fact-date", "2026-11-20")
    page.fill("#fact-place", "第2委員会室")
    page.fill("#fact-agenda", "令和8年度予算案\n図書館の開館時間")
    page.fill("#fact-summary", "予算案と図書館の開館時間を審議した。")
    page.click("#facts button[type=submit]")
    page.wait_for_selector("#meta:has-text('2026-11-20')")
    page.click(".tabs [data-tab=minutes]")
    assert page.locator("#agenda li").all_inner_texts() == ["令和8年度予算案", "図書館の開館時間"]
    assert page.locator("#minutes-state").count() == 0  # written by hand: no "no model" note
    with page.expect_download() as caught:
        page.click(".tabs [data-tab=more]")
        page.click("#exports a:has-text('DOCX')")
    word = Document(io.BytesIO(Path(caught.value.path()).read_bytes()))
    cells = [c.text for t in word.tables for row in t.rows for c in row.cells]
    assert "2026-11-20" in cells and "第2委員会室" in cells
    body = "\n".join(p.text for p in word.paragraphs)
    assert "予算案と図書館の開館時間を審議した。" in body and "今後の対応" in body
    footer = word.sections[0].footer._element.xml
    assert "PAGE" in footer and "NUMPAGES" in footer  # page numbers, like the PDF
    assert problems == []
    context.close()


def test_a_failed_job_says_why_in_japanese_and_retry_succeeds(
    server: Server, served: Served, browser: Any
) -> None:
    failed = seed_meeting(server.database(), server.data_dir, title="議会運営委員会",
                          job_status="failed", stages=("decode", "transcribe", "diarize"),
                          failed_stage="minutes", error_code="llm_unavailable",
                          error="The minutes server cannot be reached.")
    context = japanese(browser)
    page, problems = open_meeting(context, served, failed)
    failure = page.locator("#failure")
    assert failure.is_visible()
    assert CATALOGUE["llm_unavailable"]["ja"] in failure.inner_text()
    assert page.locator("#minutes-state").inner_text() == \
        "処理が途中で失敗したため、議事要旨はありません。"
    shot(page, "proofreading-failed-1366.png")
    # the list says it in Japanese too
    listing, _ = watched(context)
    listing.goto(served.address + "/")
    row = listing.locator("#meetings tr", has_text="議会運営委員会")
    row.locator(".error").wait_for()
    assert row.locator(".error").inner_text() == CATALOGUE["llm_unavailable"]["ja"]

    page.click("#retry")
    job = page.locator("#meeting").get_attribute("data-job-id")
    page.wait_for_function(job_done(job), timeout=60_000)
    assert failure.is_hidden()
    assert page.locator("#meta").inner_text().startswith("完了")
    assert re.search("言語モデルが設定されていない", page.locator("#minutes").inner_text())
    assert problems == []
    context.close()


def test_a_change_in_one_window_appears_in_another_and_a_stale_save_is_refused(
    served: Served, browser: Any
) -> None:
    context = japanese(browser)
    a, problems_a = open_meeting(context, served)
    b, problems_b = open_meeting(context, served)

    # A corrects line 4; B, only reading, shows it without a reload
    a.locator("#segments .seg").nth(3).locator(".edit").click()
    a.locator("#segments .seg textarea").fill("総務委員会の資料について質問します。")
    a.locator("#segments .seg textarea").press("Control+Enter")
    b.locator("#segments .seg").nth(3).locator(
        ".text", has_text="総務委員会の資料について質問します。").wait_for(timeout=10_000)
    b.wait_for_selector("#toast:has-text('ほかの画面での変更を反映しました。')")

    # B starts editing line 1; A saves line 1 first; B's save is refused with A's text
    b.locator("#segments .seg").nth(0).locator(".edit").click()
    a.locator("#segments .seg").nth(0).locator(".edit").click()
    a.locator("#segments .seg textarea").fill("ただいまから総務委員会を開会いたします。")
    a.locator("#segments .seg textarea").press("Control+Enter")
    a.locator("#segments .seg[data-index='0'][data-version='2']").wait_for()
    b.locator("#segments .seg textarea").fill("ただいまから総務委員会を開きます。")
    b.locator("#segments .seg textarea").press("Control+Enter")
    dialog = b.locator("#conflict")
    dialog.wait_for(state="visible")
    assert b.locator("#conflict-theirs").inner_text() == "ただいまから総務委員会を開会いたします。"
    assert b.locator("#conflict-mine").inner_text() == "ただいまから総務委員会を開きます。"
    shot(b, "proofreading-conflict-1366.png")
    b.click("#keep-theirs")
    b.locator("#segments .seg").nth(0).locator(
        ".text", has_text="ただいまから総務委員会を開会いたします。").wait_for()
    assert texts(b)[0] == "ただいまから総務委員会を開会いたします。"
    # the 409 is the answer asked for, not a fault
    assert [p for p in problems_b if not p.startswith("409 ")] == []
    assert problems_a == []
    context.close()


def test_a_document_arriving_while_a_line_is_typed_waits_until_the_typing_ends(
    served: Served, browser: Any
) -> None:
    from gijiroku import edits

    context = japanese(browser)
    page, problems = open_meeting(context, served)
    title = page.inner_text("#title")
    held: list[Any] = []  # the document answers late, as a busy server does
    path = f"**/api/meetings/{served.meeting}"
    page.route(path, lambda route: held.append(route))
    # another window's change; the page notices it and asks for the document again
    with page.expect_request(lambda r: r.url.endswith(f"/api/meetings/{served.meeting}"),
                             timeout=10_000):
        edits.edit_meeting(served.server.database(), served.meeting,
                             {"title": title + "（修正）"})
    for _ in range(100):  # the request was made: its route handler runs next
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the request was not held back"

    # the clerk starts typing before the document arrives
    page.locator("#segments .seg").nth(1).locator(".edit").click()
    box = page.locator("#segments .seg textarea")
    box.fill("打ちかけの修正")
    held[0].continue_()
    page.unroute(path)
    page.locator("#stale").wait_for()  # arrived, and kept for later (the page says so)
    assert page.inner_text("#stale") == \
        "編集中に会議の内容が更新されました。編集を終えると反映します。"
    assert box.input_value() == "打ちかけの修正"  # the editor was not closed under the clerk
    assert page.inner_text("#title") == title

    with page.expect_response(lambda r: r.request.method == "PATCH"):
        box.press("Control+Enter")
    page.locator("#title", has_text=title + "（修正）").wait_for()  # after the save
    assert page.locator("#stale").is_hidden()
    assert texts(page)[1] == "打ちかけの修正"
    assert page.inner_text("#title") == title + "（修正）"
    assert problems == []
    context.close()


def test_screenshots_at_laptop_and_tablet_widths(served: Served, browser: Any) -> None:
    context = japanese(browser)
    page, laptop_problems = open_meeting(context, served)
    shot(page, "proofreading-meeting-1366.png")
    context.close()
    assert laptop_problems == []

    tablet = japanese(browser, 820)
    page, problems = open_meeting(tablet, served)
    for tab in ("transcript", "speakers", "minutes", "more"):
        page.click(f".tabs [data-tab={tab}]")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, (tab, overflow)
        shot(page, f"proofreading-tablet-{tab}-820.png")
    # the longest title there can be, without a space, wraps instead of widening the pages
    page.fill("#fact-title", "長" * 200)
    page.click("#facts button[type=submit]")
    page.locator("#title", has_text="長" * 200).wait_for()
    listing, listing_problems = watched(tablet)
    listing.goto(served.address + "/")
    listing.wait_for_selector("#meetings tr")
    for shown in (page, listing):
        overflow = shown.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, overflow
    shot(listing, "proofreading-list-long-title-820.png")
    assert problems == [] and listing_problems == []
    tablet.close()


def test_a_gap_is_said_with_its_times_and_typed_into_becomes_a_line(
    served: Served, browser: Any
) -> None:
    """Speech the recogniser gave no text for (transcribe/completeness.py): the page says so
    with the line's times, plays it from its time button, and takes the typed text."""
    with session_scope(served.server.database()) as session:
        row = session.exec(select(SegmentRow).where(
            SegmentRow.meeting_id == served.meeting, SegmentRow.number == 3)).one()
        session.execute(delete(WordRow).where(col(WordRow.segment_id) == row.id))
        row.text, row.gap = "", True
        session.add(row)
    context = japanese(browser)
    page, problems = open_meeting(context, served)
    gap = page.locator("#segments .seg").nth(2)
    assert gap.locator(".text.gap").inner_text() == (
        "聞き取れなかった発言（0:07–0:09）：再生して発言を入力するか、行を削除してください")
    gap.locator(".time").click()
    assert page.evaluate(f"{PLAYER}.currentTime") == pytest.approx(7.0, abs=0.3)
    gap.locator(".edit").click()
    box = page.locator("#segments .seg textarea")
    assert box.input_value() == ""
    box.fill("平日に働く人が多いからです。")
    box.press("Control+Enter")
    gap.locator(".text:not(.gap)", has_text="平日に働く人が多いからです。").wait_for()
    assert page.locator("#segments .seg .text.gap").count() == 0
    assert texts(page)[2] == "平日に働く人が多いからです。"
    assert problems == []
    context.close()


def test_a_typed_line_survives_every_other_change_and_leaving_asks(
    served: Served, browser: Any
) -> None:
    """A correction typed into a line and not saved stays in its editor while the clerk renames a
    speaker, replaces across the meeting, another window changes the meeting and a re-run of
    the minutes finishes; closing the page then asks first; saving keeps it, and another
    line can be opened afterwards (a rename used to leave no line openable)."""
    import httpx

    from gijiroku import edits

    context = browser.new_context(locale="ja-JP", viewport={"width": 1366, "height": 900})
    page, problems = open_meeting(context, served)
    meeting = f"/api/meetings/{served.meeting}"
    row = page.locator("#segments .seg").nth(1)
    row.locator(".edit").click()
    box = page.locator("#segments .seg textarea")
    box.fill("図書館を日曜日の朝に開くのは（打ちかけ）")
    typed = box.input_value()

    # a speaker renamed in the speakers panel: names are drawn again on every line
    with page.expect_response(lambda r: r.request.method == "PATCH" and "/speakers/" in r.url):
        page.fill("#speakers input[data-speaker=S1]", "山田委員長")
        page.press("#speakers input[data-speaker=S1]", "Enter")
    page.locator("#segments .seg .who", has_text="山田委員長").first.wait_for()
    assert box.count() == 1 and box.input_value() == typed

    # replace across the meeting (not this line): the lines are drawn again
    page.click("#find-box summary")
    page.fill("#find-text", "総務医院会")
    page.fill("#replace-text", "総務委員会")
    page.locator("#find-form button[type=submit]").click()
    page.locator("#hits .hit").first.wait_for()
    with page.expect_response(lambda r: r.url.endswith("/replace")):
        page.click("#replace-all")
    page.locator("#segments .seg .text", has_text="総務委員会").first.wait_for()
    assert box.count() == 1 and box.input_value() == typed

    # another window changes the meeting, and a re-run of the minutes finishes: both
    # documents are kept for later, not drawn over the editor
    edits.edit_meeting(served.server.database(), served.meeting, {"place": "第2委員会室"})
    rerun = httpx.post(f"{served.address}{meeting}/rerun", json={"stage": "minutes"})
    assert rerun.status_code == 202, rerun.text
    job = rerun.json()["id"]
    assert wait_for(lambda: httpx.get(f"{served.address}/api/jobs/{job}").json()["status"]
                    == "done")
    page.locator("#stale").wait_for()  # the page heard of them (server-sent events)
    assert box.count() == 1 and box.input_value() == typed

    # closing the page with the correction unsaved asks; answered "stay", it stays
    asked: list[str] = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    page.close(run_before_unload=True)
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"] and not page.is_closed()
    assert box.input_value() == typed

    with page.expect_response(lambda r: r.request.method == "PATCH" and "/segments/" in r.url):
        box.press("Control+Enter")
    assert row.locator(".text").inner_text() == typed
    page.locator("#segments .seg").nth(2).locator(".edit").click()  # another line opens
    assert box.count() == 1
    box.press("Escape")
    page.locator("#meta", has_text="第2委員会室").wait_for()  # the kept document, drawn now
    assert page.locator("#stale").is_hidden()
    page.close(run_before_unload=True)  # nothing unsaved: no question
    assert asked == ["beforeunload"]
    assert problems == [], problems
    context.close()


def test_a_speaker_name_being_typed_survives_a_redraw(served: Served, browser: Any) -> None:
    """A name typed into the speakers panel, not yet sent, is kept when the meeting is drawn
    again under it (here another window's change; a page's own echo does the same)."""
    from gijiroku import edits

    context = japanese(browser)
    page, problems = open_meeting(context, served)
    box = page.locator("#speakers input[data-speaker='S2']")
    box.fill("山田委員")
    title = page.inner_text("#title")
    edits.edit_meeting(served.server.database(), served.meeting, {"title": title + "（再）"})
    page.locator("#title", has_text=title + "（再）").wait_for()  # drawn again
    assert box.input_value() == "山田委員"
    assert page.evaluate("document.activeElement.dataset.speaker") == "S2"
    # the redraw sent nothing: a half-typed name is not saved because the panel was redrawn
    page.wait_for_timeout(500)
    assert stored_name(served, "S2") is None
    box.press("Enter")  # the person's Enter saves it
    page.wait_for_function(shown_speaker("山田委員"))
    assert stored_name(served, "S2") == "山田委員"
    assert problems == []
    context.close()


def test_lines_a_redraw_does_not_change_stay_the_same_elements(
        served: Served, browser: Any) -> None:
    """The meeting drawn again (another window's change, a job's end, this page's own save)
    keeps every line it did not change as the same element, so a click on a line's time or
    修正 at that moment is not swallowed by a row replaced under the pointer; a line that
    changed is drawn anew, alone."""
    from gijiroku import edits

    engine = served.server.database()
    context = japanese(browser)
    page, problems = open_meeting(context, served)
    rows = "() => [...document.querySelectorAll('#segments .seg')]"
    page.evaluate(f"() => {{ window.rowsBefore = ({rows})(); }}")
    title = page.inner_text("#title")
    edits.edit_meeting(engine, served.meeting, {"title": title + "（確認）"})
    page.locator("#title", has_text=title + "（確認）").wait_for()  # drawn again
    same = f"() => ({rows})().map((row, i) => row === window.rowsBefore[i])"
    assert all(page.evaluate(same))
    third = page.locator("#segments .seg").nth(2)
    number, text = int(third.get_attribute("data-id")), third.locator(".text").inner_text()
    edits.edit_segment(engine, served.meeting, number, text=text + "（追記）")
    page.wait_for_function(f"() => ({rows})()[2].textContent.includes('（追記）')")
    kept = page.evaluate(same)
    assert kept == [index != 2 for index in range(len(kept))]
    # a row kept from before still works: its 修正 opens the line
    page.locator("#segments .seg").nth(0).locator(".edit").click()
    assert page.locator("#segments .seg").nth(0).locator("textarea").is_visible()
    assert problems == []
    context.close()


def test_a_suggested_person_is_confirmed_with_one_click_and_a_roster_name_enrols(
        served: Served, browser: Any) -> None:
    """The roster in the meeting page: a speaker whose voice matched a voiceprint shows the
    person with the score and a button that confirms it; typing a roster name into another
    speaker's box confirms that one too (its voice kept); the roster page lists both with
    their voiceprints, and a clerk's Shift_JIS CSV is imported there."""
    from gijiroku import roster
    from gijiroku.domain import Speaker, Voice
    from gijiroku.storage import repository

    engine = served.server.database()
    roster.add_person(engine, "田中太郎", title="議長", roster="市議会")
    roster.add_person(engine, "石川隆之", seat=8, roster="市議会")
    model = "test:browser"
    tanaka, ishikawa = (1.0, 0.0, 0.0), (0.0, 1.0, 0.0)
    with session_scope(engine) as session:
        earlier = repository.create_meeting(session, title="前回", source_name="x.flac",
                                            source_path="", content_hash="1")
        repository.save_speakers(session, meeting_id=earlier.id, speakers=[
            Speaker("S1", "SPEAKER_00", voice=Voice(tanaka, model, 20.0))])
        earlier_id = earlier.id
        repository.save_speakers(session, meeting_id=served.meeting, speakers=[
            Speaker("S1", "SPEAKER_01", voice=Voice(tanaka, model, 20.0)),
            Speaker("S2", "SPEAKER_02", voice=Voice(ishikawa, model, 20.0)),
            Speaker("S3", "SPEAKER_00", voice=Voice((0.0, 0.0, 1.0), model, 20.0))])
    from gijiroku import edits

    edits.enrol(engine, earlier_id, "S1", "田中太郎")
    roster.suggest_again(engine, served.meeting, 0.9)

    context = japanese(browser)
    page, problems = open_meeting(context, served)
    suggestion = page.locator("#speakers .person-suggestion")
    assert suggestion.count() == 1
    assert "田中太郎" in suggestion.inner_text() and "100%" in suggestion.inner_text()
    page.click("#speakers button[data-confirm='S1']")
    page.wait_for_function(shown_speaker("田中太郎"))
    page.locator("#speakers .person-confirmed").first.wait_for()
    assert stored_name(served, "S1") == "田中太郎"
    # a roster name typed (spaces aside) confirms the person and keeps the voice
    box = page.locator("#speakers input[data-speaker='S2']")
    box.fill("石川 隆之")
    box.press("Enter")
    page.wait_for_function(shown_speaker("石川隆之"))
    assert page.locator("#speakers .person-confirmed").count() == 2
    entries = {e.person.name: e for e in roster.entries(engine)}
    assert entries["石川隆之"].voiceprints == {model: 1}
    assert entries["田中太郎"].voiceprints == {model: 2}
    page.screenshot(path=str(ARTIFACTS / "roster-speakers-ja.png"))

    page.goto(f"{served.address}/roster")
    page.wait_for_selector("#people tr[data-person='石川隆之']")
    assert "1件" in page.inner_text("#people tr[data-person='石川隆之'] .voiceprints")
    page.set_input_files("#import-form input[name=file]", files=[{
        "name": "名簿.csv", "mimeType": "text/csv",
        "buffer": "氏名,ふりがな,議席,役職,会派\n小林恵子,こばやしけいこ,,総務部長,総務部\n"
                  .encode("cp932")}])
    page.fill("#import-form input[name=roster]", "市議会")
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#people tr[data-person='小林恵子']")
    assert "総務部長" in page.inner_text("#people tr[data-person='小林恵子']")
    page.screenshot(path=str(ARTIFACTS / "roster-page-ja.png"), full_page=True)
    assert problems == []
    context.close()


def select_text(page: Any, first: int, start: int, last: int, end: int) -> None:
    """Select characters of the lines #first..#last as a mouse drag would."""
    page.evaluate("""([first, start, last, end]) => {
      const point = (line, at) => {
        const text = document.querySelector(`#segments li.seg[data-id="${line}"] p.text`);
        const walker = document.createTreeWalker(text, NodeFilter.SHOW_TEXT);
        let node = walker.nextNode(), left = at;
        while (node && left > node.textContent.length) {
          left -= node.textContent.length; node = walker.nextNode();
        }
        return [node, left];
      };
      const range = document.createRange();
      range.setStart(...point(first, start));
      range.setEnd(...point(last, end));
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
    }""", [first, start, last, end])


def test_marks_set_by_selection_suggestions_accepted_and_a_public_download(
        server: Server, browser: Any) -> None:
    """取消し, 秘密会 and 個人情報 in the meeting page: a withdrawn passage marked by selecting
    it, a closed session by selecting across two lines, a suggested name accepted and a
    suggested phone number dismissed; the public copy downloaded from the page holds none of
    the marked text."""
    from tests.marks.test_copies import ADDRESS, CLOSED, LINES, NAME, PHONE, WITHDRAWN, store

    meeting = store(server.database(), server.data_dir)
    served = Served(server, meeting)
    context = japanese(browser)
    page, problems = open_meeting(context, served)
    assert page.locator("#marks li").inner_text() == "印はありません。"
    at = LINES[1][1].index(WITHDRAWN)
    select_text(page, 2, at, 2, at + len(WITHDRAWN))
    page.select_option("#mark-kind", "withdrawn")
    page.fill("#mark-permitted", "5")
    page.click("#mark-form button[type=submit]")
    page.wait_for_selector("#segments li.seg[data-id='2'] mark.marked-withdrawn")
    assert page.inner_text("#segments li.seg[data-id='2'] mark") == WITHDRAWN
    select_text(page, 7, 0, 8, len(CLOSED[1]))
    page.select_option("#mark-kind", "closed")
    page.click("#mark-form button[type=submit]")
    page.wait_for_selector("#segments li.seg[data-id='8'] mark.marked-closed")
    # a mark over two lines: the first from where it starts to its end, the next up to
    # where it ends
    assert page.inner_text("#segments li.seg[data-id='7'] mark.marked-closed") == CLOSED[0]
    assert page.inner_text("#segments li.seg[data-id='8'] mark.marked-closed") == CLOSED[1]
    page.click("#mark-suggestions-box summary")
    page.wait_for_selector("#mark-suggestions li.suggested-mark")
    suggested = page.locator("#mark-suggestions li.suggested-mark")
    assert any(NAME in text for text in suggested.all_inner_texts())
    suggested.filter(has_text=NAME).locator("button", has_text="採用").click()
    page.wait_for_selector("#segments li.seg[data-id='10'] mark.marked-personal")
    suggested.filter(has_text=PHONE).locator("button", has_text="却下").click()
    page.wait_for_function(f"() => ![...document.querySelectorAll('#mark-suggestions li')]"
                           f".some((li) => li.textContent.includes('{PHONE}'))")
    suggested.filter(has_text=ADDRESS).locator("button", has_text="採用").click()
    page.wait_for_selector("#segments li.seg[data-id='11'] mark.marked-personal")
    # the member's request quotes the withdrawn words: suggested from the chair's permission
    suggested.filter(has_text="発言の取消し").filter(has_text="#4").locator(
        "button", has_text="採用").click()
    page.wait_for_function("() => document.querySelectorAll('#marks li.mark-entry').length "
                           "=== 5")
    page.screenshot(path=str(ARTIFACTS / "marks-ja.png"), full_page=True)
    page.select_option("#export-copy", "public")
    with page.expect_download() as caught:
        page.click("#exports a:has-text('MD')")
    public = Path(caught.value.path()).read_text()
    for secret in (WITHDRAWN, *CLOSED, NAME, ADDRESS):
        assert secret not in public, secret
    assert PHONE in public  # dismissed, so not marked: the clerk decided
    assert "━" * len(WITHDRAWN) in public and "〔秘密会（" in public and "〔氏名〕" in public
    # a mark removed from the list, and its removal undone from the history
    page.locator("#marks li.mark-entry", has_text=NAME).locator("button").click()
    page.wait_for_function("() => document.querySelectorAll('#marks li.mark-entry').length "
                           "=== 4")
    page.click("#history summary")
    page.wait_for_selector("#history-list li button")
    assert "個人情報の印を外す" in page.locator("#history-list li").first.inner_text()
    page.locator("#history-list li button").first.click()
    page.wait_for_function("() => document.querySelectorAll('#marks li.mark-entry').length "
                           "=== 5")
    assert problems == []
    context.close()
