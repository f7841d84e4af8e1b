"""Exports of follow-up lists: a short-lived download of a filter's rows as CSV or XLSX.

Asking for an export stores the filter (in its API form, like a saved filter) and returns a
link; the file is made while it downloads, from keyset pages of the list query, so no export
holds all its rows in memory (XLSX is spooled to a temporary file, as a zip needs to be
finished before it is sent).

Who may download: the requester only, while the export lasts, within their organization; the
rows are the ones the requester may see at download time. Browsers cannot add an
Authorization header to a plain link, so the link carries a signed token bound to this
export, the requester and their session (a logout ends it); it is not an access token and
opens nothing else. A client may instead send its usual Bearer token. No valid credentials:
401; anything but the requester's own unexpired export: 404.
"""

import asyncio
import csv
import io
import tempfile
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from enum import Enum, StrEnum
from typing import Any
from zoneinfo import ZoneInfo

import jwt
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from models.exports import Export
from models.followups import CompletionOutcome, Priority, SatisfactionOutcome, Status
from runtime import clock
from runtime.settings import get_settings
from services import auth, followup_queries, saved_filters
from services.errors import AuthenticationFailed, NotFound, ValidationCode, ValidationFailed
from services.followup_queries import Criteria, Ordering
from services.pagination import PageRequest
from services.saved_filters import ParsedFilter
from services.validation import zone
from services.visibility import Caller, visible_follow_ups

EXPORT_TTL = timedelta(minutes=15)
KEEP_EXPIRED = timedelta(days=1)
TOKEN_AUDIENCE = "followups-export"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CHUNK_BYTES = 64 * 1024


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


MEDIA_TYPES = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

# Row columns fetched per page, with the names of the linked rows joined in.
_COLUMNS = (
    "id", "subject", "type__name", "status", "priority", "due_at", "assignee__name",
    "client__name", "lead__name", "created_at", "completed_at", "outcome",
    "satisfaction_outcome", "has_issue", "contact_attempt_count", "last_contacted_at",
)  # fmt: skip


# ---------------------------------------------------------------- asking and finding


async def create(caller: Caller, format: ExportFormat, parsed: ParsedFilter) -> Export:
    """A new export of the caller's filter; old expired ones of the organization are dropped.

    The filter is stored with the export, so its ids are checked like a saved filter's.
    """
    if not isinstance(format, ExportFormat):
        raise ValidationFailed(
            "format", f"{format!r} is not an export format.", code=ValidationCode.UNKNOWN_VALUE
        )
    document = await saved_filters.checked(caller, parsed)
    now = clock.now()
    await Export.filter(org_id=caller.org_id, expires_at__lt=now - KEEP_EXPIRED).delete()
    return await Export.create(
        id=uuid.uuid4(),
        org_id=caller.org_id,
        requested_by_id=caller.staff_id,
        format=format.value,
        criteria=document,
        expires_at=now + EXPORT_TTL,
    )


def download_token(caller: Caller, export: Export) -> str:
    """The signed token of the download link: this export, this requester, this session."""
    claims = {
        "aud": TOKEN_AUDIENCE,
        "sub": str(caller.staff_id),
        "sid": caller.session_id,
        "eid": str(export.id),
        "exp": int(export.expires_at.timestamp()),
    }
    return jwt.encode(claims, get_settings().secret_key, algorithm=auth.ALGORITHM)


async def caller_for_token(token: str, export_id: uuid.UUID) -> Caller:
    """The requester a download token speaks for, while their session lasts."""
    try:
        claims = jwt.decode(
            token,
            get_settings().secret_key,
            algorithms=[auth.ALGORITHM],
            audience=TOKEN_AUDIENCE,
            # The export's own expiry (checked on the row) is the one that counts.
            options={"require": ["sub", "sid", "eid"], "verify_exp": False},
        )
    except jwt.PyJWTError as error:
        raise AuthenticationFailed("The download token is not valid.") from error
    if claims["eid"] != str(export_id) or not str(claims["sub"]).isdigit():
        raise AuthenticationFailed("The download token is not for this export.")
    return await auth.caller_for_session(claims["sid"], claims["sub"], until_session_expires=True)


async def for_download(caller: Caller, export_id: uuid.UUID, format: str) -> Export:
    """The caller's own unexpired export in that format, or NotFound (never "forbidden")."""
    export = await Export.get_or_none(
        id=export_id,
        org_id=caller.org_id,
        requested_by_id=caller.staff_id,
        format=format,
        expires_at__gt=clock.now(),
    )
    if export is None:
        raise NotFound("There is no such export, or it has expired.")
    return export


def filename(export: Export) -> str:
    return f"follow-ups-{export.created_at.astimezone(UTC):%Y%m%d-%H%M}.{export.format}"


# ---------------------------------------------------------------- the rows


# Names of UTC itself, whose local due-time column would repeat "Due at (UTC)".
UTC_ZONES = frozenset(
    ("UTC", "Etc/UTC", "Etc/UCT", "UCT", "Universal", "Etc/Universal", "Zulu", "Etc/Zulu")
)


