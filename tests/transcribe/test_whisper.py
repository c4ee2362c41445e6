"""The faster-whisper backend with the bundled tiny.en model, on real recordings."""

import itertools
import re
from pathlib import Path

import jiwer
import numpy as np
import pytest

from gijiroku import audio
from gijiroku.errors import ModelNotFoundError, UnsupportedLanguageError
from tests.conftest import speak
from transcribe import ModelSpec, TranscriptionOptions, load_transcriber
from transcribe.whisper_backend import EncodingMemo, redecode_options, whisper_kwargs

pytestmark = pytest.mark.slow


def normalize(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s']", " ", text.lower()).split())


def reference_text(sample: Path) -> str:
    lines = (sample / "sample.stm").read_text().splitlines()
    return " ".join(line.split(" ", 5)[5] for line in lines)


@pytest.fixture(scope="module")
def sample_audio(pyannote_sample: Path, tmp_path_factory: pytest.TempPathFactory) -> np.ndarray:
    out = tmp_path_factory.mktemp("decoded") / "sample.f32"
    audio.decode(pyannote_sample / "sample.wav", out)
    return audio.load(out)


def wer(sample: Path, segments: list) -> float:  # type: ignore[type-arg]
    hypothesis = " ".join(s.text for s in segments)
    return float(jiwer.wer(normalize(reference_text(sample)), normalize(hypothesis)))


def test_bundled_model_reaches_wer_020_on_pyannote_sample(
    transcriber, sample_audio: np.ndarray, pyannote_sample: Path  # type: ignore[no-untyped-def]
) -> None:
    seen: list[tuple[float, float]] = []
    transcript = transcriber.transcribe(
        sample_audio, TranscriptionOptions(), lambda _s, done, total: seen.append((done, total))
    )
    assert transcript.language == "en"
    assert transcript.duration == pytest.approx(30.0)
    assert wer(pyannote_sample, transcript.segments) <= 0.20
    # word timestamps, inside their segment, in order
    words = [w for s in transcript.segments for w in s.words]
    assert len(words) > 60
    assert all(w.start <= w.end for w in words)
    assert all(a.start <= b.start for a, b in itertools.pairwise(words))
    for segment in transcript.segments:
        assert segment.words and segment.words[0].start >= segment.start - 0.05
        assert segment.speaker is None
    # progress as a fraction of the duration, never backwards, ending at 100 %
    fractions = [done / total for done, total in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0


def test_windows_cut_in_pauses_lose_no_words(
    transcriber, sample_audio: np.ndarray, pyannote_sample: Path  # type: ignore[no-untyped-def]
) -> None:
    whole = transcriber.transcribe(sample_audio, TranscriptionOptions())
    windowed = transcriber.transcribe(sample_audio, TranscriptionOptions(window_seconds=8))
    whole_words = sum(len(s.words) for s in whole.segments)
    windowed_words = sum(len(s.words) for s in windowed.segments)
    # No words lost at the cuts. Windows may recognise a few more than one whole-file call
    # (with onnxruntime 1.32 the whole-file call drops "so what can I say? Oh," near the
    # end, which the windows keep), so only a loss counts.
    assert windowed_words >= whole_words - 3
    assert wer(pyannote_sample, windowed.segments) <= 0.20
    starts = [s.start for s in windowed.segments]
    assert starts == sorted(starts) and max(s.end for s in windowed.segments) > 28


def test_each_window_is_encoded_once_and_its_words_timed_from_it(
    transcriber, sample_audio: np.ndarray, pyannote_sample: Path,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The word timings reuse the encoder output each window was decoded from: the recording
    is encoded as often as bare faster-whisper encodes it to decode it, not twice, and the
    words still fall where the reference has someone talking."""
    model = transcriber.model
    encode = model.encode
    calls: list[int] = []
    monkeypatch.setattr(model, "encode", lambda features: calls.append(1) or encode(features))
    transcript = transcriber.transcribe(sample_audio, TranscriptionOptions(completeness=False))
    ours = len(calls)
    calls.clear()
    bare, _ = model.transcribe(np.array(sample_audio), **whisper_kwargs(TranscriptionOptions(),
                                                                        "en"))
    assert [s.text for s in bare]
    assert ours == len(calls) > 0

    turns = [(float(start), float(end)) for _f, _c, _who, start, end, *_ in (
        line.split(" ", 5) for line in (pyannote_sample / "sample.stm").read_text().splitlines())]
    words = [w for s in transcript.segments for w in s.words]
    talking = [w for w in words
               if any(a - 0.3 <= (w.start + w.end) / 2 <= b + 0.3 for a, b in turns)]
    assert len(words) > 60 and len(talking) >= 0.95 * len(words)


def test_silence_gives_an_empty_transcript_without_phantoms(transcriber) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(1)
    room = rng.normal(0, 0.001, 20 * audio.SAMPLE_RATE).astype(np.float32)  # -60 dBFS hiss
    transcript = transcriber.transcribe(room, TranscriptionOptions(vad=False))
    assert transcript.segments == []  # not even a "Thank you for watching"
    assert transcript.duration == pytest.approx(20.0)


def test_real_speech_of_a_phantom_phrase_is_kept(transcriber, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    wav = speak("Thank you for watching.", tmp_path / "thanks.wav")
    audio.decode(wav, tmp_path / "thanks.f32")
    transcript = transcriber.transcribe(audio.load(tmp_path / "thanks.f32"), TranscriptionOptions())
    assert "watching" in " ".join(s.text.lower() for s in transcript.segments)


def test_japanese_is_passed_through_to_whisper() -> None:
    options = TranscriptionOptions(language="ja", hotwords="議長 市長", initial_prompt="本会議")
    kwargs = whisper_kwargs(options, options.language)
    assert kwargs["language"] == "ja"
    assert kwargs["hotwords"] == "議長 市長" and kwargs["initial_prompt"] == "本会議"
    assert kwargs["condition_on_previous_text"] is False
    # words are timed in a pass of their own (transcribe.alignment), never while decoding
    assert kwargs["word_timestamps"] is False and kwargs["vad_filter"] is True


def test_a_stretch_decoded_again_is_bounded_and_its_fallback_skips_what_was_tried() -> None:
    plain = TranscriptionOptions(language="ja")
    first = redecode_options(plain, 5.0, fallback=False, prompt="ほかに質疑はありませんか。")
    assert first.temperature == (0.0,) and first.initial_prompt == "ほかに質疑はありませんか。"
    # the fallback comes after the first temperature's (deterministic) reading: not again
    assert redecode_options(plain, 5.0, fallback=True, prompt=None).temperature == (
        0.2, 0.4, 0.6, 0.8, 1.0)
    # five seconds hold far fewer tokens than a runaway 「ウォォォ…」 (179); a line said
    # at the samples' fastest (7 tokens a second) fits in a second and a half
    assert first.max_new_tokens is not None and 7 * 5 < first.max_new_tokens < 179
    assert (redecode_options(plain, 1.5, False, None).max_new_tokens or 0) > 7 * 1.5
    # a whole window keeps the model's own bound (a prompt shares its 448 tokens)
    assert redecode_options(plain, 30.0, False, None).max_new_tokens is None
    assert whisper_kwargs(first, "ja")["max_new_tokens"] == first.max_new_tokens
    assert whisper_kwargs(plain, "ja")["max_new_tokens"] is None


def test_the_fallback_reuses_the_encoding_of_the_same_audio(  # type: ignore[no-untyped-def]
        transcriber, sample_audio: np.ndarray) -> None:
    model = transcriber.model
    piece = np.ascontiguousarray(sample_audio[5 * audio.SAMPLE_RATE: 13 * audio.SAMPLE_RATE])
    options = TranscriptionOptions(language="en", vad=False, completeness=False)
    fresh = [s.text for s in transcriber.transcribe(piece, options).segments]
    assert fresh  # "Hello?" ... "I didn't know you were there."
    calls = 0
    encode = type(model).__mro__[1].encode  # faster-whisper's own

    def counted(self, features):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        return encode(self, features)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(type(model).__mro__[1], "encode", counted)
        with EncodingMemo() as memo:
            # as the check does: the stretch at the first temperature, then the fallback
            first = transcriber.transcribe(piece, options)
            again = transcriber.transcribe(
                piece, redecode_options(options, 8.0, fallback=True, prompt=None))
            other = transcriber.transcribe(piece[: 6 * audio.SAMPLE_RATE], options)
        outside = transcriber.transcribe(piece, options)
    assert memo.reused == 1 and calls == 3  # the other audio and the one outside: encoded
    assert [s.text for s in first.segments] == fresh  # the memo changes no reading
    assert other.segments and outside.segments and again.language == "en"


def test_english_only_model_refuses_japanese_clearly(transcriber) -> None:  # type: ignore[no-untyped-def]
    silence = np.zeros(audio.SAMPLE_RATE, np.float32)
    with pytest.raises(UnsupportedLanguageError, match="English-only"):
        transcriber.transcribe(silence, TranscriptionOptions(language="ja"))
    with pytest.raises(UnsupportedLanguageError, match="not a language"):
        transcriber.transcribe(silence, TranscriptionOptions(language="xx"))


def test_a_model_not_on_this_machine_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError, match="not on this machine"):
        load_transcriber(ModelSpec(model="large-v3", models_dir=str(tmp_path)))
    (tmp_path / "empty-model").mkdir()
    with pytest.raises(ModelNotFoundError, match=r"model\.bin"):
        load_transcriber(ModelSpec(model=str(tmp_path / "empty-model")))
