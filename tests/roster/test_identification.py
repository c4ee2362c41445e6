"""Speakers named across meetings by their voices, on the cast of samples/cast: eight people
on the roster (four Japanese and four English synthetic voices) and three voices who are not,
in six meetings, each meeting speaking every voice at its own speed and pitch.

People are enrolled from two meetings as a clerk would (each found speaker confirmed as the
person who said most of its speech); the four other meetings are then matched with the
threshold the product uses. The threshold was chosen on this cast (bench/voiceprints.py);
samples/cast/held-out, four other English voices and two strangers made after the choice, is
checked the same way. Never tune on the held-out set."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Engine

from diarize import load_diarizer
from diarize.voices import load_voice_encoder
from gijiroku import edits, roster
from gijiroku.config import Settings
from gijiroku.domain import Speaker, SpeakerTurn, Voice
from gijiroku.models import starter_segmentation_path
from gijiroku.reruns import Rerun, run_rerun
from gijiroku.stages.diarize import diarizer_spec
from gijiroku.storage import repository, session_scope
from tests.conftest import SYNTHETIC_VOICES, require
from tests.diarize.test_pyannote import decoded
from tests.processed import ProcessedMeetings
from tests.seed import seed_meeting

pytestmark = pytest.mark.slow

CAST = Path(__file__).resolve().parents[2] / "samples" / "cast"
#: (folder, meetings people are enrolled from, meetings matched, strangers in them): the
#: cast the threshold was chosen on, and the held-out cast made after it (other voices).
SETS = {
    "cast": (CAST, ("c1-ja", "c2-en"), ("c3-ja", "c4-ja", "c5-en", "c6-en"),
             ["Visitor Price", "Visitor Reed", "参考人"]),
    "held-out": (CAST / "held-out", ("h1-en",), ("h2-en", "h3-en"),
                 ["Visitor Lane", "Visitor Moss"]),
}


@pytest.fixture(scope="module")
def diarized(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Found]]:
    """Each meeting's speakers as the product finds them (the starter diarizer, then each
    speaker's voice from their turns), each with the person who said most of its speech."""
    require(starter_segmentation_path().is_file(), "run `gijiroku models fetch-starter`")
    # synthetic voices: the diarizer setting they were made for (tests.conftest); the roster
    # on real voices is measured by bench/voiceprints.py --set real
    settings = Settings(speaker_embedding=SYNTHETIC_VOICES)
    diarizer = load_diarizer(diarizer_spec(settings))
    encoder = load_voice_encoder(settings.voiceprint_model)
    found: dict[str, list[Found]] = {}
    for folder, enrol, match, _ in SETS.values():
        for name in (*enrol, *match):
            recording = folder / f"{name}.flac"
            samples = decoded(recording, tmp_path_factory.mktemp(name))
            turns = diarizer.diarize(samples)
            TURNS[name] = turns
            found[name] = named_speakers(recording, turns, encoder.voices(samples, turns))
    return found


#: Each meeting's turns as the diarizer found them (filled by `diarized`).
TURNS: dict[str, list[SpeakerTurn]] = {}


@dataclass(frozen=True)
class Found:
    """A speaker the diarizer found, and whose speech it holds (by the script)."""

    speaker: Speaker
    person: str  # who said most of its speech
    pure: bool  # at least 90 % of its speech is that person's
    people: frozenset[str]  # everyone with speech in it


def named_speakers(recording: Path, turns: list[SpeakerTurn],
                   voices: dict[str, Voice]) -> list[Found]:
    script = json.loads(recording.with_suffix(".json").read_text(encoding="utf-8"))
    speakers = []
    for number, (label, voice) in enumerate(sorted(voices.items()), start=1):
        said: Counter[str] = Counter()
        for turn in (t for t in turns if t.label == label):
            for line in script["lines"]:
                shared = min(turn.end, line["end"]) - max(turn.start, line["start"])
                if shared > 0.2:
                    said[line["speaker"]] += shared
        person, most = said.most_common(1)[0]
        speakers.append(Found(Speaker(f"S{number}", label, voice=voice), person,
                              most >= 0.9 * sum(said.values()), frozenset(said)))
    return speakers


def store(engine: Engine, data_dir: Path, speakers: list[Found]) -> str:
    meeting_id = seed_meeting(engine, data_dir)
    with session_scope(engine) as session:
        repository.save_speakers(session, meeting_id=meeting_id,
                                 speakers=[f.speaker for f in speakers])
    return meeting_id


