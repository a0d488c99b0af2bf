"""Reads shared by every app: communes, villages, who may see what, health."""

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Count, QuerySet

from .models import Commune, User, Village
from .roles import Role


def user_has_role(user: User, role: Role) -> bool:
    if not user.is_authenticated:
        return False
    names = getattr(user, "_role_names", None)
    if names is None:
        names = set(user.groups.values_list("name", flat=True))
        user._role_names = names  # one query per request, whatever the number of checks
    return role in names


def villages_for_user(user: User) -> QuerySet[Village]:
    """The villages whose records ``user`` may see.

    A superuser sees every village; a commune officer the villages of their
    commune; a branch secretary their own village; anyone else none. Program
    apps filter their querysets through this, so a new commune is isolated
    from the first without further code.
    """
    villages = Village.objects.select_related("commune")
    if not user.is_authenticated or not user.is_active:
        return villages.none()
    if user.is_superuser:
        return villages.all()
    if user_has_role(user, Role.COMMUNE_OFFICER) and user.commune_id:
        return villages.filter(commune_id=user.commune_id)
    if user_has_role(user, Role.VILLAGE_SECRETARY) and user.village_id:
        return villages.filter(pk=user.village_id)
    return villages.none()


def communes_for_user(user: User) -> QuerySet[Commune]:
    if user.is_authenticated and user.is_active and user.is_superuser:
        return Commune.objects.all()
    return Commune.objects.filter(pk__in=villages_for_user(user).values("commune_id")).distinct()


def public_communes() -> QuerySet[Commune]:
    return Commune.objects.annotate(village_count=Count("villages")).order_by("province", "name")


def commune_villages(commune: Commune) -> QuerySet[Village]:
    return commune.villages.order_by("position", "name")


def database_state() -> str:
    """``ok`` when a query round-trips to the database, ``error`` otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return "error"
    return "ok"


def broker_state() -> str:
    """``eager`` without a broker (tasks run in-process), else ``ok``/``error``."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    import redis

    client = redis.Redis.from_url(
        settings.CELERY_BROKER_URL, socket_connect_timeout=1, socket_timeout=1
    )
    try:
        client.ping()
    except redis.RedisError:
        return "error"
    finally:
        client.close()
    return "ok"
