"""Retention on a real SQLite file: the recording and audio of a meeting approved longer ago
than the period are removed (its text stays, the audit log says what went); a meeting not
approved keeps everything however old; one approved recently too."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine
from sqlmodel import select

from gijiroku import audit, retention, workflow
from gijiroku.config import Settings
from gijiroku.storage import repository, session_scope
from gijiroku.storage.tables import StateChangeRow, utcnow
from tests.seed import seed_meeting


def files_of(settings: Settings, meeting: str) -> list[str]:
    return sorted(p.name for p in (settings.data_dir / "meetings" / meeting).iterdir())


def test_recordings_go_only_from_meetings_approved_long_enough_ago(
        engine: Engine, settings: Settings, cli) -> None:  # type: ignore[no-untyped-def]
    old_approved = seed_meeting(engine, settings.data_dir, title="承認済（古い）")
    new_approved = seed_meeting(engine, settings.data_dir, title="承認済（新しい）")
    draft = seed_meeting(engine, settings.data_dir, title="下書き（古い）")
    for meeting in (old_approved, new_approved, draft):
        (settings.data_dir / "meetings" / meeting / "audio.f32").write_bytes(b"\0" * 64)
    for meeting in (old_approved, new_approved):
        workflow.change_state(engine, meeting, "approved")
    with session_scope(engine) as session:  # approved 400 days ago; the draft made then
        step = session.exec(select(StateChangeRow).where(
            StateChangeRow.meeting_id == old_approved)).one()
        step.created_at = utcnow() - timedelta(days=400)
        session.add(step)
        row = repository.get_meeting_row(session, draft)
        row.created_at = utcnow() - timedelta(days=400)
        session.add(row)
    removed = retention.apply(engine, settings.data_dir, days=365)
    assert [r.meeting_id for r in removed] == [old_approved]
    assert files_of(settings, old_approved) == []
    assert files_of(settings, new_approved) == ["audio.f32", "original.flac"]
    assert files_of(settings, draft) == ["audio.f32", "original.flac"]
    with session_scope(engine) as session:  # the text stays
        assert repository.load_meeting(session, old_approved).segments
    log = audit.export_csv(engine)
    assert "retention_removed" in log and "original.flac" in log
    assert retention.apply(engine, settings.data_dir, days=365) == []  # nothing twice
    ran = cli("retention", data_dir=settings.data_dir, GIJIROKU_RETENTION_DAYS="0")
    assert ran.returncode == 0 and new_approved in ran.stdout, ran.stderr
    assert files_of(settings, draft) == ["audio.f32", "original.flac"]
