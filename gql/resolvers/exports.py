"""The export mutation, and the download route that serves its file."""

import uuid
from typing import Any

import strawberry
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from gql.connections import effective_filter
from gql.context import caller_from_authorization
from gql.info import Info
from gql.resolvers.payloads import payload
from gql.schema.common import global_id
from gql.schema.exports import ExportFormat, ExportPayload, FollowUpExport
from gql.schema.followups import FollowUpFilter, criteria_from
from gql.schema.saved_filters import filter_from_document, parsed_filter
from models.exports import Export
from services import exports
from services.errors import AuthenticationFailed, NotFound
from services.visibility import Caller


def _follow_up_id(pk: int) -> str:
    return global_id("FollowUp", pk)


@strawberry.type
class ExportsMutation:
    @strawberry.mutation(
        description="A CSV or XLSX download of the follow-ups a filter (or saved filter) finds, "
        "as followUps would list them; the link expires in minutes."
    )
    async def export_follow_ups(
        self,
        info: Info,
        filter: FollowUpFilter | None = None,
        saved_filter_id: strawberry.ID | None = None,
        format: ExportFormat = ExportFormat.CSV,
    ) -> ExportPayload:
        caller = info.context.require_caller()
        base = str(info.context.request.base_url).rstrip("/")

        async def work() -> tuple[Export, str]:
            chosen = await effective_filter(info, filter, saved_filter_id)
            export = await exports.create(caller, format, parsed_filter(chosen))
            return export, exports.download_token(caller, export)

        def shape(made: tuple[Export, str]) -> FollowUpExport:
            export, token = made
            return FollowUpExport(
                id=strawberry.ID(str(export.id)),
                format=format,
                url=f"{base}/exports/{export.id}.{export.format}?token={token}",
                expires_at=export.expires_at,
            )

        return await payload(work, shape)


def _refused(status: int, message: str) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
    return JSONResponse({"error": message}, status_code=status, headers=headers)


async def _requester(request: Request, export_id: uuid.UUID) -> Caller | str:
    """The caller by Bearer header, else by the link's signed token; or why there is none."""
    if request.headers.get("authorization"):
        caller, failure = await caller_from_authorization(request.headers["authorization"])
        return caller if caller is not None else failure or "Log in first."
    token = request.query_params.get("token")
    if not token:
        return "Log in first, or use the link as it was given."
    try:
        return await exports.caller_for_token(token, export_id)
    except AuthenticationFailed as error:
        return error.message


async def download(request: Request) -> Response:
    """GET /exports/{id}.{csv|xlsx}: 401 without valid credentials, 404 unless yours and live."""
    try:
        export_id = uuid.UUID(request.path_params["export_id"])
    except ValueError:
        return _refused(404, "There is no such export.")
    requester = await _requester(request, export_id)
    if isinstance(requester, str):
        return _refused(401, requester)
    try:
        export = await exports.for_download(requester, export_id, request.path_params["format"])
    except NotFound as error:
        return _refused(404, error.message)
    criteria = criteria_from(filter_from_document(export.criteria))
    body: Any = exports.content(requester, export, criteria, _follow_up_id)
    return StreamingResponse(
        body,
        media_type=exports.MEDIA_TYPES[exports.ExportFormat(export.format)],
        headers={
            "Content-Disposition": f'attachment; filename="{exports.filename(export)}"',
            "Cache-Control": "no-store",
            "Referrer-Policy": "no-referrer",
        },
    )
