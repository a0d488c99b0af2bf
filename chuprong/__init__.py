"""The configuration of the Chư Prông portal: settings, URLs, Celery, WSGI/ASGI.

The code lives in the apps beside it (ARCHITECTURE.md, "The map of the house").
Importing the package loads the Celery app (``chuprong/celery.py``), so
``@shared_task`` binds to it in every process and ``celery -A chuprong`` finds it.
"""

from .celery import app as celery_app

__all__ = ["celery_app"]
