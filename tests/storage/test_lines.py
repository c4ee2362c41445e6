"""Line surgery and versions on both databases: each change and its undo leave the lines as
they were (words, times, speakers, numbers), and a save against an old version is refused."""

from pathlib import Path

import pytest
from sqlalchemy import Engine

from gijiroku import edits
from gijiroku.errors import StaleVersionError
from gijiroku.storage import repository, session_scope
from tests.seed import seed_meeting


def snapshot(engine: Engine, meeting: str) -> tuple[list[tuple], list[tuple]]:  # type: ignore[type-arg]
    """The lines (words, times, speakers, numbers) and the speakers (ids, labels, names)."""
    with session_scope(engine) as session:
        found = repository.load_meeting(session, meeting)
    return ([(s.id, s.start, s.end, s.speaker, s.text,
              [(w.start, w.end, w.text, w.speaker) for w in s.words]) for s in found.segments],
            [(s.id, s.label, s.name) for s in found.speakers])


def test_each_change_and_its_undo_on_both_databases(
    db: Engine, tmp_path: Path
) -> None:
    meeting = seed_meeting(db, tmp_path)
    original = snapshot(db, meeting)
    changes = [
        lambda: edits.merge_with_next(db, meeting, 2),
        lambda: edits.split_line(db, meeting, 4, 5),
        lambda: edits.delete_line(db, meeting, 6),
        lambda: edits.insert_line(db, meeting, 1, "（休憩）"),
        lambda: edits.set_speaker(db, meeting, 1, 4, "S2"),
        lambda: edits.replace(db, meeting, "総務医院会", "総務委員会"),
        lambda: edits.merge_speakers(db, meeting, "S3", "S1"),
        lambda: edits.add_speaker(db, meeting, "事務局"),
    ]
    for change in changes:
        edit = change()
        assert edit is not None
        # every change shows, a speaker merged or added (no line changed) in the speakers
        assert snapshot(db, meeting) != original, edit.target
        edits.undo(db, meeting, edit.id or 0)
        assert snapshot(db, meeting) == original, edit.target
    with session_scope(db) as session:
        assert [s.id for s in repository.load_speakers(session, meeting)] == ["S1", "S2", "S3"]


def test_versions_count_changes_and_refuse_stale_saves(
    db: Engine, tmp_path: Path
) -> None:
    meeting = seed_meeting(db, tmp_path)
    edits.edit_segment(db, meeting, 1, text="一", version=1)
    edits.replace(db, meeting, "一", "二")  # any change counts, a dictionary's or a search's
    with session_scope(db) as session:
        assert repository.load_segment(session, meeting, 1).version == 3
    with pytest.raises(StaleVersionError) as refused:
        edits.edit_segment(db, meeting, 1, text="三", version=2)
    assert refused.value.current["text"] == "二" and refused.value.current["version"] == 3


def test_a_line_number_is_never_given_twice_and_a_citation_of_a_line_undone_away_is_flagged(
    db: Engine, tmp_path: Path
) -> None:
    """Insert a line (#7), cite it in a decision, undo the insert: the decision loses that
    citation and is flagged; the next insert is #8, never #7 again (the decision would
    have come to cite an unrelated remark). The same for a line split off and undone."""
    from gijiroku.domain import Decision

    meeting = seed_meeting(db, tmp_path)
    inserted = edits.insert_line(db, meeting, 4, "（資料配布）")
    [number] = [s["number"] for s in inserted.after["lines"]]
    assert number == 7
    edits.add_minutes_item(db, meeting, Decision("資料を配布した", segments=[number, 5]))
    edits.undo(db, meeting, inserted.id or 0)
    with session_scope(db) as session:
        [decision] = repository.load_meeting(session, meeting).minutes.decisions
    assert decision.segments == [5] and decision.flagged and decision.version == 2
    again = edits.insert_line(db, meeting, 4, "（資料配布）")
    assert [s["number"] for s in again.after["lines"]] == [8]

    split = edits.split_line(db, meeting, 2, 4)
    off = max(s["number"] for s in split.after["lines"])
    assert off == 9
    edits.add_minutes_item(db, meeting, Decision("図書館の開館", segments=[off]))
    edits.undo(db, meeting, split.id or 0)
    with session_scope(db) as session:
        decisions = repository.load_meeting(session, meeting).minutes.decisions
    assert (decisions[1].segments, decisions[1].flagged) == ([], True)
    assert max(s["number"] for s in edits.split_line(db, meeting, 2, 4).after["lines"]) == 10


def texts_of(engine: Engine, meeting: str) -> list[str]:
    with session_scope(engine) as session:
        return [s.text for s in repository.load_meeting(session, meeting).segments]


