from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import filter_users_by_email, filter_users_by_username
from django.contrib.sites.shortcuts import get_current_site

from core.models import User
from kit.text import vn_phone


def account_for_login(login: str):
    """The one account a typed sign-in name means (username in any case, e-mail address,
    phone number in any spelling), or None when it means none or several."""
    login = " ".join(login.split())
    if not login:
        return None
    if "@" in login:
        users = filter_users_by_email(login)
    else:
        users = [u for u in filter_users_by_username(login) if u.username.lower() == login.lower()]
        phone = vn_phone(login)
        if not users and phone:
            users = list(User.objects.filter(phone=phone))
    return users[0] if len(users) == 1 else None


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are made by officers (``services.user_create``), never by sign-up."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """The failed sign-in budget of an account is the account's, however its name is
        typed: "CanBo", "canbo", its e-mail address and its phone number share one count.
        (allauth keys it on the typed text; a name that is no account keeps that key.)
        The same key is cleared after a password reset."""
        typed = credentials.get("email") or credentials.get("username") or ""
        typed = typed or credentials.get("phone") or ""
        account = account_for_login(str(typed))
        if account is None:
            return super()._get_login_attempts_cache_key(request, **credentials)
        return f"{get_current_site(request).domain}:account:{account.pk}"


def user_display(user) -> str:
    """How allauth names a user in its messages: the full name when there is one."""
    return user.get_full_name() or user.get_username()
