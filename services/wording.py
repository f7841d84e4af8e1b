"""Words people read in titles and messages, so that each is said right once."""


def count(number: int, unit: str) -> str:
    """'1 day', '2 days': the unit in the singular for one, else with an s."""
    return f"{number} {unit}" if number == 1 else f"{number} {unit}s"
