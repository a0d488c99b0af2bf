"""Read a VietQR code from a photo or screenshot (zxing-cpp), to fill in an account.

Officers photograph the sticker of a vendor's existing bank code, or upload a
screenshot from the banking app; the code's bank and account fill the form so
nobody types a 13-digit number on a phone.
"""

from typing import BinaryIO

import zxingcpp
from PIL import Image, ImageOps, UnidentifiedImageError

from . import vietqr

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 48 MP phone photo is refused, a 12 MP one is fine
WORK_SIDE = 1600  # photos are scaled down to this before decoding: faster, same result
# What phones and screenshots make. Decided by the content, never the name; other
# formats Pillow knows (EPS runs Ghostscript, SVG is not an image to it) are refused.
PHOTO_FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "BMP")


class QRImageError(Exception):
    """Why an upload gave no account. ``code``: too_large, not_image, no_code, not_vietqr,
    or not_stall_code (a sound code that cannot become a stall account: ``error`` says why).
    """

    def __init__(self, code: str, detail: str = "", *, error: vietqr.VietQRError | None = None):
        super().__init__(detail or code)
        self.code = code
        self.detail = detail
        self.error = error


def read_vietqr(upload: BinaryIO, *, size: int | None = None) -> vietqr.VietQR:
    """The first code in the photo that can become a stall account (a transfer code).

    A photo whose codes are all sound but unusable (a shop's merchant code, an ATM's
    cash-withdrawal code) raises ``not_stall_code`` with the codec's reason.
    """
    if size is not None and size > MAX_BYTES:
        raise QRImageError("too_large")
    try:
        with Image.open(upload, formats=PHOTO_FORMATS) as image:
            if image.width * image.height > MAX_PIXELS:
                raise QRImageError("too_large")  # noqa: TRY301 - inside, so the image is closed
            image.load()
            picture = ImageOps.exif_transpose(image).convert("L")
    except QRImageError:
        raise
    except Image.DecompressionBombError as exc:  # Pillow refuses to open it: far too many pixels
        raise QRImageError("too_large", str(exc)) from exc
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise QRImageError("not_image", str(exc)) from exc
    picture.thumbnail((WORK_SIDE, WORK_SIDE))
    # zxing-cpp takes one BarcodeFormat as well (its docstring); its stub says BarcodeFormats.
    texts = [r.text for r in zxingcpp.read_barcodes(picture, formats=zxingcpp.BarcodeFormat.QRCode)]  # type: ignore[arg-type]
    if not texts:
        raise QRImageError("no_code")
    errors, refusals = [], []
    for text in texts:
        try:
            code = vietqr.parse(text)
        except vietqr.VietQRError as exc:
            errors.append(exc)
            continue
        try:
            vietqr.check_stall_account(code)
        except vietqr.VietQRError as exc:
            refusals.append(exc)
            continue
        return code
    if refusals:
        raise QRImageError("not_stall_code", str(refusals[0]), error=refusals[0])
    raise QRImageError("not_vietqr", str(errors[0]), error=errors[0])
