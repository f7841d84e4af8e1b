"""Message texts as Jinja2 template files, one set per notification kind.

Sandboxed because titles and bodies carry user-written text (follow-up subjects,
descriptions); autoescaped for HTML so that text can never become markup in an email.
A kind without its own files falls back to `default.*`, so a new kind is never unsendable.
"""

import re
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import FileSystemLoader, StrictUndefined, Template, select_autoescape
from jinja2.sandbox import SandboxedEnvironment

from services import message_links

TEMPLATES = Path(__file__).parent / "templates"
FALLBACK = "default"
_KIND = re.compile(r"^[a-z][a-z0-9_]{0,40}$")


def _local(moment: datetime | None, zone: str = "UTC") -> str:
    """A time as the recipient reads it: in their own zone, with the zone's abbreviation."""
    if moment is None:
        return ""
    return moment.astimezone(ZoneInfo(zone)).strftime("%a %d %b %Y, %H:%M %Z")


def _build() -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html",), default=False),
        undefined=StrictUndefined,  # a misspelt name fails the render test, not a customer mail
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["local"] = _local
    return env


_env = _build()


def _sections(body: str) -> list[dict[str, Any]]:
    """A body's lines as headings with their "- " items (the digest), for HTML lists."""
    sections: list[dict[str, Any]] = []
    for line in body.splitlines():
        if not line.strip():
            continue
        if line.startswith("- ") and sections:
            sections[-1]["items"].append(line[2:])
        else:
            sections.append({"heading": line, "items": []})
    return sections


def _context(context: dict[str, Any]) -> dict[str, Any]:
    """The service's context plus what every template may use (links, defaults)."""
    full: dict[str, Any] = {
        "body": "",
        "timezone": "UTC",
        "staff_name": "",
        "follow_up_id": None,
        "subject": None,
        "due_at": None,
        "priority": None,
        "client_name": None,
    }
    full.update(context)
    follow_up_id = full.get("follow_up_id")
    full["url"] = message_links.message_link(follow_up_id or None)
    full["sections"] = _sections(str(full["body"] or ""))
    return full


def _pick(kind: str, part: str) -> Template:
    """The kind's own file for this part, else the default one (names checked: no paths)."""
    name = kind if _KIND.match(kind) else FALLBACK
    return _env.select_template([f"{name}.{part}", f"{FALLBACK}.{part}"])


def render(kind: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """(subject, text, html) for a notification of `kind` (a NotificationKind value)."""
    values = _context(context)
    subject = _pick(kind, "subject.txt").render(values)
    text = _pick(kind, "txt").render(values)
    html = _pick(kind, "html").render(values)
    # One line: a subject is a mail header, where a line break would be refused or injected.
    return " ".join(subject.split())[:200], text.strip() + "\n", html


def url_for(context: dict[str, Any]) -> str:
    """The link a message points to (push notifications open it)."""
    return str(_context(context)["url"])
