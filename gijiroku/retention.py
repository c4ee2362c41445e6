"""How long recordings are kept: `GIJIROKU_RETENTION_DAYS` after a meeting was approved, its
original recording and the audio made from it (the decoded samples, the playback copy) are
removed; the transcript, the minutes, the marks and the history stay. A meeting not approved
(draft, in review) keeps everything, however old. `gijiroku serve` applies it every hour;
`gijiroku retention` applies it once (for a scheduler). Each removal is logged and goes into
the audit log.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import col, select

from gijiroku import audit
from gijiroku.audio import DECODED_NAME, PLAYBACK_NAME
from gijiroku.domain import as_utc
from gijiroku.recordings import meeting_dir
from gijiroku.storage import session_scope
from gijiroku.storage.tables import MeetingRow, StateChangeRow, utcnow

log = logging.getLogger(__name__)

#: How often `gijiroku serve` applies the rule.
INTERVAL_SECONDS = 3600.0


@dataclass(frozen=True, slots=True)
class Removed:
    meeting_id: str
    title: str
    files: list[str]  # relative to the data directory


def apply(engine: Engine, data_dir: Path, days: float,
          now: datetime | None = None) -> list[Removed]:
    """Remove the recordings of meetings approved more than `days` ago."""
    now = now or utcnow()
    limit = now - timedelta(days=days)
    removed: list[Removed] = []
    with session_scope(engine) as session:
        meetings = session.exec(select(MeetingRow).where(
            col(MeetingRow.state).in_(("approved", "published")))).all()
        for row in meetings:
            approved = session.exec(select(StateChangeRow.created_at).where(
                StateChangeRow.meeting_id == row.id, StateChangeRow.to_state == "approved")
                .order_by(col(StateChangeRow.id).desc()).limit(1)).first()
            if approved is None or as_utc(approved) > limit:
                continue
            folder = meeting_dir(data_dir, row.id)
            candidates = [data_dir / row.source_path, folder / DECODED_NAME,
                          folder / PLAYBACK_NAME]
            gone = []
            for path in candidates:
                if row.source_path and path.is_file():
                    path.unlink()
                    gone.append(str(path.relative_to(data_dir)))
            if not gone:
                continue
            row.audio_path = None
            session.add(row)
            audit.append(session, "retention_removed", "meeting", row.id,
                         {"files": gone, "days": days}, actor="")
            log.info("retention: removed the recording of meeting %s (%s), approved %s: %s",
                     row.id, row.title, as_utc(approved).date(), ", ".join(gone))
            removed.append(Removed(row.id, row.title, gone))
    return removed


__all__ = ["INTERVAL_SECONDS", "Removed", "apply"]
