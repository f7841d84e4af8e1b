"""The Relay global ids the API hands out ("Type:pk", base64), here so that links in
messages (tasks/channels) make the same ids as gql/ without importing it."""

import base64


def global_id(type_name: str, pk: int) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()
