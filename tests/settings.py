"""The test suite's settings: the real settings module, with a test secret.

Nothing else differs from production: DEBUG stays off (so SECRET_KEY and
ALLOWED_HOSTS must be given, as in production), and DATABASE_URL / REDIS_URL
come from the environment, so `make test` runs against whatever servers it is
pointed at. A developer's `.env` is ignored so tests see only what CI sees.
"""

import os

os.environ["CHUPRONG_IGNORE_DOTENV"] = "1"
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-" + "x" * 20)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# Report retries back off from 1 s, not 30 s, so the worker tests see all of them.
os.environ.setdefault("REPORT_RETRY_BACKOFF", "1")
# The test client speaks plain HTTP.
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

from chuprong.settings import *  # noqa: F403

# Fast password hashing: tests create many users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
