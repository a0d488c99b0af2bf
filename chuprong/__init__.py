"""The Django project of the Chư Prông portal, and what every app shares.

Importing this package has no side effects (pure modules such as
``kit.text`` stay free of Django); the Celery app is loaded by
``ChuprongConfig.ready()`` and found by ``celery -A chuprong`` in
``chuprong/celery.py``.
"""
