"""Check an uploaded audio reading before it is stored and offered to villagers.

Pure module (no Django): ``check_audio`` takes any binary stream (a Django
``UploadedFile`` is one), refuses what must not be published and returns what
the file is (``AudioInfo``: its format, media type, file extension and duration).
The file's *content* decides, never its name: a PDF or a WAV renamed ``.mp3`` is
refused as ``not_audio``.

Accepted, by their first bytes:

- MP3: an ID3v2 tag followed by an MPEG audio frame, or a frame at once (the
  11-bit frame sync ``0xFFE``), and the frame after it where the file goes on;
- M4A: an ISO base media file (``ftyp`` box) whose major or compatible brands
  include ``M4A``, ``mp42`` or ``isom``, with a ``moov`` box holding an audio
  track (``soun``) and no video track;
- Ogg: an ``OggS`` page whose first packet is an Opus (``OpusHead``) or Vorbis
  (``\\x01vorbis``) identification header.

Then mutagen (pure Python, well kept) reads the whole structure and gives the
duration: what it cannot read is ``corrupt``.

Refusals raise ``AudioCheckError`` whose ``code`` is one of ``CODES``; the caller
maps it to a translated message for the officer.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from typing import BinaryIO

from mutagen import MutagenError
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4, Atoms
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis

__all__ = ["CODES", "FORMATS", "MAX_BYTES", "AudioCheckError", "AudioInfo", "check_audio"]

MAX_BYTES = 20 * 1024 * 1024
CODES = frozenset({"too_large", "empty", "not_audio", "video", "corrupt"})

# format → (media type, file extension)
FORMATS = {
    "mp3": ("audio/mpeg", "mp3"),
    "m4a": ("audio/mp4", "m4a"),
    "opus": ("audio/ogg", "opus"),
    "vorbis": ("audio/ogg", "ogg"),
}
M4A_BRANDS = frozenset({b"M4A ", b"mp42", b"isom"})
_HEAD = 64 * 1024  # enough for the first headers (an ID3 tag with a cover is skipped by seeking)


class AudioCheckError(Exception):
    """An audio file that must not be published; ``code`` says why (one of ``CODES``)."""

    def __init__(self, code: str, detail: str = "") -> None:
        if code not in CODES:
            raise ValueError(f"unknown audio check code: {code!r}")
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class AudioInfo:
    format: str  # a key of FORMATS
    duration: float | None  # seconds, when the file says

    @property
    def content_type(self) -> str:
        return FORMATS[self.format][0]

    @property
    def extension(self) -> str:
        return FORMATS[self.format][1]


def check_audio(
    stream: BinaryIO, *, size: int | None = None, max_bytes: int = MAX_BYTES
) -> AudioInfo:
    """Check the audio in ``stream``; return its ``AudioInfo`` or raise ``AudioCheckError``.

    ``size`` is the upload's size when already known; otherwise it is measured by
    seeking. The stream is read where the headers are (not loaded whole) and rewound
    to position 0 afterwards (also when the check fails), so the caller can save it.
    """
    try:
        return _check(stream, size, max_bytes)
    finally:
        stream.seek(0)


def _check(stream: BinaryIO, size: int | None, max_bytes: int) -> AudioInfo:
    stream.seek(0, os.SEEK_END)
    measured = stream.tell()
    size = max(measured, size or 0)  # a stream longer than announced is measured too
    if size > max_bytes:
        raise AudioCheckError("too_large", f"{size} bytes")
    if size == 0:
        raise AudioCheckError("empty")
    stream.seek(0)
    head = stream.read(_HEAD)
    kind = _sniff(stream, head)
    stream.seek(0)
    return AudioInfo(kind, _duration(kind, stream))


def _sniff(stream: BinaryIO, head: bytes) -> str:
    if head.startswith(b"OggS"):
        return _ogg_kind(head)
    if head[4:8] == b"ftyp":
        return _m4a_kind(head)
    start = 0
    if head.startswith(b"ID3") and len(head) >= 10:
        start = 10 + _synchsafe(head[6:10]) + (10 if head[5] & 0x10 else 0)  # + footer
        stream.seek(start)
        head = stream.read(_HEAD)
        start = 0
    if _mp3_frames_at(head, start):
        return "mp3"
    raise AudioCheckError("not_audio", f"starts with {head[:8].hex()}")


def _ogg_kind(head: bytes) -> str:
    # The first page: 27 header bytes, then the segment table, then the first packet.
    if len(head) < 28 or head[4] != 0:
        raise AudioCheckError("not_audio", "not an Ogg page")
    packet = head[27 + head[26] :]
    if packet.startswith(b"OpusHead"):
        return "opus"
    if packet.startswith(b"\x01vorbis"):
        return "vorbis"
    raise AudioCheckError("not_audio", "an Ogg file without Opus or Vorbis sound")


def _m4a_kind(head: bytes) -> str:
    (box_size,) = struct.unpack(">I", head[:4])
    if box_size < 16 or box_size > len(head):
        raise AudioCheckError("not_audio", "bad ftyp box")
    brands = {head[8:12]} | {head[i : i + 4] for i in range(16, box_size - 3, 4)}
    if not brands & M4A_BRANDS:
        raise AudioCheckError("not_audio", f"brands {sorted(brands)}")
    return "m4a"


# MPEG audio frame header (ISO 11172-3 / 13818-3): bitrates in kbit/s by version and layer.
_BITRATES = {
    (1, 1): (0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (1, 2): (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (1, 3): (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (2, 1): (0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (2, 2): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_BITRATES[(2, 3)] = _BITRATES[(2, 2)]
_RATES = {1: (44100, 48000, 32000), 2: (22050, 24000, 16000), 25: (11025, 12000, 8000)}


def _frame_length(header: bytes) -> int | None:
    """The length in bytes of the MPEG audio frame whose 4-byte header this is, or None."""
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return None
    version = {3: 1, 2: 2, 0: 25}.get((header[1] >> 3) & 3)
    layer = {3: 1, 2: 2, 1: 3}.get((header[1] >> 1) & 3)
    bitrate_index, rate_index = header[2] >> 4, (header[2] >> 2) & 3
    if version is None or layer is None or bitrate_index in (0, 15) or rate_index == 3:
        return None
    bitrate = _BITRATES[(1 if version == 1 else 2, layer)][bitrate_index] * 1000
    rate = _RATES[version][rate_index]
    padding = (header[2] >> 1) & 1
    if layer == 1:
        return (12 * bitrate // rate + padding) * 4
    per_frame = 144 if layer == 2 or version == 1 else 72
    return per_frame * bitrate // rate + padding


def _mp3_frames_at(data: bytes, start: int) -> bool:
    """A frame at ``start``, and another right after it unless the data ends there."""
    length = _frame_length(data[start : start + 4])
    if length is None:
        return False
    following = start + length
    return following + 4 > len(data) or _frame_length(data[following : following + 4]) is not None


_READERS = {"mp3": MP3, "m4a": MP4, "opus": OggOpus, "vorbis": OggVorbis}


def _duration(kind: str, stream: BinaryIO) -> float | None:
    try:
        audio = _READERS[kind](stream)
    except (MutagenError, struct.error, ValueError, IndexError, EOFError, OSError) as exc:
        raise AudioCheckError("corrupt", f"{type(exc).__name__}: {exc}"[:200]) from exc
    if kind == "m4a":
        _refuse_video(stream)
    length = getattr(audio.info, "length", None)
    return round(float(length), 1) if length else None


def _refuse_video(stream: BinaryIO) -> None:
    """An M4A has a sound track and no video track (a film is not a reading)."""
    handlers = set()
    try:
        stream.seek(0)
        for trak in Atoms(stream)[b"moov"].findall(b"trak"):
            ok, data = trak[b"mdia", b"hdlr"].read(stream)
            if ok:
                handlers.add(data[8:12])
    except (MutagenError, KeyError, struct.error, ValueError, OSError) as exc:
        raise AudioCheckError("corrupt", f"{type(exc).__name__}: {exc}"[:200]) from exc
    if b"vide" in handlers:
        raise AudioCheckError("video")
    if b"soun" not in handlers:
        raise AudioCheckError("not_audio", "no sound track")


def _synchsafe(data: bytes) -> int:
    """An ID3v2 size: four bytes of seven bits each."""
    return (data[0] << 21) | (data[1] << 14) | (data[2] << 7) | data[3]
