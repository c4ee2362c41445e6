"""People in Debian's chromium, against a real `gijiroku serve` with accounts: an editor
signs in with a name and password, proofreads a line and submits the meeting for review; an
approver signs in, finds it in the review queue and approves it (the page then refuses
changes); a viewer of another section sees no meeting, in the list or by its address; an
admin reads those steps in the audit log page and checks its chain; a person signs in
through the organisation's OpenID Connect provider (run by the tests); a clerk searches
every meeting, plays a line found, and asks a question answered by the embedded model."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from gijiroku import accounts
from gijiroku.storage import repository, session_scope
from tests.oidc_provider import CLIENT_ID, Person, Provider
from tests.search.test_ask import FILLER
from tests.search.test_search import store, store_all
from tests.seed import seed_meeting
from tests.serving import Server, serving
from tests.web.test_browser import ARTIFACTS, watched

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    with Provider([Person("u-9", "oidc-editor", "provider-password",
                          ("gijiroku-editors", "総務課"))]).serve() as running:
        yield running


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, provider: Provider) -> Iterator[Server]:
    with serving(tmp_path_factory.mktemp("accounts"), GIJIROKU_OIDC_ISSUER=provider.issuer,
                 GIJIROKU_OIDC_CLIENT_ID=CLIENT_ID,
                 GIJIROKU_LLM_BACKEND="embedded") as served:  # (questions: test_search_...)
        yield served


def sign_in(browser: Any, server: Server, name: str) -> tuple[Any, Any, list[str]]:
    context = browser.new_context(locale="ja-JP", viewport={"width": 1366, "height": 900})
    page, problems = watched(context)
    page.goto(f"{server.address}/")
    page.wait_for_selector("input[name=name]")  # accounts exist: the sign-in form
    page.fill("input[name=name]", name)
    page.fill("input[name=token]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{server.address}/")
    return context, page, problems


def test_an_editor_submits_an_approver_approves_another_section_sees_nothing(
        server: Server, browser: Any) -> None:
    engine = server.database()
    meeting = seed_meeting(engine, server.data_dir)
    accounts.create_user(engine, "田中", "editor", groups=["総務課"], password=PASSWORD)
    accounts.create_user(engine, "鈴木", "approver", groups=["総務課"], password=PASSWORD)
    accounts.create_user(engine, "佐藤", "viewer", groups=["議会事務局"], password=PASSWORD)
    with session_scope(engine) as session:
        row = repository.get_meeting_row(session, meeting)
        row.section_id = accounts.section(session, "総務課").id
        session.add(row)

    context, page, problems = sign_in(browser, server, "田中")
    page.goto(f"{server.address}/meetings/{meeting}")
    page.wait_for_selector("#segments .seg")
    assert page.inner_text("#state-badge") == "下書き"
    page.locator("#segments .seg").nth(0).locator(".edit").click()
    page.locator("#segments .seg textarea").fill("ただいまから総務委員会を開会します。")
    page.locator("#segments .seg textarea").press("Control+Enter")
    page.locator("#segments .seg").nth(0).locator(".text", has_text="総務委員会を").wait_for()
    page.fill("#state-comment", "校正をお願いします")
    page.click("#state-actions button[data-to=review]")
    page.wait_for_selector("#state-badge[data-state=review]")
    page.click("#history summary")
    page.wait_for_selector("#history-list li .author")
    assert "田中" in page.locator("#history-list li").first.inner_text()
    assert problems == []
    context.close()

    context, page, problems = sign_in(browser, server, "鈴木")
    # the approver's queue: the meetings in review, with who sent them and why
    page.click("nav a[href='/?queue=mine']")
    queued = page.wait_for_selector(f"#meetings tr[data-id='{meeting}'][data-state=review]")
    assert queued is not None and "田中" in queued.inner_text()
    assert "校正をお願いします" in queued.inner_text()
    assert page.inner_text("#list-heading") == "承認を待っている会議"
    page.goto(f"{server.address}/meetings/{meeting}")
    page.wait_for_selector("#state-badge[data-state=review]")
    assert "田中" in page.inner_text("#state-last")
    page.click("#state-actions button[data-to=approved]")
    page.wait_for_selector("#state-badge[data-state=approved]")
    page.wait_for_selector("#state-step-list li[data-to=approved]", state="attached")
    assert "鈴木" in page.inner_text("#state-last")
    page.screenshot(path=str(ARTIFACTS / "workflow-approved-ja.png"))
    # approved: a change is refused, and the page says why
    page.locator("#segments .seg").nth(1).locator(".edit").click()
    page.locator("#segments .seg textarea").fill("変更")
    page.locator("#segments .seg textarea").press("Control+Enter")
    page.wait_for_selector("#toast:has-text('変更できません')")
    assert any(p.startswith("409 PATCH") for p in problems)
    context.close()

    context, page, problems = sign_in(browser, server, "佐藤")
    page.wait_for_selector("#meetings, .empty, main")
    page.wait_for_load_state("networkidle")
    assert "総務委員会" not in page.inner_text("main")
    answer = page.goto(f"{server.address}/meetings/{meeting}")
    assert answer is not None and answer.status == 404
    context.close()


def test_an_admin_reads_the_steps_in_the_audit_log_and_checks_its_chain(
        server: Server, browser: Any) -> None:
    """(After the test above: its sign-ins and steps are in the log.)"""
    accounts.create_user(server.database(), "監査", "admin", password=PASSWORD)
    context, page, problems = sign_in(browser, server, "監査")
    page.click("a[href='/users']")  # a new group, on the people page
    page.fill("#group-form input[name=name]", "福祉課")
    page.click("#group-form button[type=submit]")
    page.wait_for_selector("#groups tr[data-group='福祉課']")
    assert "田中" in page.inner_text("#groups tr[data-group='総務課']")
    # a meeting moved to another group on its page
    with session_scope(server.database()) as session:  # (the test above's)
        meeting = repository.list_meetings(session, "総務委員会")[0][-1].id
    page.goto(f"{server.address}/meetings/{meeting}")
    page.wait_for_selector("#group-select option[value='福祉課']", state="attached")
    # the groups and the meeting's document load apart: wait for the document's group
    page.wait_for_function("() => document.getElementById('group-name').textContent !== ''")
    assert page.inner_text("#group-name") == "総務課"
    page.select_option("#group-select", "福祉課")
    page.click("#group-move")
    page.wait_for_function("() => document.getElementById('group-name').textContent === '福祉課'")
    page.click("a[href='/audit']")
    page.wait_for_selector("#audit-entries tr[data-action=state]")
    page.select_option("#audit-filter select[name=action]", "state")
    page.click("#audit-filter button[type=submit]")
    page.wait_for_function("""() => {
        const rows = [...document.querySelectorAll('#audit-entries tr')];
        return rows.length === 2 && rows.every((r) => r.dataset.action === 'state'); }""")
    steps = page.inner_text("#audit-entries")
    assert "鈴木" in steps and "田中" in steps and "状態の変更" in steps
    page.fill("#audit-filter input[name=actor]", "佐藤")
    page.select_option("#audit-filter select[name=action]", "sign_in")
    page.click("#audit-filter button[type=submit]")
    page.wait_for_function("""() => [...document.querySelectorAll('#audit-entries tr')]
        .every((r) => r.dataset.action === 'sign_in')""")
    assert "佐藤" in page.inner_text("#audit-entries")
    page.click("#audit-verify")
    page.wait_for_selector("#audit-chain.ok")
    assert "改ざんされていません" in page.inner_text("#audit-chain")
    page.screenshot(path=str(ARTIFACTS / "audit-log-ja.png"))
    assert problems == []
    context.close()


def test_a_person_signs_in_through_the_organisations_provider(
        server: Server, browser: Any, provider: Provider) -> None:
    accounts.create_user(server.database(), "管理", "admin", password=PASSWORD)  # (if none)
    context = browser.new_context(locale="ja-JP", viewport={"width": 1366, "height": 900})
    page, problems = watched(context)
    page.goto(f"{server.address}/dictionary")
    page.click("#oidc-sign-in")
    page.wait_for_selector("#provider-sign-in")  # the provider's own form
    page.fill("#username", "oidc-editor")
    page.fill("#password", "provider-password")
    page.click("#provider-sign-in")
    page.wait_for_url(f"{server.address}/dictionary")  # back, signed in, where they were
    page.wait_for_selector("form[action='/logout']")
    assert page.evaluate("document.body.dataset.role") == "editor"
    assert problems == []
    context.close()


def test_search_play_a_line_and_ask_the_minutes(server: Server, browser: Any) -> None:
    engine = server.database()
    accounts.create_user(engine, "書記", "admin", password=PASSWORD)
    with_audio = seed_meeting(engine, server.data_dir, title="図書館協議会")
    for title, day, kind, group, lines in FILLER[:6]:
        store(engine, title, day, kind, group, lines)
    archive = store_all(engine)
    context, page, problems = sign_in(browser, server, "書記")
    page.click("a[href='/search']")
    page.fill("#search-form input[name=q]", "日曜日")
    page.click("#search-form button[type=submit]")
    hit = page.locator(f".hit-meeting[data-meeting='{with_audio}'] li.hit")
    hit.wait_for()
    assert hit.locator("mark").inner_text() == "日曜日"
    assert hit.locator("a").get_attribute("href") == f"/meetings/{with_audio}#line-2"
    hit.locator("button.play").click()  # plays from the line's start
    page.wait_for_function("""() => { const p = document.getElementById('search-player');
        return !p.paused && p.currentTime >= 4.0; }""")
    page.evaluate("document.getElementById('search-player').pause()")
    # filters: the kind of meeting
    page.fill("#search-form input[name=q]", "図書館")
    page.select_option("#search-form select[name=kind]", "honkaigi")
    page.click("#search-form button[type=submit]")
    page.wait_for_function("""() => document.querySelectorAll('.hit-meeting').length === 1
        && document.querySelector('.hit-meeting').textContent.includes('本会議')""")
    page.screenshot(path=str(ARTIFACTS / "search-ja.png"))
    # a question, answered by the embedded model from the one line that says it
    page.fill("#question", "図書館の開館時間は何時までになりますか")
    page.click("#ask-form button[type=submit]")
    page.wait_for_selector("#ask-text[data-found]", timeout=180_000)
    assert page.get_attribute("#ask-text", "data-found") == "true"
    cited = page.locator("#ask-citations li")
    assert "午後八時まで延長" in cited.first.inner_text()
    assert cited.first.locator("a").get_attribute("href") == \
        f"/meetings/{archive['総務委員会']}#line-3"
    page.screenshot(path=str(ARTIFACTS / "ask-ja.png"))
    # the line's link opens the meeting at that line
    page.goto(f"{server.address}/meetings/{with_audio}#line-2")
    page.wait_for_selector("#segments .seg.current[data-id='2']")
    assert problems == []
    context.close()
