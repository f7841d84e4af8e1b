"""Outbound channels. Each module exposes `async def send(message: OutboundMessage) -> str`.

`send` returns the provider's message id (or "" when it has none) and raises ChannelError
when the message did not go out; `retryable` says whether trying again may help.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class OutboundMessage:
    channel: str  # "email" | "sms" | "whatsapp" | "push"
    to: str  # email address, E.164 phone number, or push endpoint
    subject: str
    text: str
    html: str | None = None
    # Push only: the subscription keys; anything else a channel needs.
    extra: dict[str, str] = field(default_factory=dict)


class ChannelError(Exception):
    def __init__(self, reason: str, retryable: bool = True) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable
