"""Settings to stage arguments: the one place that reads `Settings` on behalf of the stages."""

from __future__ import annotations

from typing import Any

from diarize import DiarizerSpec, SpeakerHints
from gijiroku.config import Settings
from gijiroku.models import starter_segmentation_path
from transcribe import ModelSpec, TranscriptionOptions


def model_spec(settings: Settings) -> ModelSpec:
    return ModelSpec(
        model=settings.whisper_model,
        device=settings.device,
        compute_type=settings.compute_type,
        cpu_threads=settings.cpu_threads,
        models_dir=str(settings.resolved_models_dir),
    )


def transcription_options(
    settings: Settings, meeting_options: dict[str, Any] | None = None
) -> TranscriptionOptions:
    """Options for one meeting: its own choices first, then the configured defaults."""
    chosen = meeting_options or {}
    language = chosen.get("language") or settings.language
    return TranscriptionOptions(
        language=None if language == "auto" else language,
        beam_size=settings.beam_size,
        batch_size=settings.batch_size,
        initial_prompt=chosen.get("initial_prompt") or settings.initial_prompt,
        hotwords=chosen.get("hotwords") or settings.hotwords,
        window_seconds=settings.transcribe_window_seconds,
    )


def diarizer_spec(settings: Settings) -> DiarizerSpec:
    return DiarizerSpec(
        pipeline=settings.diarization_pipeline or None,
        device=settings.diarize_device or settings.device,
        hf_token=settings.hf_token.get_secret_value() if settings.hf_token else None,
        starter_segmentation=str(starter_segmentation_path()),
        models_dir=str(settings.resolved_models_dir),
    )


def speaker_hints(
    settings: Settings, meeting_options: dict[str, Any] | None = None
) -> SpeakerHints:
    """The meeting's own speaker-count hints when it has any, else the configured ones."""
    chosen = meeting_options or {}
    keys = ("num_speakers", "min_speakers", "max_speakers")
    if any(chosen.get(key) for key in keys):
        return SpeakerHints(**{key: chosen.get(key) for key in keys})
    return SpeakerHints(**{key: getattr(settings, key) for key in keys})


def preload(settings: Settings) -> None:
    """Load the transcription and diarization models into this process's caches, so the
    first job does not wait for them (the same specs hit the same cached objects)."""
    from diarize import load_diarizer
    from transcribe import load_transcriber

    load_transcriber(model_spec(settings))
    if settings.diarize:
        load_diarizer(diarizer_spec(settings))
