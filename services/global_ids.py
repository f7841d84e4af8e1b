"""The Relay global ids the API hands out ("Type:pk", base64), here so that links in
messages (tasks/channels) make the same ids as gql/ without importing it."""

import base64
import binascii


def global_id(type_name: str, pk: int) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def primary_key(value: str, type_name: str) -> int | None:
    """The primary key in a global id of `type_name`; None for anything else."""
    try:
        decoded = base64.b64decode(value, validate=True).decode()
    except (binascii.Error, ValueError):
        return None
    kind, _, pk = decoded.partition(":")
    return int(pk) if kind == type_name and pk.isascii() and pk.isdigit() else None
