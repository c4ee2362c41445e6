"""The pipeline's stages, one module each with the settings it reads: decode, transcribe,
diarize, dictionary (correction rules), minutes. Each stores its own output before it
returns, so a job resumes after the last finished stage; `gijiroku.pipeline` runs them."""

from __future__ import annotations

from collections.abc import Sequence

from diarize import load_diarizer
from diarize.voices import load_voice_encoder
from gijiroku.config import Settings
from gijiroku.errors import StageError
from gijiroku.stages.base import Stage, StageContext
from gijiroku.stages.decode import DecodeStage
from gijiroku.stages.diarize import DiarizeStage, diarizer_spec
from gijiroku.stages.dictionary import DictionaryStage
from gijiroku.stages.minutes import MinutesStage, llm_server
from gijiroku.stages.transcribe import TranscribeStage, model_spec
from transcribe import load_transcriber
from transcribe.doubt import preload as preload_marks


def default_stages(settings: Settings | None = None) -> list[Stage]:
    stages: list[Stage] = [DecodeStage(), TranscribeStage()]
    if settings is None or settings.diarize:
        stages.append(DiarizeStage())
    stages += [DictionaryStage(), MinutesStage()]
    return stages


def stages_named(names: Sequence[str] | None, settings: Settings) -> list[Stage]:
    """The stages a stored job asks for, in pipeline order (None: the whole pipeline)."""
    stages = default_stages(settings)
    if names is None:
        return stages
    chosen = [stage for stage in stages if stage.name in names]
    if len(chosen) != len(set(names)):
        known = ", ".join(stage.name for stage in stages)
        raise StageError(f"Unknown stage in {list(names)} (known: {known}).")
    return chosen


def preload(settings: Settings) -> None:
    """Load the transcription and diarization models (and the voice encoder, the word lists
    and the analyser the doubtful-word marks read) into this process's caches, and start
    the embedded minutes server when it is used, so the first job does not wait for them
    (the same specs hit the same cached objects and server)."""
    load_transcriber(model_spec(settings))
    preload_marks(settings.language)
    if settings.diarize:
        spec = diarizer_spec(settings)
        load_diarizer(spec)
        load_voice_encoder(settings.voiceprint_model, spec.device)
    server = llm_server(settings)
    if server is not None:
        server.base_url()


__all__ = [
    "DecodeStage", "DiarizeStage", "DictionaryStage", "MinutesStage", "Stage", "StageContext",
    "TranscribeStage",
    "default_stages", "preload", "stages_named",
]
