"""The Relay global ids the API hands out ("Type:pk", base64), here so that links in
messages (tasks/channels) make the same ids as gql/ without importing it."""

import base64
import binascii

# Ids are 32-bit columns: a larger number names nothing, and the database refuses to bind it.
MAX_PRIMARY_KEY = 2**31 - 1


def global_id(type_name: str, pk: int) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def primary_key(value: str, type_name: str) -> int | None:
    """The primary key in a global id of `type_name`; None for anything else."""
    try:
        decoded = base64.b64decode(value, validate=True).decode()
    except (binascii.Error, ValueError):
        return None
    kind, _, pk = decoded.partition(":")
    if kind != type_name or not (pk.isascii() and pk.isdigit()) or len(pk) > 10:
        return None
    number = int(pk)
    return number if 0 < number <= MAX_PRIMARY_KEY else None
