"""The counter screen at the speed of a cached image: the anonymous visitor's plain
vendor page and its code images, answered from the cache before the session,
authentication and messages layers run.

Registered with kit.earlycache (MarketConfig.ready), which tries it for a GET without
a query string and without a session cookie only (so nobody signed in, no message
waiting, no amount asked for); anything else, and anything not in the cache, goes
on to the view. The vendor's stamp is read from the
shared cache on every request (market/qr.py): a reissued key or a deleted vendor
stops answering here at once, and a missing stamp sends the request to the view,
which checks the key in the database.
"""

import re

from . import pages, qr
from .urls import ImageFormatConverter, TokenConverter

PATHS = re.compile(
    rf"/v/(?P<token>{TokenConverter.regex})/"
    rf"(?:(?:a/(?P<account>[0-9]{{1,9}})/)?qr\.(?P<fmt>{ImageFormatConverter.regex}))?"
)


def answer(request, match: re.Match, language: str):
    """The cached vendor page or code image (kit/earlycache.py calls it), else None."""
    token, fmt = match["token"], match["fmt"]
    if fmt is not None:
        image = qr.cached(token, match["account"] or "primary", fmt)
        return None if image is None else pages.image_response(request, image)
    html = qr.cached_page(token, language)
    return None if html is None else pages.vendor_page_response(html)
