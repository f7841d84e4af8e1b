"""The actor that sends one outbound delivery (email, SMS, WhatsApp, push)."""

from collections.abc import Awaitable, Callable

from services import notifications
from tasks.broker import task
from tasks.channels import ChannelError, OutboundMessage


def _senders() -> dict[str, Callable[[OutboundMessage], Awaitable[str]]]:
    from tasks.channels import email, push, sms

    return {"email": email.send, "sms": sms.send, "whatsapp": sms.send, "push": push.send}


@task("deliveries")
async def deliver(delivery_id: int) -> None:
    delivery = await notifications.delivery_to_send(delivery_id)
    if delivery is None:
        return  # sent or given up meanwhile
    channel = delivery.channel.split(":", 1)[0]
    address = await notifications.address_for(delivery)
    if address is None:
        await notifications.delivery_failed(
            delivery, f"the recipient has no {channel} address", retryable=False
        )
        return
    to, extra = address
    context = await notifications.message_context(delivery)
    from tasks.channels import templates

    subject, text, html = templates.render(delivery.notification.kind.value, context)
    message = OutboundMessage(channel, to, subject, text, html, extra)
    try:
        provider_id = await _senders()[channel](message)
    except ChannelError as error:
        await notifications.delivery_failed(delivery, error.reason, error.retryable)
    else:
        await notifications.delivery_sent(delivery, provider_id)
