"""Email over SMTP (aiosmtplib): one multipart message, plain text and HTML.

SMTP says by its reply codes whether trying again may help: 4xx is a temporary refusal
(greylisting, a full mailbox, a busy server), 5xx a permanent one (no such user, bad
credentials). A server that cannot be reached is temporary too.
"""

from email.errors import MessageError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

import aiosmtplib

from runtime import clock
from runtime.settings import Settings, get_settings
from tasks.channels import ChannelError, OutboundMessage


def _domain(sender: str) -> str | None:
    """Message-IDs carry the sender's domain, not this host's name (which may be a container)."""
    _, address = parseaddr(sender)
    return address.rpartition("@")[2] or None


def build(message: OutboundMessage, settings: Settings) -> EmailMessage:
    mail = EmailMessage()
    mail["Subject"] = message.subject
    mail["From"] = settings.smtp_from
    mail["To"] = Address(addr_spec=message.to)
    mail["Date"] = format_datetime(clock.now())
    mail["Message-ID"] = make_msgid(domain=_domain(settings.smtp_from))
    mail["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to reminders
    mail.set_content(message.text)
    if message.html:
        mail.add_alternative(message.html, subtype="html")
    return mail


def _retryable(code: int) -> bool:
    return code < 500


async def send(message: OutboundMessage) -> str:
    """Sends the email; returns its Message-ID (what bounces and replies refer to)."""
    settings = get_settings()
    if not settings.smtp_host:
        raise ChannelError("email is not configured (SMTP_HOST is unset)", retryable=False)
    try:
        mail = build(message, settings)
    except (ValueError, IndexError, MessageError) as error:  # an address that cannot be parsed
        raise ChannelError(f"invalid email address {message.to!r}: {error}", False) from error
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    try:
        await aiosmtplib.send(
            mail,
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_username or None,
            password=password if settings.smtp_username else None,
            use_tls=settings.smtp_use_tls,
            start_tls=settings.smtp_starttls,
            timeout=settings.smtp_timeout,
        )
    except aiosmtplib.SMTPRecipientsRefused as error:
        refusals = error.recipients
        reason = "; ".join(f"{r.code} {r.message}" for r in refusals)
        retryable = any(_retryable(r.code) for r in refusals)
        raise ChannelError(f"recipient refused: {reason}", retryable) from error
    except aiosmtplib.SMTPResponseException as error:
        raise ChannelError(
            f"SMTP server refused: {error.code} {error.message}", _retryable(error.code)
        ) from error
    except aiosmtplib.SMTPNotSupported as error:  # e.g. AUTH or STARTTLS: a settings problem
        raise ChannelError(f"SMTP server: {error.message}", retryable=False) from error
    except (aiosmtplib.SMTPException, OSError) as error:  # connect, timeout, disconnect
        raise ChannelError(
            f"SMTP server {settings.smtp_host}:{settings.smtp_port or 'default'} "
            f"unavailable: {error}",
            retryable=True,
        ) from error
    return str(mail["Message-ID"])