@pytest.mark.parametrize("chosen", list(SETS))
def test_after_enrolling_the_other_meetings_are_named_and_strangers_are_not(
        engine: Engine, settings: Settings, diarized: dict[str, list[Found]],
        chosen: str) -> None:
    """A speaker the diarizer kept apart gets the right name or none; one it made of two
    people (the diarizer's mistake, not the roster's) is never named after a third."""
    folder, enrol, match, stranger_names = SETS[chosen]
    roster.import_csv(engine, (folder / "roster.csv").read_bytes(), "cast")
    on_roster = {e.person.name for e in roster.entries(engine, "cast")}
    enrolled: set[str] = set()
    for name in enrol:
        meeting = store(engine, settings.data_dir, diarized[name])
        for found in diarized[name]:
            if found.pure and found.person in on_roster and found.person not in enrolled:
                assert edits.enrol(engine, meeting, found.speaker.id,
                                   found.person).voiceprint is not None
                enrolled.add(found.person)
    # the diarizer merges two of the cast's voices in c1-ja: neither is enrolled from it
    assert len(enrolled) >= len(on_roster) - 2

    right = wrong = expected = 0
    strangers = []
    for name in match:
        meeting = store(engine, settings.data_dir, diarized[name])
        roster.suggest_again(engine, meeting, None)  # the threshold the product uses
        with session_scope(engine) as session:
            suggested = {s.id: s.suggestion for s in repository.load_speakers(session, meeting)}
        for found in diarized[name]:
            suggestion = suggested[found.speaker.id]
            if not found.pure:
                assert suggestion is None or suggestion.person.name in found.people
                continue
            expected += found.person in enrolled
            if suggestion is None:
                if found.person not in on_roster:
                    strangers.append(found.person)
            elif suggestion.person.name == found.person:
                right += 1
            else:
                wrong += 1
    assert wrong == 0  # no wrong name above the threshold, strangers included
    assert right >= 0.9 * expected, (right, expected)
    # strangers kept apart stay unnamed (in the held-out meetings the diarizer merges both
    # strangers with Helen Ward's voice: those speakers are checked above as merged ones)
    assert set(strangers) <= set(stranger_names)
    if chosen == "cast":
        assert sorted(strangers) == stranger_names


def test_a_confirmed_name_survives_finding_the_speakers_again(
        engine: Engine, settings: Settings, processed_meetings: ProcessedMeetings) -> None:
    meeting = processed_meetings["committee-en"].store(engine, settings.data_dir)
    roster.add_person(engine, "Aiko Suzuki", title="Member")
    with session_scope(engine) as session:
        speakers = repository.load_speakers(session, meeting)
    assert all(s.voice is not None for s in speakers)  # the diarizer's voices were kept
    chosen = speakers[1].id
    edits.enrol(engine, meeting, chosen, "Aiko Suzuki")
    run_rerun(engine, settings, meeting, Rerun("diarize", replace_edits=True))
    with session_scope(engine) as session:
        again = repository.load_speakers(session, meeting)
    named = [s for s in again if s.confirmed]
    assert len(named) == 1 and named[0].name == "Aiko Suzuki"
    assert named[0].person is not None and named[0].person.title == "Member"
    # the others were matched again: none of them is taken for her
    assert all(s.suggestion is None or s.suggestion.person.name != "Aiko Suzuki"
               for s in again if not s.confirmed)


def test_two_enrolled_voices_the_diarizer_merged_are_told_apart(
        diarized: dict[str, list[Found]], tmp_path: Path) -> None:
    """c4-ja: the starter diarizer merges 山本花子 and 小林恵子, two similar Japanese voices.
    With voiceprints from their own lines in c1-ja (people kept apart where they were
    enrolled), the split gives each of them a speaker of her own (most of its speech hers);
    the cast's other matched
    meetings are not split. The split's margin was set on this meeting
    (bench/roster_split.py): this keeps it working, it is not a held-out figure (the
    held-out set has no merge of two enrolled people, and nothing is split there)."""
    folder, enrol, match, _ = SETS["cast"]
    encoder = load_voice_encoder(Settings().voiceprint_model)
    people: dict[str, list[np.ndarray]] = {}
    for name in enrol:
        recording = folder / f"{name}.flac"
        script = json.loads(recording.with_suffix(".json").read_text(encoding="utf-8"))
        own = [SpeakerTurn(line["start"], line["end"], line["speaker"])
               for line in script["lines"]]
        for who, voice in encoder.voices(decoded(recording, tmp_path), own).items():
            people.setdefault(who, []).append(np.asarray(voice.vector))
    names = sorted(people)
    prints = {index: np.mean(people[who], axis=0) / np.linalg.norm(np.mean(people[who], axis=0))
              for index, who in enumerate(names)}
    threshold = roster.threshold_for(encoder.model_name, None)
    assert threshold is not None
    assert not any(f.pure for f in diarized["c4-ja"] if "山本花子" in f.people)  # merged
    for name in match:
        recording = folder / f"{name}.flac"
        turns = TURNS[name]
        vectors = encoder.turn_vectors(decoded(recording, tmp_path), turns)
        split, made = roster.split_merged(turns, vectors, prints, threshold)
        assert made == (1 if name == "c4-ja" else 0), name
        if made:
            found = named_speakers(recording, split, encoder.voices(
                decoded(recording, tmp_path), split))
            held = {f.person: f.pure for f in found}  # who said most of each speaker's speech
            assert len(found) == 4 and {"山本花子", "小林恵子"} <= set(held), held


