"""One-time sign-in links: what an officer hands over instead of a password.

An officer makes a person's account without a password (``services.login_create``)
and issues a link (``services.sign_in_link_issue``); the person opens it, sets a
password and is signed in (``services.sign_in_link_use``). The token is Django's
password-reset token with a salt of its own, so a reset token is never a sign-in link
nor the other way round. Its hash covers the user's password, last sign-in and the
moment the link was issued, so the link dies once the password is set (or the person
signs in), when a new link is issued, and ``SIGN_IN_LINK_TIMEOUT`` seconds (72 hours)
after it was made; ``PASSWORD_RESET_TIMEOUT`` stays as it is for everyone else.

A token is the issue time in base 36 and 32 hex digits of an HMAC-SHA256 (128 bits):
guessing one is out of reach whatever the number of tries.
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int

EPOCH = dt.datetime(2001, 1, 1, tzinfo=dt.UTC)


class SignInLinkTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "core.sign_in_links.SignInLinkTokenGenerator"

    def _now(self) -> dt.datetime:
        return timezone.now()

    def _num_seconds(self, dt_: dt.datetime | dt.date) -> int:
        assert isinstance(dt_, dt.datetime)  # noqa: S101 - _now() gives aware datetimes
        return int((dt_ - EPOCH).total_seconds())

    def _make_hash_value(self, user, timestamp) -> str:
        login = "" if user.last_login is None else user.last_login.replace(microsecond=0)
        issued = user.sign_in_link_issued_at
        issued_at = "" if issued is None else issued.isoformat()
        return f"{user.pk}{user.password}{login}{timestamp}{user.is_active}{issued_at}"

    def token_for(self, user) -> str | None:
        """The token of the user's current link (the same each time it is asked for,
        so the officer's hand-over screen can show it again), None when there is none."""
        issued = user.sign_in_link_issued_at
        if issued is None:
            return None
        return self._make_token_with_timestamp(user, self._num_seconds(issued), self.secret)

    def check_token(self, user, token) -> bool:
        """Django's check, with the link's own lifetime and only while a link is out."""
        if not (user and token) or user.sign_in_link_issued_at is None:
            return False
        try:
            ts_b36, _hash = str(token).split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        for secret in [self.secret, *self.secret_fallbacks]:
            if constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token):
                break
        else:
            return False
        return 0 <= self._num_seconds(self._now()) - ts <= settings.SIGN_IN_LINK_TIMEOUT


sign_in_links = SignInLinkTokenGenerator()
