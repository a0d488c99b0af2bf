"""QR images of VietQR payloads, rendered once and then served from the cache.

Rendering a code costs about 9 ms (mostly QR encoding and mask choice), so the
vendor's image URLs keep the rendered bytes in Django's cache (Redis in
production, shared by every web host) under the vendor's key, the account and
the format, each image with the *stamp* of the vendor's codes it was drawn
from (the vendor's ``updated_at``, which every change of its accounts moves).

A cached image is served only while the vendor's current stamp, kept in the
cache under the vendor's key, is the image's: the stamp and the image come in
one cache round trip (``get_many``), or the stamp alone when this process
already holds a copy of the image. After a change, a revoked key or a deleted
vendor, the services set that stamp anew (or to ``REVOKED``) once the change is
committed, so no process serves the old image again, whatever copies it holds.
A missing stamp sends the request to the database, which writes it back with
``add`` (never over a newer one), so a request that read the database before a
change cannot bring the old image back.
"""

import base64
import hashlib

from django.core.cache import cache

from kit.localcache import LocalCopies
from kit.qr import FORMATS, QRImage, render

__all__ = ["FORMATS", "QRImage", "render"]

CACHE_SECONDS = 60 * 60 * 24 * 30
# How long a stamp is trusted without the database: it bounds what a lost write
# (an eviction, a race of two changes) can cost, and each process's memory cache
# when there is no Redis (each process then has a cache of its own).
STAMP_SECONDS = 300
LOCAL_SECONDS = 300
REVOKED = "revoked"  # the stamp of a key that no longer opens anything

_local = LocalCopies(max_entries=512, seconds=LOCAL_SECONDS)


def image_key(token: str, account: str, fmt: str) -> str:
    return f"market:qr-image:{token}:{account}:{fmt}"


def stamp_key(token: str) -> str:
    return f"market:qr-stamp:{token}"


def stamp_of(updated_at) -> str:
    """The stamp of a vendor's codes: its ``updated_at``, which services move on every change."""
    return f"{updated_at.timestamp():.6f}"


def cached(token: str, account: str, fmt: str) -> QRImage | None:
    """The cached image, if it was drawn from the vendor's current codes (one cache read)."""
    key, stamp_at = image_key(token, account, fmt), stamp_key(token)
    entry = _local.get(key)
    if entry is not None:
        stamp = cache.get(stamp_at)
    else:
        found = cache.get_many([stamp_at, key])
        stamp, entry = found.get(stamp_at), found.get(key)
        if entry is not None:
            _local.put(key, entry)
    if entry is None or stamp is None or stamp == REVOKED or entry[0] != stamp:
        return None
    return entry[1]


def store(token: str, account: str, fmt: str, image: QRImage, *, stamp: str) -> None:
    """Keep ``image``, drawn from the codes of ``stamp`` (read in the database with them)."""
    cache.add(stamp_key(token), stamp, STAMP_SECONDS)  # a change recorded meanwhile wins
    entry = (stamp, image)
    cache.set(image_key(token, account, fmt), entry, CACHE_SECONDS)
    _local.put(image_key(token, account, fmt), entry)


def forget(token: str, stamp: str | None) -> None:
    """The vendor's codes changed (``stamp``: the new stamp), or ``token`` opens nothing
    any more (None): no image drawn before is served again, by any process."""
    cache.set(stamp_key(token), stamp or REVOKED, STAMP_SECONDS)


def version(payload: str) -> str:
    """A short hash of the payload, put in image URLs so they can be cached for good."""
    return hashlib.sha256(payload.encode()).hexdigest()[:12]


def clear_local() -> None:
    """Empty this process's copies (tests; nothing else needs it)."""
    _local.clear()


def data_uri(text: str) -> str:
    """``text`` (a link) as a QR code in an ``<img src>``: an SVG in a data: URI."""
    image = render(text, "svg")
    return "data:image/svg+xml;base64," + base64.b64encode(image.content).decode("ascii")
