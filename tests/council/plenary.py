"""The plenary sample's script stored as a meeting (no recognition: the script's own words),
its speakers named as a clerk would name them, for the tests of the council's record."""

from __future__ import annotations

from sqlalchemy import Engine

from gijiroku.domain import Segment, Speaker, Transcript
from gijiroku.options import MeetingOptions
from gijiroku.storage import repository, session_scope
from samples.make_samples import PLENARY_JA

#: The script's speakers as a clerk names them: title, then the name.
NAMES = {"議長": "議長 大西健一郎", "市長": "市長 長谷川宏", "総務部長": "総務部長 山田一郎",
         "木村議員": "3番 木村誠", "石川議員": "8番 石川隆之", "中川議員": "12番 中川弘",
         "森議員": "5番 森陽子", "総務常任委員長": "総務常任委員長 佐藤進",
         "文教常任委員長": "文教常任委員長 田中恵", "議場": None}
SECONDS = 9.0  # each line's length in the stored meeting; a pause of 1 s after it


def store_plenary(engine: Engine, *, kind: str = "honkaigi",
                  start_time: str | None = "10:00") -> str:
    keys = {speaker: f"S{n}" for n, speaker in enumerate(NAMES, start=1)}
    segments = [Segment(start=n * (SECONDS + 1), end=n * (SECONDS + 1) + SECONDS,
                        text=text, speaker=keys[speaker])
                for n, (speaker, text) in enumerate(PLENARY_JA)]
    with session_scope(engine) as session:
        row = repository.create_meeting(
            session, title="本会議", source_name="plenary.flac",
            source_path="meetings/x/original.flac", content_hash="0" * 64,
            options=MeetingOptions(language="ja", date="2026-12-10", kind=kind,
                                   start_time=start_time))
        repository.save_transcript(session, meeting_id=row.id, transcript=Transcript(
            language="ja", duration=len(segments) * (SECONDS + 1), segments=segments))
        repository.save_speakers(session, meeting_id=row.id, speakers=[
            Speaker(id=key, label=f"SPEAKER_{n:02d}", name=NAMES[speaker])
            for n, (speaker, key) in enumerate(keys.items())])
        repository.update_meeting(session, row.id, status="done", language="ja",
                                  duration=len(segments) * (SECONDS + 1))
        return row.id
