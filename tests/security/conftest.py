"""The security tests reuse real local stand-ins from the other suites: the channel tests'
recording HTTP server (as push service) and settings fixture, and the realtime tests'
uvicorn server on a free port."""

from tests.realtime.conftest import live_url  # noqa: F401 (fixture)
from tests.tasks.conftest import configure, push_service  # noqa: F401 (fixtures)
