"""QR images of VietQR payloads, rendered once and then served from the cache.

Rendering a code costs about 9 ms (mostly QR encoding and mask choice), so the
vendor's image URLs keep the rendered bytes in Django's cache (Redis in
production, shared by every web host) under a key of the vendor's token and
account; services drop those keys when a vendor's accounts or token change.
"""

import hashlib
import io
from dataclasses import dataclass

import qrcode
import qrcode.image.svg
from django.core.cache import cache
from qrcode.image.pil import PilImage

FORMATS = {"png": "image/png", "svg": "image/svg+xml"}
CACHE_SECONDS = 60 * 60 * 24 * 30


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
    return cache.get(key)


def store(key: str, image: QRImage) -> None:
    cache.set(key, image, CACHE_SECONDS)


def forget(token: str, account_keys: list[str]) -> None:
    """Drop every cached image of a vendor (``account_keys``: "primary" and account ids)."""
    cache.delete_many([cache_key(token, a, fmt) for a in account_keys for fmt in FORMATS])


def version(payload: str) -> str:
    """A short hash of the payload, put in image URLs so they can be cached for good."""
    return hashlib.sha256(payload.encode()).hexdigest()[:12]
