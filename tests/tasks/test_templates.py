"""Message templates: every kind renders, user text stays text, and the digest lists its items."""

from datetime import UTC, datetime
from typing import Any

import pytest

from models.notifications import NotificationKind
from tasks.channels import templates


def _context(**extra: Any) -> dict[str, Any]:
    context: dict[str, Any] = {
        "kind": "reminder",
        "title": "Due in 1 hour: Call <b>Bob</b> {{ 7 * 7 }}",
        "body": "Bring the <passport> & copies",
        "staff_name": "Ada",
        "timezone": "Europe/London",
        "created_at": datetime(2027, 5, 4, 12, 0, tzinfo=UTC),
        "follow_up_id": 42,
        "subject": "Call <b>Bob</b>",
        "due_at": datetime(2027, 5, 4, 13, 30, tzinfo=UTC),
        "priority": "HIGH",
        "client_name": "Zoë & Co",
    }
    context.update(extra)
    return context


@pytest.mark.parametrize("kind", [kind.value for kind in NotificationKind])
def test_every_kind_has_its_own_templates_and_renders(kind: str) -> None:
    for part in ("subject.txt", "txt", "html"):
        assert (templates.TEMPLATES / f"{kind}.{part}").is_file(), f"{kind}.{part}"
    subject, text, html = templates.render(kind, _context(kind=kind))
    assert "Call <b>Bob</b>" in subject
    assert "Call <b>Bob</b>" in text
    assert "Call &lt;b&gt;Bob&lt;/b&gt;" in html and "<b>Bob</b>" not in html
    assert "{{ 7 * 7 }}" in text  # user text is never evaluated as a template
    assert html.lstrip().startswith("<!DOCTYPE html>")


def test_follow_up_details_are_shown_in_the_recipients_zone_with_a_link() -> None:
    _, text, html = templates.render("reminder", _context())
    assert "Due: Tue 04 May 2027, 14:30 BST" in text  # 13:30 UTC is 14:30 in London in May
    assert "Client: Zoë & Co" in text and "Zoë &amp; Co" in html
    assert "Priority: High" in text
    assert "Bring the <passport> & copies" in text
    link = "http://127.0.0.1:8000/follow-ups/Rm9sbG93VXA6NDI%3D"  # FollowUp:42, as the API says
    assert link in text and f'href="{link}"' in html


def test_a_kind_without_templates_uses_the_default_ones() -> None:
    subject, text, html = templates.render("something_new", _context(kind="something_new"))
    assert subject == "Due in 1 hour: Call <b>Bob</b> {{ 7 * 7 }}"
    assert "Follow-up: Call <b>Bob</b>" in text
    assert "Call &lt;b&gt;Bob&lt;/b&gt;" in html
    # A kind is a file name: anything else than a plain name falls back too.
    assert templates.render("../../etc/passwd", _context())[0] == subject


def test_a_notification_without_a_follow_up_links_to_the_app() -> None:
    context = {
        "kind": "rotting_client",
        "title": "No contact with Zoë for 30 days",
        "body": "",
        "staff_name": "Ada",
        "timezone": "UTC",
        "created_at": datetime(2027, 5, 4, tzinfo=UTC),
    }
    subject, text, _ = templates.render("rotting_client", context)
    assert subject == "No contact with Zoë for 30 days"
    assert "Open: http://127.0.0.1:8000\n" in text


def test_the_digest_lists_todays_and_overdue_follow_ups() -> None:
    body = "\n".join(
        [
            "Due today (2):",
            "- 09:00 Call <Bob>",
            "- 14:30 Review passport",
            "Overdue (1):",
            "- Send invoice (due 02 May)",
            "Changed by others since your last digest: 3",
        ]
    )
    context = _context(
        kind="digest", title="Your follow-ups for Tuesday 04 May: 2 today, 1 overdue"
    )
    context.update(body=body, follow_up_id=None, subject=None, due_at=None)
    subject, text, html = templates.render("digest", context)
    assert subject == "Your follow-ups for Tuesday 04 May: 2 today, 1 overdue"
    assert "- 09:00 Call <Bob>\n- 14:30 Review passport" in text
    assert html.count("<li") == 3
    assert "09:00 Call &lt;Bob&gt;</li>" in html
    assert "Send invoice (due 02 May)</li>" in html
    assert "Changed by others since your last digest: 3" in html


def test_a_subject_is_one_line_whatever_the_title() -> None:
    subject, _, _ = templates.render(
        "assigned", _context(title="Line one\r\nBcc: evil@example.test")
    )
    assert "\n" not in subject and "\r" not in subject
