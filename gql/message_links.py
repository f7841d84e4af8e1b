"""GET / and GET /follow-ups/{id}: where the links in messages land.

On in the organization's app where APP_URL says (services/message_links); without it, in
GraphiQL with the follow-up's query ready to run (the Headers tab keeps the token).
"""

import json
from urllib.parse import quote, urlencode

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from runtime.settings import get_settings
from services import global_ids, message_links

FOLLOW_UP_QUERY = """query FollowUp($id: ID!) {
  followUp(id: $id) {
    id subject status dueAt isOverdue
    type { name } assignee { name } client { name } lead { name }
  }
}
"""
NO_APP = (
    "This link is for the organization's app, and none is set: "
    "set APP_URL (e.g. https://crm.example/follow-ups/{id}) where this service runs.\n"
)


async def follow_up(request: Request) -> Response:
    follow_up_id = request.path_params["id"]
    if global_ids.primary_key(follow_up_id, "FollowUp") is None:
        return PlainTextResponse("There is no such follow-up link.\n", status_code=404)
    return _onward(follow_up_id)


async def home(_: Request) -> Response:
    return _onward(None)


def _onward(follow_up_id: str | None) -> Response:
    target = message_links.landing(follow_up_id)
    if target is not None:
        return RedirectResponse(target, status_code=302)
    if not get_settings().graphiql_enabled:
        return PlainTextResponse(NO_APP)
    if follow_up_id is None:
        return RedirectResponse("/graphql", status_code=302)
    # GraphiQL reads `q` and `variables` from the address, %20 for a space (not +).
    prefilled = {"q": FOLLOW_UP_QUERY, "variables": json.dumps({"id": follow_up_id})}
    return RedirectResponse(f"/graphql?{urlencode(prefilled, quote_via=quote)}", status_code=302)
