"""The security tests reuse the channel tests' real local stand-ins (a recording HTTP
server as push service) and their settings fixture."""

from tests.tasks.conftest import configure, push_service  # noqa: F401 (fixtures)
