"""QR images of VietQR payloads, rendered once and then served from the cache.

Rendering a code costs about 9 ms (mostly QR encoding and mask choice), so the
vendor's image URLs keep the rendered bytes in Django's cache (Redis in
production, shared by every web host) under a key of the vendor's token and
account; services drop those keys when a vendor's accounts or token change.

In front of Redis each process keeps the images it served in the last
``LOCAL_SECONDS`` (a Redis round trip costs a third of a cached image's
throughput, bench/qr.py). So after a vendor's link is revoked or an account
changes, another web process may serve the old image for up to that long;
the vendor's page itself always asks the database.
"""

import hashlib
import io
from dataclasses import dataclass

import qrcode
import qrcode.image.svg
from django.core.cache import cache
from qrcode.image.pil import PilImage

from chuprong.localcache import LocalCopies

FORMATS = {"png": "image/png", "svg": "image/svg+xml"}
CACHE_SECONDS = 60 * 60 * 24 * 30
LOCAL_SECONDS = 30

_local = LocalCopies(max_entries=512, seconds=LOCAL_SECONDS)


@dataclass(frozen=True)
class QRImage:
    content: bytes
    content_type: str
    etag: str


def _qr(payload: str) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=10, border=4)
    code.add_data(payload)
    code.make(fit=True)
    return code


def render(payload: str, fmt: str) -> QRImage:
    """The QR code of ``payload`` as a PNG (1-bit, ~1 KB) or an SVG path."""
    buffer = io.BytesIO()
    if fmt == "png":
        _qr(payload).make_image(image_factory=PilImage).save(buffer, optimize=True)
    elif fmt == "svg":
        _qr(payload).make_image(image_factory=qrcode.image.svg.SvgPathFillImage).save(buffer)
    else:
        raise ValueError(fmt)
    content = buffer.getvalue()
    etag = '"' + hashlib.sha256(content).hexdigest()[:32] + '"'
    return QRImage(content=content, content_type=FORMATS[fmt], etag=etag)


def cache_key(token: str, account: str, fmt: str) -> str:
    return f"market:qr:{token}:{account}:{fmt}"


def cached(key: str) -> QRImage | None:
    image = _local.get(key)
    if image is None:
        image = cache.get(key)
        if image is not None:
            _local.put(key, image)
    return image


def store(key: str, image: QRImage) -> None:
    cache.set(key, image, CACHE_SECONDS)
    _local.put(key, image)


def forget(token: str, account_keys: list[str]) -> None:
    """Drop every cached image of a vendor (``account_keys``: "primary" and account ids)."""
    keys = [cache_key(token, a, fmt) for a in account_keys for fmt in FORMATS]
    cache.delete_many(keys)
    for key in keys:
        _local.pop(key)


def version(payload: str) -> str:
    """A short hash of the payload, put in image URLs so they can be cached for good."""
    return hashlib.sha256(payload.encode()).hexdigest()[:12]


def clear_local() -> None:
    """Empty this process's copies (tests; nothing else needs it)."""
    _local.clear()
