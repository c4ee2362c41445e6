"""A Japanese committee meeting through the whole pipeline on the embedded defaults, and every
Japanese path checked on that real output: speaker lines, subtitles, filler clean-up, Word,
PDF and search."""

from __future__ import annotations

import io
import json
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pypdf
import pytest
import srt
from docx import Document
from sqlalchemy import Engine

from bench.metrics import cer, normalize_ja, sentence_recall, sentences_ja
from gijiroku import edits
from gijiroku.config import Settings
from gijiroku.export import export_meeting
from gijiroku.export.text import line_width
from gijiroku.pipeline import Pipeline
from gijiroku.storage import close_database, open_database, repository, session_scope
from summarize.checks import SAME, SENTENCE
from summarize.embedded import DEFAULT_MODEL_NAME
from summarize.grounding import grounded, not_a_decision, said_in, similarity
from tests.cores import THREADS
from tests.processed import ProcessedMeetings
from transcribe.japanese import SENTENCE_ENDS

pytestmark = [pytest.mark.slow, pytest.mark.llm]

SAMPLE = Path(__file__).parents[1] / "samples" / "committee-meeting-ja.flac"
SCRIPT = json.loads(SAMPLE.with_suffix(".json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def processed(tmp_path_factory: pytest.TempPathFactory,
              processed_meetings: ProcessedMeetings) -> Iterator[tuple[Engine, str]]:
    """The sample as the pipeline leaves it with nothing configured: language auto, the
    embedded models, the minutes by the embedded LLM. Transcribed and diarized once for the
    session (tests/processed.py); the minutes step is run here, by the pipeline, on this
    module's copy (about 40-60 s of generation on two cores)."""
    data = tmp_path_factory.mktemp("ja-data")
    settings = Settings(data_dir=data, cpu_threads=THREADS)  # nothing configured
    engine = open_database(settings.resolved_database_url)
    meeting_id = processed_meetings["committee-ja"].store(
        engine, data, stages=("decode", "transcribe", "diarize"))
    with session_scope(engine) as session:
        job_id = repository.create_job(session, meeting_id=meeting_id).id
    Pipeline(engine, settings).run(job_id)  # the finished stages are skipped
    yield engine, meeting_id
    close_database(settings.resolved_database_url)


def meeting_of(processed: tuple[Engine, str]):  # type: ignore[no-untyped-def]
    engine, meeting_id = processed
    with session_scope(engine) as session:
        return repository.load_meeting(session, meeting_id)


def test_the_meeting_is_transcribed_in_japanese_by_speaker(processed) -> None:  # type: ignore[no-untyped-def]
    meeting = meeting_of(processed)
    assert meeting.status == "done" and meeting.language == "ja"
    text = "".join(s.text for s in meeting.segments)
    said = "".join(line["text"] for line in SCRIPT["lines"])
    assert cer(said, text) < 0.2
    # every sentence is there: with the built-in terms as hotwords Whisper base wrote the
    # member's 「異議なし。」 and the chair's 「異議なしと認めます。」 as one, and the
    # completeness check decoded that line again (its particle と held 1.8 s of speech)
    shares = sentence_recall(sentences_ja(said), text)
    assert min(shares) >= 0.6, list(zip(sentences_ja(said), shares, strict=True))
    assert len(meeting.speakers) >= 4  # five voices; the starter diarizer hears four or five
    # a line split at a speaker change is never a scrap of one or two characters
    by_source = defaultdict(list)
    for segment in meeting.segments:
        by_source[segment.source].append(segment)
    split = [s for parts in by_source.values() if len(parts) > 1 for s in parts]
    assert all(len(normalize_ja(s.text)) >= 3 for s in split), [s.text for s in split]
    # punctuation survives diarization: most lines end a sentence
    ends = [s.text[-1] in SENTENCE_ENDS + "、" for s in meeting.segments]
    assert sum(ends) >= 0.8 * len(ends)


def test_minutes_are_drafted_in_japanese_citing_real_lines(processed) -> None:  # type: ignore[no-untyped-def]
    meeting = meeting_of(processed)
    minutes = meeting.minutes
    assert minutes.status == "done", minutes.error
    assert minutes.model == DEFAULT_MODEL_NAME and minutes.headings["decisions"] == "決定事項"
    assert sum(1 for ch in minutes.summary if "\u3040" <= ch <= "\u9fff") >= 10  # Japanese
    lines = {s.id for s in meeting.segments}
    cited = [d.segments for d in minutes.decisions] + [a.segments for a in minutes.action_items]
    assert any(cited), "at least one decision or action item cites the transcript"
    assert all(set(ids) <= lines for ids in cited)
    # what the real model wrote went through the checks (summarize/checks.py): no question,
    # greeting or agenda line as a decision, no item twice or as both kinds, every item
    # either carried by the lines it cites or flagged, no due date nobody said, owners by id
    text = {s.id: s.text for s in meeting.segments}
    for decision in minutes.decisions:
        assert not all(not_a_decision(part) for part in SENTENCE.split(decision.text)
                       if part.strip()), decision.text
    items = [d.text for d in minutes.decisions] + [a.task for a in minutes.action_items]
    assert all(similarity(a, b) < SAME for i, a in enumerate(items) for b in items[:i]), items
    for item, ids, flagged in [(d.text, d.segments, d.flagged) for d in minutes.decisions] + [
            (a.task, a.segments, a.flagged) for a in minutes.action_items]:
        assert flagged or grounded(item, ids, text)[1], item
    for action in minutes.action_items:
        said = " ".join(text[n] for n in action.segments)
        assert action.due is None or said_in(action.due, said), action.due
        speakers = {s.id for s in meeting.speakers}  # "S2 (委員長)" is stored as S2
        assert not re.match(r"S\d+\b", action.owner or "") or action.owner in speakers
    engine, meeting_id = processed
    markdown = export_meeting(engine, meeting_id, "md").content.decode()
    assert f"言語モデル {DEFAULT_MODEL_NAME} が作成した下書き" in markdown


def test_subtitles_keep_lines_short_and_words_whole(processed) -> None:  # type: ignore[no-untyped-def]
    engine, meeting_id = processed
    meeting = meeting_of(processed)
    cues = list(srt.parse(export_meeting(engine, meeting_id, "srt").content.decode()))
    assert len(cues) >= len(meeting.segments)
    words = {w.text for s in meeting_of_words(processed).segments for w in s.words}
    width = line_width("ja")
    for cue in cues:
        lines = cue.content.split("\n")
        assert len(lines) <= 2
        body = [lines[0].split(")", 1)[-1], *lines[1:]]  # "(S1)" names the speaker
        assert all(len(line) <= width for line in body), cue.content
        for line in body:  # each line starts and ends on a word of the transcript
            assert any(line.startswith(w) for w in words), line
            assert any(line.endswith(w) for w in words), line


def meeting_of_words(processed: tuple[Engine, str]):  # type: ignore[no-untyped-def]
    engine, meeting_id = processed
    with session_scope(engine) as session:
        return repository.load_meeting(session, meeting_id, with_words=True)


def test_filler_cleanup_takes_japanese_fillers_out(
    engine: Engine, settings: Settings, processed_meetings: ProcessedMeetings
) -> None:
    # a copy of its own, with one filler a clerk kept verbatim in a line (whichever fillers
    # the recogniser wrote down besides: the script says えー, あのー and まあ)
    meeting_id = processed_meetings["committee-ja"].store(engine, settings.data_dir)
    line = meeting_of((engine, meeting_id)).segments[-1]
    edits.edit_segment(engine, meeting_id, line.id or 0, text="まあ、" + line.text)
    verbatim = export_meeting(engine, meeting_id, "md").content.decode()
    cleaned = export_meeting(engine, meeting_id, "md", cleanup="fillers").content.decode()
    assert "まあ、" + line.text in verbatim
    assert line.text in cleaned  # the words around a filler stay
    for filler in ("えー、", "あのー、", "まあ、"):
        assert filler not in cleaned, filler


def test_word_and_pdf_carry_the_japanese_text(processed) -> None:  # type: ignore[no-untyped-def]
    engine, meeting_id = processed
    sentence = max((s.text for s in meeting_of(processed).segments), key=len)
    docx = Document(io.BytesIO(export_meeting(engine, meeting_id, "docx").content))
    cells = [c.text for t in docx.tables for row in t.rows for c in row.cells]
    assert sentence in "\n".join([p.text for p in docx.paragraphs] + cells)
    pdf = pypdf.PdfReader(io.BytesIO(export_meeting(engine, meeting_id, "pdf").content))
    text = "".join(page.extract_text() for page in pdf.pages).replace("\n", "")
    assert sentence[:8] in text


def test_search_finds_the_meeting_by_japanese_words(processed) -> None:  # type: ignore[no-untyped-def]
    engine, meeting_id = processed
    with session_scope(engine) as session:
        found, total = repository.list_meetings(session, "電子申請")
        assert total == 1 and found[0].id == meeting_id
        assert repository.list_meetings(session, "予算委員会")[1] == 0
