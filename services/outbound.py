"""The one guard for every URL the service calls on a user's behalf (push endpoints now;
webhooks, calendars and meeting providers later), so no user can point it at the network
it runs in.

A URL must be https (OUTBOUND_ALLOW_HTTP allows http, for tests) and its host must be a
public address however it is spelled: IPv6, IPv4-mapped IPv6, decimal, octal or hex IPv4,
or a name that resolves to one. The check runs twice: when a URL is registered (a clear
refusal) and at connect time, where the network backend resolves the name itself, checks
every address and connects to the checked one (TLS still names the original host), so a
name that resolves elsewhere later (DNS rebinding) is refused too. No redirects are
followed; time and response size are bounded.
"""

import ipaddress
import socket
import ssl
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import SplitResult, urlsplit

import anyio
import httpcore

from runtime.settings import get_settings

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class OutboundRefused(Exception):
    """The call was not made, or failed; `category` is safe to show (never a response body)."""

    def __init__(self, category: str, retryable: bool = False) -> None:
        super().__init__(category)
        self.category = category
        self.retryable = retryable


@dataclass(frozen=True)
class OutboundResponse:
    status: int
    headers: dict[str, str]
    body: bytes


def _literal_address(host: str) -> IpAddress | None:
    """The address a host names by itself, in any spelling the resolver would accept
    (inet_aton: `2130706433`, `0177.0.0.1`, `0x7f.1`), or None for a name."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if host and all(c in "0123456789abcdefx." for c in host) and host[0].isdigit():
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            pass  # a name such as 123.cafe
    return None


def is_public(address: IpAddress) -> bool:
    """Whether an address is on the public internet: not loopback, private, link-local,
    multicast, reserved or unspecified, nor an IPv6 form embedding such an IPv4 address."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo or (None, None))[1]
        if embedded is not None and not is_public(embedded):
            return False
    return address.is_global and not (
        address.is_multicast
        or address.is_loopback
        or address.is_link_local
        or address.is_private
        or address.is_reserved
        or address.is_unspecified
    )


def _allowed_for_tests(address: IpAddress, port: int) -> bool:
    """OUTBOUND_TEST_ALLOWED_ADDRESSES (empty by default): exact ip:port pairs a test's own
    listener uses. Production leaves it empty, so no internal address passes."""
    allowed = get_settings().outbound_test_allowed_addresses
    return f"{address}:{port}" in {item.strip() for item in allowed.split(",") if item.strip()}


def _check_address(address: IpAddress, port: int) -> None:
    if not is_public(address) and not _allowed_for_tests(address, port):
        raise OutboundRefused("refused address")


def parse(url: str) -> SplitResult:
    """The URL, if its form may be called: https (or http where allowed), a host, no
    credentials; a host that is an address must be a public one."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise OutboundRefused("refused URL") from None
    schemes = ("https", "http") if get_settings().outbound_allow_http else ("https",)
    if parts.scheme not in schemes or not parts.hostname or parts.username or parts.password:
        raise OutboundRefused("refused URL")
    name = parts.hostname.rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        raise OutboundRefused("refused address")  # loopback by definition (RFC 6761)
    literal = _literal_address(parts.hostname)
    if literal is not None:
        _check_address(literal, port or _default_port(parts.scheme))
    return parts


def _default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80


async def _resolve(host: str, port: int) -> list[IpAddress]:
    """Every address the name has; refused if any one is not public."""
    literal = _literal_address(host)
    if literal is not None:
        addresses = [literal]
    else:
        try:
            infos = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError):
            raise OutboundRefused("unknown host", retryable=True) from None
        addresses = list(
            dict.fromkeys(ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos)
        )
    for address in addresses:
        _check_address(address, port)
    return addresses


async def check(url: str) -> None:
    """For registering a URL: refused if its form or any address its host resolves to now
    is not allowed. A name that does not resolve passes (DNS may be down); the connect-time
    check still applies."""
    parts = parse(url)
    assert parts.hostname is not None
    try:
        with anyio.fail_after(get_settings().outbound_timeout):
            await _resolve(parts.hostname, parts.port or _default_port(parts.scheme))
    except OutboundRefused as refused:
        if refused.category != "unknown host":
            raise
    except TimeoutError:
        pass


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolves and checks the host at connect time, then connects to a checked address."""

    def __init__(self) -> None:
        self._backend = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        failure: Exception = OutboundRefused("unreachable", retryable=True)
        for address in await _resolve(host, port):
            try:
                return await self._backend.connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                failure = error
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        socket_options: Any = None,
    ) -> httpcore.AsyncNetworkStream:
        raise OutboundRefused("refused address")

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


@lru_cache(maxsize=1)
def _ssl_context() -> ssl.SSLContext:
    return ssl.create_default_context()


async def post(
    url: str, headers: Mapping[str, str], content: bytes, seconds: float | None = None
) -> OutboundResponse:
    """POSTs through the guard; OutboundRefused says why it did not work (category only)."""
    settings = get_settings()
    parse(url)
    limit = settings.outbound_max_response_bytes
    seconds = seconds or settings.outbound_timeout
    timeouts = {"connect": seconds, "read": seconds, "write": seconds, "pool": seconds}
    try:
        with anyio.fail_after(seconds):
            async with (
                httpcore.AsyncConnectionPool(
                    ssl_context=_ssl_context(), network_backend=_GuardedBackend(), retries=0
                ) as pool,
                pool.stream(
                    "POST",
                    url,
                    headers=list(headers.items()),
                    content=content,
                    extensions={"timeout": timeouts},
                ) as response,
            ):
                body = bytearray()
                async for chunk in response.aiter_stream():
                    body += chunk
                    if len(body) > limit:
                        raise OutboundRefused("response too large")
                return OutboundResponse(
                    response.status,
                    {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in response.headers},
                    bytes(body),
                )
    except TimeoutError:
        raise OutboundRefused("timeout", retryable=True) from None
    except httpcore.TimeoutException:
        raise OutboundRefused("timeout", retryable=True) from None
    except (httpcore.ConnectError, OSError):
        raise OutboundRefused("unreachable", retryable=True) from None
    except httpcore.ProtocolError:
        raise OutboundRefused("protocol error", retryable=True) from None
    except httpcore.NetworkError:
        raise OutboundRefused("network error", retryable=True) from None
