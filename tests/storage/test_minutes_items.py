"""Decisions and action items as rows: two people saving one item at the same instant, on a
real SQLite file and the real PostgreSQL server, and the migration of items stored inside
the minutes before they were rows."""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from typing import Any

from sqlalchemy import Engine
from sqlmodel import col, select

from gijiroku import edits
from gijiroku.domain import ActionItem, Decision, Minutes
from gijiroku.errors import GijirokuError, NotFoundError, StaleVersionError
from gijiroku.options import MeetingOptions
from gijiroku.storage import repository, session_scope
from gijiroku.storage.tables import MinutesItemRow

ROUNDS = 15


def a_meeting(engine: Engine) -> str:
    with session_scope(engine) as session:
        meeting = repository.create_meeting(
            session, title="総務委員会", source_name="x.flac", source_path="x/original.flac",
            content_hash="0" * 64, options=MeetingOptions())
        repository.save_minutes(session, meeting.id, Minutes(
            status="done", decisions=[Decision("原案のとおり可決")],
            action_items=[ActionItem("資料を配布", owner="総務課")]))
        return meeting.id


def at_once(*saves: Callable[[], Any]) -> list[str]:
    """Run the saves in threads released together; what each ended in."""
    start = threading.Barrier(len(saves))
    outcomes: list[str] = [""] * len(saves)

    def run(index: int) -> None:
        start.wait()
        try:
            saves[index]()
            outcomes[index] = "saved"
        except StaleVersionError:
            outcomes[index] = "stale"
        except NotFoundError:
            outcomes[index] = "gone"
        except GijirokuError as exc:  # anything else is a failure of the test
            outcomes[index] = f"error: {exc}"

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(saves))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


def test_two_saves_of_one_item_on_one_version_give_one_success_and_one_refusal(
        db: Engine) -> None:
    meeting_id = a_meeting(db)
    with session_scope(db) as session:
        [item] = repository.minutes_of(
            session, repository.get_meeting_row(session, meeting_id)).decisions
    version = item.version
    for round_ in range(ROUNDS):
        outcomes = at_once(*(
            partial(edits.patch_minutes_item, db, meeting_id, "decisions", item.id,
                    {"text": f"{who} の修正 {round_}"}, version)
            for who in ("A", "B")))
        assert sorted(outcomes) == ["saved", "stale"], (round_, outcomes)
        version += 1
        with session_scope(db) as session:
            row = session.get(MinutesItemRow, item.id)
            assert row is not None and row.version == version
            assert row.text.endswith(f"の修正 {round_}")
    # the history has one entry per save that went through, each undoable in turn
    entries = [e for e in edits.history_of(db, meeting_id) if e.kind == "decisions"]
    assert len(entries) == ROUNDS
    assert [e.before["version"] for e in entries] == list(range(1, ROUNDS + 1))


def test_a_change_and_a_deletion_at_once_one_wins(db: Engine) -> None:
    for round_ in range(ROUNDS // 3):
        meeting_id = a_meeting(db)
        with session_scope(db) as session:
            [action] = repository.minutes_of(
                session, repository.get_meeting_row(session, meeting_id)).action_items
        outcomes = at_once(
            partial(edits.patch_minutes_item, db, meeting_id, "action_items", action.id,
                    {"owner": "財政課"}, action.version),
            partial(edits.delete_minutes_item, db, meeting_id, "action_items", action.id,
                    action.version))
        assert sorted(outcomes) in (["saved", "stale"], ["gone", "saved"]), (round_, outcomes)
        with session_scope(db) as session:
            left = session.exec(select(MinutesItemRow).where(
                MinutesItemRow.meeting_id == meeting_id,
                MinutesItemRow.kind == "action_items")).all()
        assert len(left) == (1 if outcomes[0] == "saved" else 0)
        if left:
            assert left[0].owner == "財政課" and left[0].version == action.version + 1


def test_items_stored_inside_the_minutes_become_rows_and_go_back(tmp_path: Any) -> None:
    """Migration 0011 on a SQLite file holding a meeting from before it: its decisions and
    action items become rows with ids, in their order, with their versions and marks; the
    downgrade puts them back into the minutes."""
    import json

    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine, text

    from gijiroku.storage.db import MIGRATIONS

    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))

    def to(revision: str, down: bool = False) -> None:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            (command.downgrade if down else command.upgrade)(config, revision)

    minutes = {"summary": "要約", "topics": ["議題"], "decisions": [
        {"text": "可決", "segments": [3], "flagged": False, "edited": True, "version": 4},
        {"text": "継続審査", "segments": [], "flagged": True, "edited": False, "version": 1}],
        "action_items": [{"task": "資料を配布", "owner": "総務課", "due": "来週",
                          "due_date": None, "segments": [5], "flagged": False,
                          "edited": False, "version": 2}]}
    to("0010")
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO meeting (id, title, status, source_name, source_path, content_hash,"
            " options, completed_stages, minutes_status, minutes, created_at, updated_at)"
            " VALUES ('m1', 't', 'done', 'x', 'x', '0', '{}', '[]', 'done', :minutes,"
            " '2026-12-01', '2026-12-01')"), {"minutes": json.dumps(minutes)})
    to("0011")
    with engine.begin() as connection:
        rows = connection.execute(text(
            "SELECT id, kind, position, text, owner, segments, flagged, edited, version "
            "FROM minutes_item ORDER BY kind, position")).all()
        stored = json.loads(connection.execute(text(
            "SELECT minutes FROM meeting")).scalar_one())
    assert [(r.kind, r.position, r.text, r.owner, json.loads(r.segments), r.flagged,
             r.edited, r.version) for r in rows] == [
        ("action_items", 0, "資料を配布", "総務課", [5], 0, 0, 2),
        ("decisions", 0, "可決", None, [3], 0, 1, 4),
        ("decisions", 1, "継続審査", None, [], 1, 0, 1)]
    assert len({r.id for r in rows}) == 3 and all(r.id for r in rows)
    assert stored == {"summary": "要約", "topics": ["議題"]}
    to("0010", down=True)
    with engine.begin() as connection:
        back = json.loads(connection.execute(text("SELECT minutes FROM meeting")).scalar_one())
    assert back["decisions"] == minutes["decisions"]
    assert back["action_items"] == minutes["action_items"]
    engine.dispose()


def test_a_due_date_typed_as_a_day_is_the_items_date(db: Engine) -> None:
    """The page sends what was typed; the core decides whether it is a day (not the page)."""
    meeting_id = a_meeting(db)
    for typed, day in (("2027-02-26", "2027-02-26"), (" 2027-02-26 ", "2027-02-26"),
                       ("2027-02-30", None), ("来月末", None), (None, None)):
        edits.add_minutes_item(db, meeting_id, ActionItem("資料を配布", due=typed))
        with session_scope(db) as session:
            row = session.exec(select(MinutesItemRow).where(
                MinutesItemRow.meeting_id == meeting_id)
                .order_by(col(MinutesItemRow.position).desc())).first()
            assert row is not None and row.due_date == day, typed
    # a worked-out date sent beside words (as the minutes stage gives them) is kept
    edits.add_minutes_item(db, meeting_id, ActionItem("報告", due="2月末", due_date="2027-02-28"))
    with session_scope(db) as session:
        assert "2027-02-28" in [r.due_date for r in session.exec(select(MinutesItemRow))]
