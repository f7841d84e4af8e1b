"""Exports through the API: ask for a link, download CSV or XLSX, and who may download it."""

import csv
import io
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from openpyxl import load_workbook

from runtime import clock
from runtime.settings import get_settings
from tests.api.helpers import create_follow_up, create_party, mutate
from tests.conftest import Api, Org, make_org

EXPORT = """
  __typename
  ... on FollowUpExport { id url expiresAt format }
  ... on ValidationError { message field }
  ... on NotFoundError { message }
"""


async def export(
    api: Api,
    token: str,
    filter: dict[str, Any] | None = None,
    format: str = "CSV",
    saved_filter_id: str | None = None,
) -> dict[str, Any]:
    data = await api.data(
        "mutation($f: FollowUpFilter, $s: ID, $x: ExportFormat!) {"
        f" r: exportFollowUps(filter: $f, savedFilterId: $s, format: $x) {{ {EXPORT} }} }}",
        {"f": filter, "s": saved_filter_id, "x": format},
        token,
    )
    return data["r"]


async def download(api: Api, url: str, token: str | None = None, signed: bool = True) -> Any:
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if signed else "")
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return await api.client.get(path, headers=headers)


def csv_rows(body: bytes) -> list[list[str]]:
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


async def test_csv_has_the_rows_of_the_filter_in_list_order(api: Api, org: Org) -> None:
    staff_id, staff = await org.add_staff("Priya", timezone="Asia/Kolkata")
    client = await create_party(api, org.admin, "Client", {"name": "Zoë Müller"})
    later = await create_follow_up(
        api, org.admin, subject="Renewal café", dueAt="2030-05-02T09:00:00Z", clientId=client,
        assigneeId=staff_id, priority="HIGH",
    )  # fmt: skip
    sooner = await create_follow_up(
        api, org.admin, subject="Passport check", dueAt="2030-05-01T18:45:00Z", clientId=client,
        assigneeId=staff_id, typeKey="document_review",
    )  # fmt: skip
    done = await create_follow_up(
        api, org.admin, subject="Done already", clientId=client, typeKey="document_review"
    )
    await mutate(
        api, org.admin, "completeFollowUp(id: $id, input: $input)",
        {"id": done["id"], "input": {"outcome": "SUCCESSFUL"}},
    )  # fmt: skip
    await create_follow_up(api, org.admin, subject="Other client", dueAt="2030-05-01T08:00:00Z")

    link = await export(api, staff, {"clientId": client, "status": ["PENDING"]})
    assert link["__typename"] == "FollowUpExport" and link["format"] == "CSV"
    assert link["url"].startswith("http://test/exports/") and ".csv?token=" in link["url"]

    response = await download(api, link["url"])
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    assert response.headers["cache-control"] == "no-store"
    header, *rows = csv_rows(response.content)
    assert header == [
        "ID", "Subject", "Type", "Status", "Priority", "Due at (UTC)", "Due at (Asia/Kolkata)",
        "Assignee", "Client", "Lead", "Created at (UTC)", "Completed at (UTC)", "Outcome",
        "Satisfaction", "Has issue", "Contact attempts", "Last contacted at (UTC)",
    ]  # fmt: skip
    assert [row[0] for row in rows] == [sooner["id"], later["id"]]
    first = dict(zip(header, rows[0], strict=True))
    assert first["Subject"] == "Passport check"
    assert first["Type"] == "Document review"
    assert first["Status"] == "PENDING" and first["Priority"] == "MEDIUM"
    assert first["Due at (UTC)"] == "2030-05-01T18:45:00Z"
    assert first["Due at (Asia/Kolkata)"] == "2030-05-02 00:15"
    assert first["Assignee"] == "Priya" and first["Client"] == "Zoë Müller"
    assert first["Lead"] == "" and first["Completed at (UTC)"] == ""
    assert first["Has issue"] == "false" and first["Contact attempts"] == "0"
    assert rows[1][1] == "Renewal café" and rows[1][4] == "HIGH"


