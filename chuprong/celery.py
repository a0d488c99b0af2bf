"""The Celery app. Tasks live in each app's ``tasks.py``.

With ``REDIS_URL`` set, Redis is the broker and workers run the tasks; without
it (the embedded default) ``task_always_eager`` runs them in-process.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chuprong.settings")

app = Celery("chuprong")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
