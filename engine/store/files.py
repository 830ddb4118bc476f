"""Attachment contents, stored by their SHA-256 (一事一档: minutes, sign-in sheets, photos of notices).

A ``FileStore`` keeps bytes under their hash and nothing else; who uploaded what to which case lives in the
``attachments`` table and the case file. Content addressing makes a stored file self-checking (its name is its
hash) and stores a file uploaded to several cases once. ``LocalFileStore`` writes under the data directory; an
S3-compatible store implements the same three methods (``put`` streams, so it can be a multipart upload).
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

CHUNK = 1 << 16
HEAD_BYTES = 8192  # what a media-type sniffer needs of a file
SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Stored:
    sha256: str
    size: int
    head: bytes  # the first bytes, for sniffing the media type


class FileTooLarge(Exception):
    """The stream was longer than the limit; nothing was kept."""

    def __init__(self, limit: int):
        super().__init__(f"larger than {limit} bytes")
        self.limit = limit


class FileStore(Protocol):
    def put(self, stream: BinaryIO, limit: int) -> Stored:
        """Store the stream's bytes (at most ``limit``, else ``FileTooLarge`` and nothing kept)."""

    def open(self, sha256: str) -> BinaryIO:
        """The stored bytes of ``sha256`` (``FileNotFoundError`` when absent)."""

    def exists(self, sha256: str) -> bool: ...


class LocalFileStore:
    """Files at ``root/ab/cd/abcd…`` (two levels of fan-out), written to a temporary file and renamed into place,
    so a reader never sees half a file and two uploads of the same content both succeed."""

    def __init__(self, root: Path | str):
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        if not SHA256.match(sha256):
            raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, stream: BinaryIO, limit: int) -> Stored:
        self.root.mkdir(parents=True, exist_ok=True)
        digest, size, head = hashlib.sha256(), 0, b""
        handle, temporary = tempfile.mkstemp(dir=self.root, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as out:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if size > limit:
                        raise FileTooLarge(limit)
                    if len(head) < HEAD_BYTES:
                        head += chunk[: HEAD_BYTES - len(head)]
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            sha = digest.hexdigest()
            target = self.path(sha)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(temporary, target)
            return Stored(sha, size, head)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)

    def open(self, sha256: str) -> BinaryIO:
        return self.path(sha256).open("rb")

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()
