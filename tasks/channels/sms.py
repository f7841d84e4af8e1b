"""SMS and WhatsApp through a provider speaking Twilio's Messages REST API.

One HTTP POST per message. The provider's status says whether trying again may help: a
5xx, a 429 (rate limit) or no answer at all is temporary; any other 4xx (a bad number,
an unverified sender, wrong credentials) will fail the same way again.
"""

import httpx

from runtime.settings import get_settings
from tasks.channels import ChannelError, OutboundMessage

MAX_BODY = 1600  # Twilio's limit for one message (it splits it into segments itself)


def _whatsapp(number: str) -> str:
    return number if number.startswith("whatsapp:") else f"whatsapp:{number}"


def _body(message: OutboundMessage) -> str:
    text = message.text.strip()
    return text if len(text) <= MAX_BODY else text[: MAX_BODY - 1] + "…"


def _provider_message(response: httpx.Response) -> str:
    """Twilio's error JSON says what was wrong ({"code", "message"}); else the raw text."""
    try:
        data = response.json()
    except ValueError:
        return response.text[:300]
    if isinstance(data, dict) and data.get("message"):
        code = f" (code {data['code']})" if data.get("code") else ""
        return f"{data['message']}{code}"
    return response.text[:300]


async def send(message: OutboundMessage) -> str:
    """Sends one SMS or WhatsApp message; returns the provider's message sid."""
    settings = get_settings()
    whatsapp = message.channel == "whatsapp"
    sender = settings.whatsapp_from_number if whatsapp else settings.sms_from_number
    sid = settings.sms_account_sid
    token = settings.sms_auth_token.get_secret_value() if settings.sms_auth_token else ""
    if not (sid and token and sender):
        missing = "WHATSAPP_FROM_NUMBER" if whatsapp else "SMS_FROM_NUMBER"
        raise ChannelError(
            f"{message.channel} is not configured (SMS_ACCOUNT_SID, SMS_AUTH_TOKEN, {missing})",
            retryable=False,
        )
    url = f"{settings.sms_api_base_url.rstrip('/')}/2010-04-01/Accounts/{sid}/Messages.json"
    form = {
        "To": _whatsapp(message.to) if whatsapp else message.to,
        "From": _whatsapp(sender) if whatsapp else sender,
        "Body": _body(message),
    }
    try:
        async with httpx.AsyncClient(timeout=settings.sms_timeout) as client:
            response = await client.post(url, data=form, auth=(sid, token))
    except httpx.HTTPError as error:  # connect, read or write failure, timeout
        raise ChannelError(
            f"{message.channel} provider unreachable: {type(error).__name__}: {error}",
            retryable=True,
        ) from error
    if not response.is_success:  # a redirect too: the base URL is wrong, not the moment
        retryable = response.status_code >= 500 or response.status_code == 429
        raise ChannelError(
            f"{message.channel} provider answered {response.status_code}: "
            f"{_provider_message(response)}",
            retryable,
        )
    try:
        data = response.json()
    except ValueError:
        data = {}
    return str(data.get("sid") or "") if isinstance(data, dict) else ""
