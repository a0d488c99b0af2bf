"""A test-only app that slows each step of a report, so a test can kill its worker.

Installed only by ``tests/failures/slow_reports/settings.py`` (the production settings
plus this app): production code carries no test hook.
"""