def test_the_diarize_stage_splits_two_enrolled_voices_it_merged_and_names_them(
        engine: Engine, settings: Settings, tmp_path: Path) -> None:
    """The stage's own path, from stored voiceprints to stored speakers: 山本花子 and 小林恵子
    enrolled from c1-ja (a speaker per person, their own lines, confirmed on the meeting
    page's way: `edits.enrol`); finding the speakers of c4-ja again, where the starter
    diarizer merges their voices, stores four speakers and suggests each of them for one."""
    import shutil

    from gijiroku import audio
    from gijiroku.domain import Segment, Transcript, Word
    from gijiroku.options import MeetingOptions

    require(starter_segmentation_path().is_file(), "run `gijiroku models fetch-starter`")
    roster.import_csv(engine, (CAST / "roster.csv").read_bytes(), "cast")
    encoder = load_voice_encoder(settings.voiceprint_model)
    enrolment = CAST / "c1-ja.flac"
    script = json.loads(enrolment.with_suffix(".json").read_text(encoding="utf-8"))
    own = [SpeakerTurn(line["start"], line["end"], line["speaker"]) for line in script["lines"]]
    voices = encoder.voices(decoded(enrolment, tmp_path), own)
    people = sorted(voices)
    enrolled = seed_meeting(engine, settings.data_dir)
    with session_scope(engine) as session:
        repository.save_speakers(session, meeting_id=enrolled, speakers=[
            Speaker(f"S{n}", who, voice=voices[who]) for n, who in enumerate(people, 1)])
    for n, who in enumerate(people, 1):
        assert edits.enrol(engine, enrolled, f"S{n}", who).voiceprint is not None

    # c4-ja stored as transcribed (its script's lines, a word each) with its recording
    recording = CAST / "c4-ja.flac"
    lines = json.loads(recording.with_suffix(".json").read_text(encoding="utf-8"))["lines"]
    transcript = Transcript(language="ja", duration=lines[-1]["end"] + 1, segments=[
        Segment(start=x["start"], end=x["end"], text=x["text"], source=n, words=[
            Word(x["start"], x["end"], x["text"], 0.9)]) for n, x in enumerate(lines)])
    with session_scope(engine) as session:
        meeting = repository.create_meeting(
            session, title="c4-ja", source_name="c4-ja.flac", source_path="",
            content_hash="c4", options=MeetingOptions(language="ja"))
        folder = settings.data_dir / "meetings" / meeting.id
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(recording, folder / "original.flac")
        meeting.source_path = f"meetings/{meeting.id}/original.flac"
        # decoded as a job left it: the samples are made again from the recording when used
        meeting.audio_path = f"meetings/{meeting.id}/{audio.DECODED_NAME}"
        repository.save_transcript(session, meeting_id=meeting.id, transcript=transcript)
        for stage in ("decode", "transcribe"):
            repository.mark_stage_done(session, meeting.id, stage)
        meeting_id = meeting.id
    run_rerun(engine, settings, meeting_id, Rerun("diarize"))
    with session_scope(engine) as session:
        speakers = repository.load_speakers(session, meeting_id)
    suggested = [s.suggestion.person.name for s in speakers if s.suggestion is not None]
    assert len(speakers) == 4, [(s.label, s.suggestion) for s in speakers]
    assert {"山本花子", "小林恵子"} <= set(suggested)
    assert len(suggested) == len(set(suggested))  # nobody suggested for two speakers
