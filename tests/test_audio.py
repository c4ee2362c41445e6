import shutil
from pathlib import Path

import numpy as np
import pytest

from gijiroku import audio
from gijiroku.errors import (
    AudioDecodeError,
    AudioFileNotFoundError,
    DiskFullError,
    EmptyAudioError,
    NoAudioStreamError,
    RecordingTooLongError,
    ZeroDurationError,
)

FORMATS = ["wav", "mp3", "m4a", "flac", "ogg", "opus", "webm", "mp4"]


@pytest.mark.parametrize("kind", FORMATS)
def test_every_common_container_decodes_to_16k_mono(
    media: dict[str, Path], tmp_path: Path, kind: str
) -> None:
    info = audio.probe(media[kind])
    assert info.duration == pytest.approx(30.0, abs=0.2)
    assert info.has_video == (kind == "mp4")
    seen: list[float] = []
    duration = audio.decode(
        media[kind], tmp_path / "out.f32", duration_hint=info.duration,
        progress=lambda stage, done, total: seen.append(done / total),
    )
    assert duration == pytest.approx(30.0, abs=0.2)
    samples = audio.load(tmp_path / "out.f32")
    assert samples.dtype == np.float32
    assert len(samples) == round(duration * audio.SAMPLE_RATE)
    assert 0.01 < float(np.abs(samples).max()) <= 1.0
    assert seen[-1] == 1.0
    assert not (tmp_path / "out.f32.part").exists()


def test_decoded_audio_matches_the_source_samples(media: dict[str, Path], tmp_path: Path) -> None:
    import wave

    with wave.open(str(media["wav"])) as reader:
        expected = np.frombuffer(reader.readframes(reader.getnframes()), "<i2") / 32768.0
    audio.decode(media["wav"], tmp_path / "out.f32")
    np.testing.assert_allclose(audio.load(tmp_path / "out.f32"), expected, atol=1e-4)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(AudioFileNotFoundError, match="does not exist"):
        audio.probe(tmp_path / "nowhere.wav")
    with pytest.raises(AudioFileNotFoundError):
        audio.decode(tmp_path / "nowhere.wav", tmp_path / "out.f32")


def test_empty_file(media: dict[str, Path], tmp_path: Path) -> None:
    with pytest.raises(EmptyAudioError, match="empty"):
        audio.probe(media["empty"])
    with pytest.raises(EmptyAudioError):
        audio.decode(media["empty"], tmp_path / "out.f32")


def test_video_without_audio(media: dict[str, Path]) -> None:
    with pytest.raises(NoAudioStreamError, match="no audio track") as caught:
        audio.probe(media["silent_video"], name="committee.mp4")
    assert "committee.mp4" in caught.value.message


def test_undecodable_bytes(media: dict[str, Path], tmp_path: Path) -> None:
    with pytest.raises(AudioDecodeError) as caught:
        audio.probe(media["garbage"])
    assert caught.value.code == "audio_undecodable"
    with pytest.raises(AudioDecodeError):
        audio.decode(media["garbage"], tmp_path / "out.f32")
    assert not any(tmp_path.iterdir())  # no partial output left behind


def test_zero_duration(media: dict[str, Path], tmp_path: Path) -> None:
    audio.probe(media["zero_duration"])  # the header is valid...
    with pytest.raises(ZeroDurationError, match="no audio samples"):
        audio.decode(media["zero_duration"], tmp_path / "out.f32")  # ...but holds nothing
    assert not any(tmp_path.iterdir())


