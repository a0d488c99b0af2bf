"""Who changed what: officers' writes are recorded in the admin's history.

Services call ``audit_log`` for every change an officer makes; the entries
show under "History" on the object's admin page. (A fuller before/after
history arrives with the security issue.)
"""

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.db import models

_FLAGS = {"add": ADDITION, "change": CHANGE, "delete": DELETION}


def audit_log(*, actor, obj: models.Model, action: str, message: str = "") -> None:
    """Record ``action`` ("add", "change", "delete") on ``obj`` by ``actor`` (if a person)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return
    LogEntry.objects.log_actions(
        user_id=actor.pk,
        queryset=[obj],
        action_flag=_FLAGS[action],
        change_message=message,
        single_object=True,
    )