def _local_zone(caller: Caller) -> ZoneInfo | None:
    """The zone of the local due-time column, none for a caller who lives in UTC."""
    return None if caller.timezone in UTC_ZONES else zone(caller.timezone)


def header(caller: Caller) -> list[str]:
    local = [f"Due at ({caller.timezone})"] if _local_zone(caller) else []
    return [
        "ID", "Subject", "Type", "Status", "Priority", "Due at (UTC)",
        *local, "Assignee", "Client", "Lead", "Created at (UTC)",
        "Completed at (UTC)", "Outcome", "Satisfaction", "Has issue", "Contact attempts",
        "Last contacted at (UTC)",
    ]  # fmt: skip


async def rows(
    caller: Caller, criteria: Criteria, id_text: Callable[[int], str], page_size: int
) -> AsyncIterator[list[list[Any]]]:
    """The matching rows in list order (due time, then id), a keyset page at a time.

    Times are aware datetimes (UTC), except the due time in the caller's zone (unless that is
    UTC), which is naive local wall-clock time; the writers give each its text or cell form.
    """
    local = _local_zone(caller)
    cursor: str | None = None
    while True:
        page = await followup_queries.find(
            caller, criteria, Ordering(), PageRequest(first=page_size, after=cursor)
        )
        if not page.items:
            return
        found = {
            row["id"]: row
            for row in await visible_follow_ups(caller).filter(id__in=page.items).values(*_COLUMNS)
        }
        yield [_row(found[pk], id_text, local) for pk in page.items if pk in found]
        if not page.has_next_page:
            return
        cursor = page.cursors[-1]


def _row(row: dict[str, Any], id_text: Callable[[int], str], local: ZoneInfo | None) -> list[Any]:
    due_at: datetime = row["due_at"].astimezone(UTC)  # never null
    return [
        id_text(row["id"]),
        row["subject"],
        row["type__name"],
        _name(row["status"], Status),
        _name(row["priority"], Priority),
        due_at,
        *([due_at.astimezone(local).replace(tzinfo=None)] if local else []),
        row["assignee__name"],
        row["client__name"],
        row["lead__name"],
        _utc(row["created_at"]),
        _utc(row["completed_at"]),
        _name(row["outcome"], CompletionOutcome),
        _name(row["satisfaction_outcome"], SatisfactionOutcome),
        bool(row["has_issue"]),
        row["contact_attempt_count"],
        _utc(row["last_contacted_at"]),
    ]


def _utc(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(UTC)


def _name(value: Any, kind: type[Enum]) -> str | None:
    """An enum column as the API names it (PENDING, HIGH), whatever form the driver returns."""
    if value is None:
        return None
    return value.name if isinstance(value, Enum) else kind(value).name


def safe_text(value: str) -> str:
    """Text a spreadsheet will not run as a formula: a leading = + - @ gets a quote first."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


# ---------------------------------------------------------------- the writers


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.strftime("%Y-%m-%d %H:%M")
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, str):
        return safe_text(value)
    return value


async def csv_chunks(
    head: list[str], pages: AsyncIterator[list[list[Any]]]
) -> AsyncIterator[bytes]:
    """UTF-8 with a byte-order mark (so Excel reads the accents), one chunk per page."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(head)
    yield ("\ufeff" + buffer.getvalue()).encode()
    async for page in pages:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows([_csv_value(value) for value in row] for row in page)
        yield buffer.getvalue().encode()


async def xlsx_chunks(
    head: list[str], pages: AsyncIterator[list[list[Any]]]
) -> AsyncIterator[bytes]:
    """A write-only workbook (rows go to disk as they come), then the file in chunks."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Follow-ups")
    sheet.freeze_panes = "A2"
    sheet.append(head)

    def cell(value: Any) -> Any:
        if isinstance(value, datetime):
            if value.tzinfo is not None:  # Excel has no zones: UTC columns as ISO text
                return value.isoformat().replace("+00:00", "Z")
            written = WriteOnlyCell(sheet, value=value)
            written.number_format = "yyyy-mm-dd hh:mm"
            return written
        if isinstance(value, str):
            # Typed as a string, so openpyxl never writes it as a formula, and quoted like CSV.
            written = WriteOnlyCell(sheet, value=safe_text(value))
            written.data_type = "s"
            return written
        return value

    async for page in pages:
        for row in page:
            sheet.append([cell(value) for value in row])
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as spool:
        await asyncio.to_thread(workbook.save, spool)
        spool.seek(0)
        for chunk in _read(spool):
            yield chunk


def _read(file: Any) -> Iterator[bytes]:
    while chunk := file.read(CHUNK_BYTES):
        yield chunk


def content(
    caller: Caller,
    export: Export,
    criteria: Criteria,
    id_text: Callable[[int], str],
) -> AsyncIterator[bytes]:
    """The file of an export, as it is made."""
    page_size = get_settings().max_page_size
    pages = rows(caller, criteria, id_text, page_size)
    if export.format == ExportFormat.XLSX:
        return xlsx_chunks(header(caller), pages)
    return csv_chunks(header(caller), pages)
