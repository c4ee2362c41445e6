"""The errors Gijiroku raises, each with a short code and a message a clerk can read.

    GijirokuError
    ├── ConfigError                 invalid or missing configuration (names the variable)
    ├── InvalidInputError           a request's value that cannot be used (format, hint...)
    ├── UploadError                 an upload that cannot be taken (no file part, bad form)
    │   └── UploadTooLargeError     over GIJIROKU_MAX_UPLOAD_MB
    ├── AudioError
    │   ├── AudioFileNotFoundError  the recording does not exist
    │   ├── EmptyAudioError         the file has zero bytes
    │   ├── NoAudioStreamError      a container without any audio stream (e.g. silent video)
    │   ├── AudioDecodeError        bytes that ffmpeg cannot decode
    │   ├── ZeroDurationError       decodes, but holds no samples
    │   ├── RecordingTooLongError   longer than GIJIROKU_MAX_DURATION_HOURS
    │   └── IncompleteRecordingError  holds much less than its header declares (still copying)
    ├── DiskFullError               not enough free space for the decoded audio
    ├── FfmpegNotFoundError         neither a system ffmpeg nor the bundled one is usable
    ├── ModelError
    │   ├── ModelNotFoundError      a configured model is not on this machine
    │   └── UnsupportedLanguageError  a language the model cannot transcribe
    ├── PermissionDeniedError       the person's role does not allow it
    ├── NotFoundError               no such segment, speaker or edit
    │   ├── MeetingNotFoundError    no meeting with that id
    │   └── JobNotFoundError        no job with that id
    ├── EditError                   an edit that cannot be applied as asked
    │   └── EditConflictError       the thing changed since (undo a later edit first)
    │       └── StaleVersionError   saved over a version someone else changed (carries it)
    ├── StageError                  a pipeline stage failed for another reason
    ├── JobError
    │   ├── JobCancelled            a person cancelled the job
    │   ├── JobInterrupted          the worker stopped or lost the job; it runs again
    │   ├── JobAbandoned            workers died on this job too often; not tried again
    │   └── JobNotClaimable         the job is not queued (taken, finished or cancelled)
    └── LLMError                    the minutes server failed or answered unusably
        ├── LLMTimeoutError         no answer in time (after the client's retries)
        ├── LLMUnavailableError     the server cannot be reached or keeps failing
        └── LLMOutputError          invalid output, even after one repair attempt

Every error carries ``code`` (stable, for the API and job records), ``message`` (English,
specific) and ``params`` (the values a translated message names: `gijiroku.messages`).
A raise site may give a finer code than its class's (``InvalidInputError(..., code=
"invalid_date", field="date", value=...)``); every code has an entry in the catalogue.
Adapters translate library errors with ``raise ... from exc`` so the cause is kept.
"""

from __future__ import annotations

from typing import Any


class GijirokuError(Exception):
    """Base of every error Gijiroku reports to a person."""

    code = "error"
    #: Permanent errors are not worth retrying (the same input fails the same way).
    permanent = True

    def __init__(self, message: str, *, code: str | None = None, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.params = params

    def __str__(self) -> str:
        return self.message


class ConfigError(GijirokuError):
    code = "config_invalid"


class InvalidInputError(GijirokuError):
    code = "invalid_input"


class UploadError(GijirokuError):
    code = "upload_invalid"


class UploadTooLargeError(UploadError):
    code = "upload_too_large"


class AudioError(GijirokuError):
    code = "audio_error"


class AudioFileNotFoundError(AudioError):
    code = "audio_not_found"


class EmptyAudioError(AudioError):
    code = "audio_empty"


class NoAudioStreamError(AudioError):
    code = "audio_no_stream"


class AudioDecodeError(AudioError):
    code = "audio_undecodable"


class ZeroDurationError(AudioError):
    code = "audio_zero_duration"


class RecordingTooLongError(AudioError):
    code = "recording_too_long"


class IncompleteRecordingError(AudioError):
    code = "recording_incomplete"
    permanent = False  # a copy still arriving: the same file is complete later


class DiskFullError(GijirokuError):
    code = "disk_full"
    permanent = False  # space can be freed


class FolderSettingsError(GijirokuError):
    """A watched folder's settings file (gijiroku.toml) cannot be used: its recordings wait
    until it is mended."""

    code = "folder_settings_invalid"

    def __init__(self, file: str, reason: str) -> None:
        super().__init__(f"The folder settings file {file} cannot be used: {reason}. The "
                         "recordings below it are taken once it is mended.",
                         file=file, reason=reason)


class FfmpegNotFoundError(GijirokuError):
    code = "ffmpeg_not_found"


class ModelError(GijirokuError):
    code = "model_error"


class ModelNotFoundError(ModelError):
    code = "model_not_found"


class UnsupportedLanguageError(ModelError):
    code = "language_unsupported"


class PermissionDeniedError(GijirokuError):
    code = "forbidden"


class NotFoundError(GijirokuError):
    code = "not_found"


class MeetingNotFoundError(NotFoundError):
    code = "meeting_not_found"


class JobNotFoundError(NotFoundError):
    code = "job_not_found"


class EditError(GijirokuError):
    code = "invalid_edit"


class EditConflictError(EditError):
    code = "edit_conflict"


class StaleVersionError(EditConflictError):
    """A save made against an older version than the stored one; `current` is the stored
    object as the API shows it, so the person can compare before saving again."""

    code = "stale_version"

    def __init__(self, message: str, current: dict[str, Any], *,
                 code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.current = current


class StageError(GijirokuError):
    code = "stage_failed"
    permanent = False


class JobError(GijirokuError):
    code = "job_error"


class JobCancelled(JobError):
    code = "job_cancelled"


class JobInterrupted(JobError):
    code = "job_interrupted"
    permanent = False


class JobAbandoned(JobError):
    code = "job_abandoned"


class JobNotClaimable(JobError):
    code = "job_not_claimable"


class LLMError(GijirokuError):
    code = "llm_error"
    permanent = False


class LLMTimeoutError(LLMError):
    code = "llm_timeout"


class LLMUnavailableError(LLMError):
    code = "llm_unavailable"


class LLMOutputError(LLMError):
    code = "llm_invalid_output"
