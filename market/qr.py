"""QR images of VietQR payloads and the vendor's plain page, made once, then cached.

Rendering a code costs about 9 ms (mostly QR encoding and mask choice), so the
vendor's image URLs keep the rendered bytes in Django's cache (Redis in
production, shared by every web host) under the vendor's key, the account and
the format, each image with the *stamp* of the vendor's codes it was drawn
from (the vendor's ``updated_at``, which every change of the vendor or of its
accounts moves). The vendor's plain page (what an anonymous visitor sees,
market/early.py) is kept the same way, under the key and the language.

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
from django.utils.translation import gettext as _

from kit.localcache import LocalCopies
from kit.qr import FORMATS, CardLine, QRImage, render, render_card
from kit.text import slugify

from .posters import group_account

__all__ = ["FORMATS", "QRImage", "render"]

CARD = "card"  # the "format" of the labelled card PNG ("Save image") in the cache

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


def page_key(token: str, language: str) -> str:
    return f"market:vendor-page:{token}:{language}"


def _cached(key: str, token: str):
    """The value kept under ``key`` if it was made from the vendor's current codes
    (one cache read: the stamp, with the value when this process has no copy)."""
    stamp_at = stamp_key(token)
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


def _store(key: str, token: str, value, stamp: str) -> None:
    cache.add(stamp_key(token), stamp, STAMP_SECONDS)  # a change recorded meanwhile wins
    entry = (stamp, value)
    cache.set(key, entry, CACHE_SECONDS)
    _local.put(key, entry)


def cached(token: str, account: str, fmt: str) -> QRImage | None:
    """The cached image, if it was drawn from the vendor's current codes (one cache read)."""
    return _cached(image_key(token, account, fmt), token)


def store(token: str, account: str, fmt: str, image: QRImage, *, stamp: str) -> None:
    """Keep ``image``, drawn from the codes of ``stamp`` (read in the database with them)."""
    _store(image_key(token, account, fmt), token, image, stamp)


def cached_page(token: str, language: str) -> bytes | None:
    """The vendor's plain page in ``language``, if made from its current codes; None
    also when the key was reissued or the vendor deleted (the stamp says ``REVOKED``)."""
    return _cached(page_key(token, language), token)


def store_page(token: str, language: str, html: bytes, *, stamp: str) -> None:
    _store(page_key(token, language), token, html, stamp)


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


def account_card(account) -> QRImage:
    """The labelled card of an account's static code ("Save image"): bank above the code;
    holder, account number, vendor and stall below, in the active language."""
    vendor = account.vendor
    above = [CardLine(account.bank.short_name, size=40, bold=True)]
    if account.label and account.label != account.bank.short_name:
        above.append(CardLine(account.label, size=28, grey=True))
    if vendor.stall:
        place = _("%(name)s · Stall %(stall)s") % {"name": vendor.full_name, "stall": vendor.stall}
    else:
        place = vendor.full_name
    below = [
        CardLine(account.holder_name, size=34, bold=True),
        CardLine(group_account(account.account_number), size=34),
        CardLine(place, size=26, grey=True),
        CardLine(vendor.market.name, size=24, grey=True),
        CardLine(_("Scan with your banking app · VietQR"), size=20, bold=True, grey=True),
    ]
    return render_card(account.payload, above=above, below=below)


def card_filename(account) -> str:
    """ "vietqr-vietcombank-6789.png": the bank, and the account's last digits (two
    accounts at one bank get two files)."""
    bank = slugify(account.bank.short_name) or account.bank.bin
    return f"vietqr-{bank}-{account.account_number[-4:]}.png"


def data_uri(text: str) -> str:
    """``text`` (a link) as a QR code in an ``<img src>``: an SVG in a data: URI."""
    image = render(text, "svg")
    return "data:image/svg+xml;base64," + base64.b64encode(image.content).decode("ascii")