@pytest.mark.parametrize("replacement", [r"\1", r"\g<0>", "C:\\new\\table"])
def test_replacement_text_is_stored_as_typed(db: Engine, tmp_path: Path,
                                             replacement: str) -> None:
    """Find/replace and dictionary rules used the replacement as a regex template: `\\1`
    answered 500 (and a rule with it failed every later job), `\\g<0>` doubled the match,
    a Windows path stored a newline and a tab (issue 29, finding 4)."""
    from gijiroku.dictionary import add_entry
    from gijiroku.edits import apply_dictionary

    meeting = seed_meeting(db, tmp_path)
    assert edits.replace(db, meeting, "総務医院会", replacement) is not None
    assert texts_of(db, meeting)[0] == f"ただいまから{replacement}を開会します。"
    add_entry(db, "correction", "それでは", replacement)
    assert [c.after for c in apply_dictionary(db, meeting)] == [f"{replacement}採決します。"]


def test_replace_all_is_all_or_nothing_and_never_grows_a_line_past_its_limit(
    db: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Replace-all changed only the hits the preview listed (2,000) and said so as if it
    were all; a replacement could grow a line without limit (issue 29, finding 5)."""
    from gijiroku.dictionary import add_entry
    from gijiroku.edits import apply_dictionary
    from gijiroku.errors import EditError, InvalidInputError

    meeting = seed_meeting(db, tmp_path)
    monkeypatch.setattr(edits.transcript, "MAX_HITS", 2)  # the preview's cap, below the 3 hits
    assert len(edits.find(db, meeting, "総務医院会")) == 2
    replaced = edits.replace(db, meeting, "総務医院会", "総務委員会")
    assert replaced is not None and len(replaced.after["lines"]) == 3
    assert not any("総務医院会" in text for text in texts_of(db, meeting))

    grown = edits.replace(db, meeting, "の", "Q" * 200)
    assert grown is not None
    before = texts_of(db, meeting)
    with pytest.raises(EditError, match=r"Line \d+ would be longer than 20000"):
        edits.replace(db, meeting, "Q", "Q" * 200)
    assert texts_of(db, meeting) == before  # nothing changed, not even the shorter lines
    # a rule that would grow a line past the limit leaves that line as it is; a second rule
    # that would change the first one's result is refused (the two fed each other)
    add_entry(db, "correction", "Q", "!" * 100)
    with pytest.raises(InvalidInputError, match="change each other's results"):
        add_entry(db, "correction", "!", "?" * 100)
    with pytest.raises(InvalidInputError, match="change each other's results"):
        add_entry(db, "correction", "P", "QQ", language="")  # for every language
    apply_dictionary(db, meeting)
    assert all(len(text) <= 20_000 for text in texts_of(db, meeting))
    assert sum("Q" in text for text in texts_of(db, meeting)) >= 1  # those lines kept


def test_a_line_retyped_keeps_its_words_and_a_new_speaker_goes_to_them(
        db: Engine, tmp_path: Path) -> None:
    """A text edit writes the line alone (its words, with their times and marks, stay the
    rows they were); a speaker change gives every word the speaker; undo puts both back."""
    from gijiroku.edits import line

    meeting = seed_meeting(db, tmp_path)

    def words() -> list[tuple[int | None, str | None]]:
        with session_scope(db) as session:
            row = line.row_of(session, meeting, 2)
            return [(w.id, w.speaker_key) for w in repository.word_rows(session, row.id)]

    kept = words()
    retyped = edits.edit_segment(db, meeting, 2, text="図書館を日曜日の朝から開くのは、")
    assert retyped is not None and words() == kept
    moved = edits.edit_segment(db, meeting, 2, speaker="S1")
    assert moved is not None and {who for _, who in words()} == {"S1"}
    edits.undo(db, meeting, moved.id)
    edits.undo(db, meeting, retyped.id)
    assert [who for _, who in words()] == [who for _, who in kept]
    with session_scope(db) as session:
        assert line.row_of(session, meeting, 2).edited is False


def test_a_citation_of_a_line_split_inside_a_word_follows_it_to_the_new_lines(
    db: Engine, tmp_path: Path
) -> None:
    """A line split inside its one word keeps no time of its own (it starts and ends where
    the word ends): when the lines are rebuilt (speakers found again), it is held by the
    new line over that moment, never flagged as lost."""
    from gijiroku.domain import Decision, Segment

    meeting = seed_meeting(db, tmp_path)
    edits.add_minutes_item(db, meeting, Decision("開会した", segments=[1, 2]))
    old = {1: (0.0, 1.0), 2: (1.0, 1.0)}  # line 2: the end of line 1's word
    new = [Segment(start=0.0, end=0.6, text="前"), Segment(start=0.6, end=2.0, text="後")]
    with session_scope(db) as session:
        assert repository.cite_by_time(session, meeting, old, new) == 0
    with session_scope(db) as session:
        [decision] = repository.load_meeting(session, meeting).minutes.decisions
    assert decision.segments == [1, 2] and not decision.flagged