def test_truncated_file_still_decodes_what_it_holds(media: dict[str, Path], tmp_path: Path) -> None:
    cut = tmp_path / "cut.mp3"
    data = media["mp3"].read_bytes()
    cut.write_bytes(data[: len(data) // 2])  # a recorder unplugged mid-copy
    duration = audio.decode(cut, tmp_path / "out.f32")
    assert 10.0 < duration < 20.0


def test_decoding_refuses_what_is_too_long_or_too_big_for_the_disk(
    media: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "meeting" / "audio.f32"
    info = audio.probe(media["wav"])  # 30 s, declared in its header
    with pytest.raises(RecordingTooLongError, match="0:00:30, longer than the 0:00:10"):
        audio.decode(media["wav"], out, duration_hint=info.duration,
                     limits=audio.Limits(max_seconds=10))
    # a length not known beforehand: ffmpeg stops at the limit, and it is refused then
    with pytest.raises(RecordingTooLongError, match="longer than the 0:00:10 allowed"):
        audio.decode(media["wav"], out, limits=audio.Limits(max_seconds=10))
    with pytest.raises(DiskFullError, match="needs 2 MB"):  # 30 s: 1.9 MB as float32
        audio.decode(media["wav"], out, duration_hint=info.duration,
                     limits=audio.Limits(min_free_bytes=2**62))
    assert list(out.parent.iterdir()) == []  # nothing written, nothing left behind
    assert audio.decoded_bytes(3 * 3600) == 691_200_004  # a 3-hour session: 0.7 GB
    duration = audio.decode(media["wav"], out, duration_hint=info.duration,
                            limits=audio.Limits(max_seconds=31, min_free_bytes=1))
    assert duration == pytest.approx(30.0, abs=0.1)


def _claiming_one_second(path: Path) -> None:
    """Rewrite a FLAC file's STREAMINFO so that it says the recording has one second of
    samples (what an edited or broken header says; every frame is still there)."""
    data = bytearray(path.read_bytes())
    assert data[:4] == b"fLaC" and data[4] & 0x7F == 0  # STREAMINFO first
    info = 8  # after "fLaC" and the block's header
    rate = (data[info + 10] << 12) | (data[info + 11] << 4) | (data[info + 12] >> 4)
    # total samples: the low 4 bits of byte 13, then bytes 14-17 (36 bits)
    data[info + 13] &= 0xF0
    data[info + 14:info + 18] = rate.to_bytes(4, "big")
    path.write_bytes(bytes(data))


def test_a_header_that_understates_the_length_cannot_eat_the_reserve(tmp_path: Path) -> None:
    """Finding 7: a 5-minute FLAC whose header says one second passes the check made from
    the header; decoding itself stops before what it writes would leave less than
    GIJIROKU_MIN_FREE_MB free, and says so (disk_full, which a retry can pass)."""
    from tests.conftest import ffmpeg

    lying = tmp_path / "lying.flac"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=300:duration=300:sample_rate=16000",
           "-ac", "1", "-c:a", "flac", str(lying))
    _claiming_one_second(lying)
    info = audio.probe(lying)
    assert info.duration == pytest.approx(1.0, abs=0.01)  # what the header claims
    out = tmp_path / "meeting" / "audio.f32"
    out.parent.mkdir()
    # room for 8 MB of decoded samples (about 2 minutes): the whole would be 19 MB
    reserve = shutil.disk_usage(out.parent).free - 8 * 1024 * 1024
    with pytest.raises(DiskFullError, match="was stopped at") as caught:
        audio.decode(lying, out, duration_hint=info.duration,
                     limits=audio.Limits(min_free_bytes=reserve))
    assert caught.value.code == "disk_full" and not caught.value.permanent
    assert list(out.parent.iterdir()) == []  # what was written is gone again
    # with room enough, the whole five minutes decode (the header is not believed)
    assert audio.decode(lying, out, limits=audio.Limits(min_free_bytes=1)) == \
        pytest.approx(300.0, abs=0.5)


def test_when_a_recording_was_made_as_its_file_says(pyannote_sample: Path,
                                                    tmp_path: Path) -> None:
    """An M4A's creation_time (UTC, given as local time), a Broadcast WAV's origination
    date and time (an IC recorder's, local already), a clock never set, and no date."""
    from datetime import UTC, datetime

    from tests.conftest import ffmpeg

    source = str(pyannote_sample / "sample.wav")
    ffmpeg("-i", source, "-metadata", "creation_time=2026-12-10T01:00:00Z",
           str(tmp_path / "phone.m4a"))
    local = datetime(2026, 12, 10, 1, 0, tzinfo=UTC).astimezone().replace(tzinfo=None)
    assert audio.recorded_at(tmp_path / "phone.m4a") == local
    ffmpeg("-i", source, "-write_bext", "1", "-metadata", "origination_date=2026-12-10",
           "-metadata", "origination_time=10:02:03", str(tmp_path / "recorder.wav"))
    assert audio.recorded_at(tmp_path / "recorder.wav") == datetime(2026, 12, 10, 10, 2, 3)
    ffmpeg("-i", source, "-metadata", "creation_time=1970-01-01T00:00:00Z",
           str(tmp_path / "unset.m4a"))
    assert audio.recorded_at(tmp_path / "unset.m4a") is None
    assert audio.recorded_at(pyannote_sample / "sample.wav") is None
    assert audio.recorded_at(tmp_path / "missing.wav") is None
