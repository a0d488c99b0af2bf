"""QR codes drawn as PNG or SVG images (the caching of a vendor's codes is market/qr.py)."""

import hashlib
import io
from dataclasses import dataclass

import qrcode
import qrcode.constants
import qrcode.image.svg
from qrcode.image.pil import PilImage

FORMATS = {"png": "image/png", "svg": "image/svg+xml"}


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
