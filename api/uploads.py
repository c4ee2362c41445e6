"""Receiving a recording over HTTP: the multipart body is parsed as it arrives and the file
part written straight to disk, hashed on the way, so a 2 GB upload never sits in memory.
The size limit is checked before reading (Content-Length) and while reading (the bytes
themselves), and anything half-received is removed."""

from __future__ import annotations

import fcntl
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from gijiroku.errors import GijirokuError, UploadError, UploadTooLargeError
from gijiroku.storage.tables import new_id

MAX_FIELD_BYTES = 64 * 1024
MAX_PARTS = 20


@dataclass
class ReceivedUpload:
    path: Path  # inside the data directory, ready to be moved into a meeting
    filename: str  # as the browser sent it: for display only, never a path
    size: int
    sha256: str
    fields: dict[str, str] = field(default_factory=dict)
    #: A descriptor holding an exclusive flock on the file until it is accepted or
    #: discarded: the start-up clean-up of another process leaves a locked file alone.
    lock: int | None = None


class _Reader:
    """Callbacks for python-multipart's streaming parser."""

    def __init__(self, target: Path, max_bytes: int) -> None:
        self.target, self.max_bytes = target, max_bytes
        self.fields: dict[str, str] = {}
        self.filename: str | None = None
        self.size = 0
        self.digest = hashlib.sha256()
        self.parts = 0
        self._header_name = bytearray()
        self._header_value = bytearray()
        self._headers: dict[str, bytes] = {}
        self._name = ""
        self._value = bytearray()
        self._file: BinaryIO | None = None
        self._is_file = False
        self.lock: int | None = None

    def callbacks(self) -> dict[str, object]:
        return {
            "on_part_begin": self.part_begin, "on_header_field": self.header_field,
            "on_header_value": self.header_value, "on_header_end": self.header_end,
            "on_headers_finished": self.headers_finished, "on_part_data": self.part_data,
            "on_part_end": self.part_end,
        }

    def part_begin(self) -> None:
        self.parts += 1
        if self.parts > MAX_PARTS:
            raise UploadError("Too many form fields.")
        self._headers = {}
        self._value = bytearray()
        self._is_file = False

    def header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def header_end(self) -> None:
        self._headers[bytes(self._header_name).decode("latin-1").lower()] = bytes(
            self._header_value
        )
        self._header_name, self._header_value = bytearray(), bytearray()

    def headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get("content-disposition", b""))
        self._name = options.get(b"name", b"").decode("utf-8", errors="replace")
        if self._name == "file":
            if self._file is not None:
                raise UploadError("Send one recording per upload.")
            raw = options.get(b"filename", b"")
            self.filename = raw.decode("utf-8", errors="replace") or "recording"
            self._is_file = True
            self._file = self.target.open("xb")
            self.lock = os.open(self.target, os.O_RDONLY)
            fcntl.flock(self.lock, fcntl.LOCK_EX)

    def part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if self._is_file:
            assert self._file is not None
            self.size += len(chunk)
            if self.size > self.max_bytes:
                raise UploadTooLargeError(_too_large(self.max_bytes),
                                          limit_mb=self.max_bytes // (1024 * 1024))
            self.digest.update(chunk)
            self._file.write(chunk)
        else:
            self._value += chunk
            if len(self._value) > MAX_FIELD_BYTES:
                raise UploadError(f"The form field {self._name!r} is too long.")

    def part_end(self) -> None:
        if self._is_file:
            assert self._file is not None
            self._file.close()
        elif self._name:
            self.fields[self._name] = bytes(self._value).decode("utf-8", errors="replace")

    def close(self) -> None:
        if self._file is not None and not self._file.closed:
            self._file.close()
        if self.lock is not None:
            os.close(self.lock)
            self.lock = None


def _too_large(max_bytes: int) -> str:
    return (f"The recording is larger than the limit of {max_bytes // (1024 * 1024)} MB "
            "(GIJIROKU_MAX_UPLOAD_MB).")


async def receive_upload(request: Request, folder: Path, max_bytes: int) -> ReceivedUpload:
    """Read a multipart/form-data body with one `file` part and small text fields."""
    content_type, options = parse_options_header(request.headers.get("content-type"))
    boundary = options.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise UploadError("Send the recording as multipart/form-data in a field named 'file'.")
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes + MAX_PARTS * MAX_FIELD_BYTES:
        # refused before reading a byte
        raise UploadTooLargeError(_too_large(max_bytes), limit_mb=max_bytes // (1024 * 1024))
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{new_id()}.upload"
    reader = _Reader(target, max_bytes)
    parser = MultipartParser(boundary, reader.callbacks())  # type: ignore[arg-type]
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
        if reader.filename is None:
            raise UploadError("No recording: the form has no field named 'file'.")
        if reader.size == 0:
            raise UploadError(f"The recording {reader.filename!r} is empty (0 bytes).")
    except BaseException as exc:
        reader.close()
        target.unlink(missing_ok=True)
        if isinstance(exc, GijirokuError):
            raise
        if isinstance(exc, Exception) and exc.__class__.__module__.startswith("python_multipart"):
            raise UploadError(f"The upload could not be read: {exc}") from exc
        raise
    return ReceivedUpload(
        target, reader.filename, reader.size, reader.digest.hexdigest(), reader.fields,
        reader.lock,
    )


def release(upload: ReceivedUpload) -> None:
    """The upload was accepted (moved into its meeting) or discarded: unlock it."""
    if upload.lock is not None:
        os.close(upload.lock)
        upload.lock = None


def discard(upload: ReceivedUpload) -> None:
    upload.path.unlink(missing_ok=True)
    release(upload)
