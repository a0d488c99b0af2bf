"""The production settings with the test-only app that slows reports down."""

from chuprong.settings import *  # noqa: F403
from chuprong.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.failures.slow_reports"]
