"""Access checks shared by the apps' views.

What a user may not see answers 404, like an address that does not exist, so
a page never tells that an object (or an officer tool) is there. Django's own
``permission_required(..., raise_exception=True)`` answers 403 instead.
"""

from collections.abc import Callable
from functools import wraps

from django.http import Http404


def permission_required_or_404(*perms: str) -> Callable:
    """Let the view run only for a user holding every one of ``perms``; 404 for anyone else.

    Put it under ``login_required`` so that anonymous visitors are still sent
    to sign in rather than told "not found".
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.has_perms(perms):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
