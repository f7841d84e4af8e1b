"""The actor that sends one outbound delivery (email, SMS, WhatsApp, push)."""

import logging
from collections.abc import Awaitable, Callable

from services import notifications
from tasks.broker import task
from tasks.channels import ChannelError, OutboundMessage, email, push, sms, templates

log = logging.getLogger("followups.deliveries")

SENDERS: dict[str, Callable[[OutboundMessage], Awaitable[str]]] = {
    "email": email.send,
    "sms": sms.send,
    "whatsapp": sms.send,
    "push": push.send,
}


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
    try:
        subject, text, html = templates.render(delivery.notification.kind.value, context)
        # The link the message is about: push notifications open it when tapped.
        extra = {**extra, "url": templates.url_for(context)}
        message = OutboundMessage(channel, to, subject, text, html, extra)
        provider_id = await SENDERS[channel](message)
    except ChannelError as error:
        await notifications.delivery_failed(delivery, error.reason, error.retryable)
    except Exception as error:  # a bug (a template, a sender): count the attempt, never loop
        log.exception("delivery %s (%s) raised", delivery.id, delivery.channel)
        await notifications.delivery_failed(
            delivery, f"unexpected error: {type(error).__name__}: {error}", retryable=True
        )
    else:
        await notifications.delivery_sent(delivery, provider_id)
