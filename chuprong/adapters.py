from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are made by officers (``services.user_create``), never by sign-up."""

    def is_open_for_signup(self, request) -> bool:
        return False


def user_display(user) -> str:
    """How allauth names a user in its messages: the full name when there is one."""
    return user.get_full_name() or user.get_username()
