"""Follow-up exports as the API shows them: a download link that expires."""

from typing import Annotated

import strawberry

from gql.schema.common import DateTime, NotFoundError, PermissionError, ValidationError
from services.exports import ExportFormat as ExportFormatModel

ExportFormat = ExportFormatModel
strawberry.enum(ExportFormat, name="ExportFormat")


@strawberry.type(description="A download of a follow-up list, made as it downloads.")
class FollowUpExport:
    id: strawberry.ID
    format: ExportFormat
    url: str = strawberry.field(
        description="GET it before expiresAt: it carries a signed token for you alone, so a "
        "browser can open it as a link (your Bearer token works too)."
    )
    expires_at: DateTime


ExportPayload = Annotated[
    FollowUpExport | ValidationError | NotFoundError | PermissionError,
    strawberry.union("ExportPayload"),
]
