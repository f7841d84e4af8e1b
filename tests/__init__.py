"""Test-wide settings, set before any module reads them."""

import os

# Hashing at production cost would spend most of the suite in argon2.
os.environ.setdefault("PASSWORD_HASH_TIME_COST", "1")
os.environ.setdefault("PASSWORD_HASH_MEMORY_KIB", "1024")
