"""What log lines may hold: no value longer than MAX_VALUE_CHARS (a 1 MB email must not
write 1 MB per request), and no query-string values in the access log (export tokens, a
password sent by GET). Applied when each record is made, so every handler, ours or a
library's, writes the cut version."""

import logging
from typing import Any
from urllib.parse import parse_qsl, urlencode

MAX_VALUE_CHARS = 500
MAX_TRACEBACK_CHARS = 20_000
# Query parameters whose values the access log keeps; every other value is redacted.
HARMLESS_PARAMETERS = frozenset({"operationName", "format"})
REDACTED = "[redacted]"
_make_record = logging.getLogRecordFactory()


def shortened(value: Any) -> Any:
    if isinstance(value, int | float | bool) or value is None:
        return value
    text = value if isinstance(value, str) else repr(value)
    if len(text) <= MAX_VALUE_CHARS:
        return value
    return f"{text[:MAX_VALUE_CHARS]}…[{len(text)} chars]"


def redacted_path(path: str) -> str:
    """The path with the value of every query parameter but the harmless ones redacted."""
    base, _, query = path.partition("?")
    if not query:
        return path
    pairs = parse_qsl(query, keep_blank_values=True)
    kept = [(name, value if name in HARMLESS_PARAMETERS else REDACTED) for name, value in pairs]
    return f"{base}?{urlencode(kept, safe='[]')}"


def shortened_traceback(record: logging.LogRecord) -> str:
    """The traceback as the formatter would write it, each line and the whole cut short (an
    exception's message may hold the input that caused it)."""
    text = logging.Formatter().formatException(record.exc_info)  # type: ignore[arg-type]
    lines = [shortened(line) for line in text.splitlines()]
    return "\n".join(lines)[-MAX_TRACEBACK_CHARS:]


def clean(record: logging.LogRecord) -> logging.LogRecord:
    """Cuts long values and tracebacks; in uvicorn's access record (client, method, path,
    version, status) redacts the query string."""
    if record.exc_info and record.exc_info[0] is not None:
        record.exc_text = shortened_traceback(record)
    args = record.args
    if not args:
        if isinstance(record.msg, str):
            record.msg = shortened(record.msg)
    elif isinstance(args, tuple):
        if record.name == "uvicorn.access" and len(args) == 5 and isinstance(args[2], str):
            args = (*args[:2], redacted_path(args[2]), *args[3:])
        record.args = tuple(shortened(arg) for arg in args)
    elif isinstance(args, dict):
        record.args = {key: shortened(value) for key, value in args.items()}
    return record


def _make_clean_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
    return clean(_make_record(*args, **kwargs))


def install() -> None:
    """Makes every log record go through clean (idempotent)."""
    logging.setLogRecordFactory(_make_clean_record)