async def test_completed_rows_carry_their_outcome(api: Api, org: Org) -> None:
    created = await create_follow_up(api, org.admin, typeKey="customer_check")
    await mutate(
        api, org.admin, "completeFollowUp(id: $id, input: $input)",
        {"id": created["id"], "input": {"outcome": "UNSUCCESSFUL", "contactOutcome": "REACHED_CUSTOMER",
         "satisfactionOutcome": "UNSATISFIED", "hasIssue": True, "issueSummary": "Leaks"}},
    )  # fmt: skip
    link = await export(api, org.admin, {"hasIssue": True})
    header, row = csv_rows((await download(api, link["url"])).content)
    values = dict(zip(header, row, strict=True))
    assert values["Status"] == "CLOSED_WITH_ISSUE"
    assert values["Outcome"] == "UNSUCCESSFUL" and values["Satisfaction"] == "UNSATISFIED"
    assert values["Has issue"] == "true" and values["Contact attempts"] == "1"
    assert values["Completed at (UTC)"].endswith("Z") and values["Last contacted at (UTC)"]


async def test_rows_are_streamed_in_keyset_pages(
    api: Api, org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [
        (await create_follow_up(api, org.admin, dueAt=f"2030-01-0{n}T09:00:00Z"))["id"]
        for n in range(1, 8)
    ]
    link = await export(api, org.admin)
    monkeypatch.setattr(get_settings(), "max_page_size", 3)  # pages of 3, 3 and 1
    _, *rows = csv_rows((await download(api, link["url"])).content)
    assert [row[0] for row in rows] == ids


async def test_formulas_are_escaped_in_csv_and_xlsx(api: Api, org: Org) -> None:
    dangerous = ['=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(A1)"]
    for n, subject in enumerate(dangerous):
        await create_follow_up(api, org.admin, subject=subject, dueAt=f"2030-01-0{n + 1}T09:00:00Z")
    client = await create_party(api, org.admin, "Client", {"name": "=cmd|' /C calc'!A0"})
    await create_follow_up(
        api, org.admin, subject="Safe", clientId=client, dueAt="2030-02-01T09:00:00Z"
    )

    link = await export(api, org.admin)
    header, *rows = csv_rows((await download(api, link["url"])).content)
    assert [row[1] for row in rows] == ["'" + s for s in dangerous] + ["Safe"]
    assert rows[-1][header.index("Client")] == "'=cmd|' /C calc'!A0"

    link = await export(api, org.admin, format="XLSX")
    workbook = load_workbook(io.BytesIO((await download(api, link["url"])).content))
    sheet = workbook.active
    assert sheet is not None
    cells = [row[1] for row in sheet.iter_rows(min_row=2)]
    assert [cell.value for cell in cells] == ["'" + s for s in dangerous] + ["Safe"]
    assert {cell.data_type for cell in cells} == {"s"}


async def test_xlsx_opens_with_the_rows(api: Api, org: Org) -> None:
    _, staff = await org.add_staff("Berliner", timezone="Europe/Berlin")
    ids = [
        (await create_follow_up(api, staff, subject=f"Call {n}", dueAt=f"2030-07-0{n}T10:00:00Z"))[
            "id"
        ]
        for n in (1, 2, 3)
    ]
    link = await export(api, staff, {"search": "call"}, format="XLSX")
    assert link["format"] == "XLSX" and ".xlsx?token=" in link["url"]
    response = await download(api, link["url"])
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert header[:7] == (
        "ID", "Subject", "Type", "Status", "Priority", "Due at (UTC)", "Due at (Europe/Berlin)",
    )  # fmt: skip
    assert [row[0] for row in rows] == ids
    assert rows[0][1] == "Call 1" and rows[0][5] == "2030-07-01T10:00:00Z"
    assert rows[0][6] == datetime(2030, 7, 1, 12)  # a real date cell, local time
    assert rows[0][14] is False and rows[0][15] == 0


async def test_a_saved_filter_can_be_exported(api: Api, org: Org) -> None:
    await create_follow_up(api, org.admin, subject="Urgent one", priority="HIGH")
    await create_follow_up(api, org.admin, subject="Routine one", priority="LOW")
    data = await api.data(
        'mutation { r: saveFollowUpFilter(input: {name: "Urgent", filter: {priority: [HIGH]}})'
        " { ... on SavedFollowUpFilter { id } } }",
        token=org.admin,
    )
    link = await export(api, org.admin, saved_filter_id=data["r"]["id"])
    _, *rows = csv_rows((await download(api, link["url"])).content)
    assert [row[1] for row in rows] == ["Urgent one"]

    other = await make_org(api, "Other Org")
    refused = await export(api, other.admin, saved_filter_id=data["r"]["id"])
    assert refused["__typename"] == "ValidationError" and refused["field"] == "savedFilterId"
    foreign = await export(api, org.admin, {"assigneeIds": [other.admin_id]})
    assert foreign["__typename"] == "ValidationError" and foreign["field"] == "assigneeIds"
    bad = await export(api, org.admin, {"assigneeIds": ["nope"]})
    assert bad["__typename"] == "ValidationError" and bad["field"] == "assigneeIds"


async def test_who_may_download(api: Api, org: Org) -> None:
    await create_follow_up(api, org.admin, subject="Private list")
    _, colleague = await org.add_staff("Colleague")
    other = await make_org(api, "Other Org")
    link = await export(api, org.admin)
    url = link["url"]

    # No credentials, or a tampered token: 401.
    assert (await download(api, url, signed=False)).status_code == 401
    assert (await api.client.get(urlsplit(url).path + "?token=forged")).status_code == 401
    assert (await download(api, url, token="not-a-jwt", signed=False)).status_code == 401
    # The link of one export does not open another.
    second = await export(api, org.admin)
    wrong = urlsplit(second["url"]).path + "?" + urlsplit(url).query
    assert (await api.client.get(wrong)).status_code == 401

    # The link's token opens this download only, not the API.
    signed = urlsplit(url).query.removeprefix("token=")
    body = await api.raw("{ me { id } }", token=signed)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

    # The requester's own Bearer token works without the signed link.
    assert (await download(api, url, token=org.admin, signed=False)).status_code == 200
    # A colleague, another organization, the wrong extension or an unknown id: 404.
    assert (await download(api, url, token=colleague, signed=False)).status_code == 404
    assert (await download(api, url, token=other.admin, signed=False)).status_code == 404
    xlsx = urlsplit(url).path.replace(".csv", ".xlsx")
    assert (
        await api.client.get(xlsx, headers={"Authorization": f"Bearer {org.admin}"})
    ).status_code == 404
    unknown = "/exports/00000000-0000-4000-8000-000000000000.csv"
    assert (
        await api.client.get(unknown, headers={"Authorization": f"Bearer {org.admin}"})
    ).status_code == 404

    # Once expired, the link is gone.
    clock.travel(timedelta(minutes=16))
    assert (await download(api, url)).status_code == 404


async def test_logging_out_ends_the_download_link(api: Api, org: Org) -> None:
    token = await api.login(org.admin_email)
    link = await export(api, token)
    assert (await download(api, link["url"])).status_code == 200
    await api.data("mutation { logout }", token=token)
    assert (await download(api, link["url"])).status_code == 401


@pytest.mark.parametrize("format", ["CSV", "XLSX"])
async def test_a_utc_user_gets_the_due_time_once(api: Api, org: Org, format: str) -> None:
    _, staff = await org.add_staff("Londoner", timezone="UTC")
    created = await create_follow_up(api, staff, subject="Call", dueAt="2030-07-01T10:00:00Z")
    link = await export(api, staff, format=format)
    body = (await download(api, link["url"])).content
    table: list[Sequence[Any]]
    if format == "CSV":
        table = list(csv_rows(body))
    else:
        sheet = load_workbook(io.BytesIO(body)).active
        assert sheet is not None
        table = list(sheet.iter_rows(values_only=True))
    header, *rows = table
    assert [name for name in header if str(name).startswith("Due at")] == ["Due at (UTC)"]
    [row] = rows
    values = dict(zip(header, row, strict=True))
    assert values["ID"] == created["id"]
    assert values["Due at (UTC)"] == "2030-07-01T10:00:00Z"
    assert values["Assignee"] == "Londoner"
