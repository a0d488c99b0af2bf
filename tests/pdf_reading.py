"""What the tests of our PDFs share: text as read back, boxes, where a QR code sits.

Pages are rendered at ``SCALE`` (144 dpi) for zxing-cpp to find the codes; boxes
are in PDF points, origin at the bottom left, as pypdfium2 gives characters.
"""

import unicodedata
from dataclasses import dataclass

from kit.pdf import qr_matrix

SCALE = 2  # 144 dpi


def normalize(text: str) -> str:
    """NFC, whitespace collapsed to single spaces."""
    return " ".join(unicodedata.normalize("NFC", text).split())


@dataclass
class Box:
    left: float
    bottom: float
    right: float
    top: float

    def shrunk(self, by: float) -> "Box":
        return Box(self.left + by, self.bottom + by, self.right - by, self.top - by)

    def overlaps(self, other: "Box") -> bool:
        return (
            self.left < other.right
            and other.left < self.right
            and self.bottom < other.top
            and other.bottom < self.top
        )


def qr_square(result, page_height: float) -> Box:
    """A code zxing-cpp found on a page rendered at ``SCALE``, with its 4-module quiet zone."""
    corners = [
        result.position.top_left,
        result.position.top_right,
        result.position.bottom_left,
        result.position.bottom_right,
    ]
    xs = [corner.x / SCALE for corner in corners]
    ys = [page_height - corner.y / SCALE for corner in corners]
    quiet = 4 * (max(xs) - min(xs)) / len(qr_matrix(result.text))
    return Box(min(xs) - quiet, min(ys) - quiet, max(xs) + quiet, max(ys) + quiet)
