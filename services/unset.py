"""The marker of a field an update leaves as it is; None is a value (it clears the field).

Typed, so `value is not UNSET` narrows `str | None | Unset` to `str | None`.
"""

from enum import Enum
from typing import Final


class Unset(Enum):
    UNSET = "UNSET"


UNSET: Final = Unset.UNSET
