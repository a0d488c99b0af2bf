"""The real settings with the benchmark's URLs (the project's plus a minimal baseline view)."""

from chuprong.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
