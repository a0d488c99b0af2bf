"""The real settings with the benchmark's URLs (the project's plus a minimal baseline view),
and the ``bench`` app, whose ``seed_scale`` command exists only under these settings."""

from chuprong.settings import *  # noqa: F403
from chuprong.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]

ROOT_URLCONF = "bench.urls"
