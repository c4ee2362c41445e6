"""Japanese first: the embedded multilingual model on the Japanese committee sample.

The bare figure is faster-whisper itself on the same model and decoded samples, set the way
that loses nothing (VAD, no conditioning on earlier text, no word timings while decoding);
Gijiroku's transcriber must be at least as complete while still timing every word.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest

from bench.metrics import cer, sentence_recall, sentences_ja, wer
from gijiroku import audio
from transcribe import TranscriptionOptions
from transcribe.japanese import PUNCTUATION, SENTENCE_ENDS, morphemes

pytestmark = pytest.mark.slow

SAMPLES = Path(__file__).parents[2] / "samples"


def reference(name: str) -> str:
    script = json.loads((SAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    return "".join(line["text"] for line in script["lines"])


def decoded(name: str, folder: Path) -> np.ndarray:
    audio.decode(SAMPLES / f"{name}.flac", folder / f"{name}.f32")
    return audio.load(folder / f"{name}.f32")


def bare_text(multilingual, samples: np.ndarray, language: str | None) -> str:  # type: ignore[no-untyped-def]
    segments, _ = multilingual.model.transcribe(
        np.array(samples), language=language, vad_filter=True,
        condition_on_previous_text=False, word_timestamps=False, beam_size=5)
    return " ".join(s.text for s in segments)


@pytest.fixture(scope="module")
def japanese(tmp_path_factory: pytest.TempPathFactory) -> np.ndarray:
    return decoded("committee-meeting-ja", tmp_path_factory.mktemp("ja"))


@pytest.fixture(scope="module")
def transcript(multilingual, japanese: np.ndarray):  # type: ignore[no-untyped-def]
    return multilingual.transcribe(japanese, TranscriptionOptions(language=None))


def test_auto_detects_japanese_and_loses_nothing_against_bare_faster_whisper(
    multilingual, japanese: np.ndarray, transcript  # type: ignore[no-untyped-def]
) -> None:
    assert transcript.language == "ja"  # detected: no language was given
    text = "".join(s.text for s in transcript.segments)
    ours = cer(reference("committee-meeting-ja"), text)
    bare = cer(reference("committee-meeting-ja"), bare_text(multilingual, japanese, "ja"))
    assert ours <= bare + 1e-9, (ours, bare)
    assert ours < 0.2
    # no sentence of the reference is missing: each keeps most of its characters
    shares = sentence_recall(sentences_ja(reference("committee-meeting-ja")), text)
    assert min(shares) >= 0.6, shares


def test_every_word_is_timed_inside_its_line(transcript) -> None:  # type: ignore[no-untyped-def]
    words = [w for s in transcript.segments for w in s.words]
    assert all(s.words for s in transcript.segments)
    assert all(w.start <= w.end for w in words)
    assert all(a.start <= b.start + 0.05 for a, b in itertools.pairwise(words))
    for segment in transcript.segments:
        assert segment.start == segment.words[0].start and segment.end == segment.words[-1].end
        assert segment.text == "".join(w.text for w in segment.words)
    assert transcript.segments[-1].end > 60  # timed to the end of the 67-second meeting


def test_japanese_text_is_punctuated_and_cut_into_sentences(transcript) -> None:  # type: ignore[no-untyped-def]
    lines = [s.text for s in transcript.segments]
    text = "".join(lines)
    assert " " not in text and "\u3000" not in text
    ends = sum(text.count(mark) for mark in SENTENCE_ENDS)
    assert ends >= 0.8 * len(sentences_ja(reference("committee-meeting-ja")))
    assert "？" in text  # the questions (…予定ですか, …始めるのですか) are marked as such
    assert text.count("、") >= 3
    # a line is one or more whole sentences: it ends at a sentence end
    assert all(line[-1] in SENTENCE_ENDS for line in lines), lines


def test_words_are_whole_japanese_words(transcript) -> None:  # type: ignore[no-untyped-def]
    # Words start where Sudachi's words start (read again on the punctuated line, which can
    # join a word or two differently: 大年 after 「まあ、」)
    inside = []
    for segment in transcript.segments:
        starts = {m.begin for m in morphemes(segment.text)}
        offset = 0
        for word in segment.words:
            if offset not in starts:
                inside.append((segment.text, word.text))
            offset += len(word.text)
    assert len(inside) <= 0.03 * sum(len(s.words) for s in transcript.segments), inside
    words = [w.text.rstrip(PUNCTUATION) for s in transcript.segments for w in s.words]
    assert "支援" in words or "操作支援" in words  # never 「支」 + 「援」


def test_english_on_the_multilingual_model_loses_nothing_either(
    multilingual, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    samples = decoded("committee-meeting-en", tmp_path)
    transcript = multilingual.transcribe(samples, TranscriptionOptions(language=None))
    assert transcript.language == "en"
    script = json.loads((SAMPLES / "committee-meeting-en.json").read_text())
    truth = " ".join(line["text"] for line in script["lines"])
    ours = wer(truth, " ".join(s.text for s in transcript.segments))
    assert ours <= wer(truth, bare_text(multilingual, samples, "en")) + 1e-9
    assert ours < 0.1
    assert all(s.words for s in transcript.segments)
