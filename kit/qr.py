"""QR codes drawn as PNG or SVG images (the caching of a vendor's codes is market/qr.py)."""

import hashlib
import io
from dataclasses import dataclass

import qrcode
import qrcode.constants
import qrcode.image.svg
from PIL import Image, ImageDraw, ImageFont
from qrcode.image.pil import PilImage

from kit.pdf import FONT_DIR

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


# ------------------------------------------------------------------ labelled cards

CARD_WIDTH = 640
CARD_MARGIN = 40


@dataclass(frozen=True)
class CardLine:
    text: str
    size: int = 30  # pixels, at most: a long line shrinks to the card's width
    bold: bool = False
    grey: bool = False


def _font(size: int, *, bold: bool) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(FONT_DIR / name), size)


def _fitted(draw: ImageDraw.ImageDraw, line: CardLine, width: int) -> ImageFont.FreeTypeFont:
    size = line.size
    font = _font(size, bold=line.bold)
    while size > 12 and draw.textlength(line.text, font=font) > width:
        size -= 1
        font = _font(size, bold=line.bold)
    return font


def render_card(payload: str, *, above: list[CardLine], below: list[CardLine]) -> QRImage:
    """A PNG of the code of ``payload`` with lines of text above and below it, centred
    (DejaVu Sans, which has every Vietnamese letter): an image that says whose code it is."""
    inner = CARD_WIDTH - 2 * CARD_MARGIN
    code = _qr(payload)
    code.box_size = max(1, inner // (code.modules_count + 2 * code.border))
    qr_image = code.make_image(image_factory=PilImage).get_image().convert("L")
    probe = ImageDraw.Draw(Image.new("L", (1, 1)))
    fonts_above = [_fitted(probe, line, inner) for line in above]
    fonts_below = [_fitted(probe, line, inner) for line in below]

    def height(fonts) -> int:
        return sum(round(font.size * 1.4) for font in fonts)

    total = CARD_MARGIN + height(fonts_above) + qr_image.height + height(fonts_below) + CARD_MARGIN
    card = Image.new("L", (CARD_WIDTH, total), 255)
    draw = ImageDraw.Draw(card)
    y = CARD_MARGIN

    def write(lines: list[CardLine], fonts) -> None:
        nonlocal y
        for line, font in zip(lines, fonts, strict=True):
            draw.text(
                (CARD_WIDTH // 2, y), line.text, font=font, fill=90 if line.grey else 0, anchor="mt"
            )
            y += round(font.size * 1.4)

    write(above, fonts_above)
    card.paste(qr_image, ((CARD_WIDTH - qr_image.width) // 2, y))
    y += qr_image.height
    write(below, fonts_below)
    buffer = io.BytesIO()
    card.save(buffer, format="PNG", optimize=True)
    content = buffer.getvalue()
    etag = '"' + hashlib.sha256(content).hexdigest()[:32] + '"'
    return QRImage(content=content, content_type=FORMATS["png"], etag=etag)
