"""HTTP ``Range: bytes=...`` requests (RFC 9110 §14), for files served in parts.

``requested_range`` (plain Python) reads the header against the file's size and says
what to send; ``ranged_file_response`` answers with it: 200 and the whole file, 206
and the part asked for, or 416. Only one range is answered (a media player asks for one); a header
this module does not understand, or several ranges, is answered with the whole
file, as the RFC allows; a range wholly past the end is unsatisfiable (416).
"""

import re
from typing import BinaryIO

from django.http import FileResponse, HttpResponse, HttpResponseBase

__all__ = ["Unsatisfiable", "ranged_file_response", "requested_range"]

_ONE = re.compile(r"bytes=(\d*)-(\d*)")


class Unsatisfiable(Exception):
    """The range starts past the file's end: answer 416 with ``Content-Range: bytes */size``."""


def requested_range(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) byte positions, both included, to send for ``header``; None: the
    whole file (no header, one not understood, several ranges, an empty file)."""
    match = _ONE.fullmatch(header.strip().replace(" ", ""))
    if match is None or size <= 0:
        return None
    first, last = match.groups()
    if not first:
        if not last:
            return None
        suffix = int(last)  # the last N bytes
        if suffix == 0:
            raise Unsatisfiable
        return max(size - suffix, 0), size - 1
    start = int(first)
    if start >= size:
        raise Unsatisfiable
    end = min(int(last), size - 1) if last else size - 1
    if end < start:
        return None  # invalid: ignored, the whole file
    return start, end


class _Window:
    """``length`` bytes of an open file from where it stands: what FileResponse streams."""

    def __init__(self, handle: BinaryIO, length: int) -> None:
        self.handle, self.left = handle, length

    def read(self, size: int = -1) -> bytes:
        size = self.left if size < 0 else min(size, self.left)
        data = self.handle.read(size) if size else b""
        self.left -= len(data)
        return data

    def close(self) -> None:
        self.handle.close()


def ranged_file_response(
    handle: BinaryIO, size: int, range_header: str, *, content_type: str, filename: str
) -> tuple[HttpResponseBase, tuple[int, int] | None]:
    """The answer to a GET of the open file ``handle`` of ``size`` bytes, and the part
    sent (None: the whole file). The file is closed when the answer is done."""
    try:
        part = requested_range(range_header, size)
    except Unsatisfiable:
        handle.close()
        refused = HttpResponse(status=416)
        refused["Content-Range"] = f"bytes */{size}"
        return refused, None
    response: FileResponse
    if part is None:
        response = FileResponse(handle, content_type=content_type, filename=filename)
    else:
        first, last = part
        handle.seek(first)
        response = FileResponse(
            _Window(handle, last - first + 1),
            status=206,
            content_type=content_type,
            filename=filename,
        )
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
        response["Content-Length"] = str(last - first + 1)
    response["Accept-Ranges"] = "bytes"
    return response, part
