"""Limits that bound what one request costs before any GraphQL work is done: the body size
(counted while it is read), the document's length (before lexing) and its number of fields
(before validation, whose overlapping-fields rule is quadratic in them)."""

import json
from collections.abc import Iterator

from graphql import DocumentNode, GraphQLError, ValidationRule, Visitor, visit
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import SchemaExtension

from gql.errors import QUERY_TOO_COMPLEX
from runtime.settings import get_settings


class BodyTooLarge(Exception):
    pass


async def read_body(request: Request, max_bytes: int) -> bytes:
    """The raw body of a route with a tighter limit than BodyLimit's, refused as soon as it
    grows past it (not after reading it all)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


class BodyLimit:
    """Answers 413 to a body over max_bytes: at once for its Content-Length, else as soon as
    the chunks read so far exceed it, so a large upload is never held in memory or parsed."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length", b"")
        if length.isdigit() and int(length) > self.max_bytes:
            await self._refuse(send)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        body = json.dumps(
            {"errors": [{"message": f"Request body over {self.max_bytes} bytes."}]}
        ).encode()
        headers = [(b"content-type", b"application/json"), (b"connection", b"close")]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class _FieldCounter(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def enter_field(self, *_: object) -> None:
        self.count += 1

    def enter_fragment_spread(self, *_: object) -> None:
        self.count += 1


def field_count(document: DocumentNode) -> int:
    counter = _FieldCounter()
    visit(document, counter)
    return counter.count


def too_many_fields_rule(count: int, limit: int) -> type[ValidationRule]:
    class TooManyFields(ValidationRule):
        def enter_document(self, node: DocumentNode, *_: object) -> None:
            self.report_error(
                GraphQLError(
                    f"The document has {count} fields and fragment spreads; at most {limit} "
                    "are allowed.",
                    extensions={"code": QUERY_TOO_COMPLEX, "fields": count, "limit": limit},
                )
            )

    return TooManyFields


class DocumentLimits(SchemaExtension):
    """The length limit goes to the parser (refused before lexing); a document with too many
    fields is validated by one rule that refuses it instead of by every rule."""

    def on_operation(self) -> Iterator[None]:
        # Strawberry hands parse_options to graphql-core's parse(); its TypedDict lists only
        # max_tokens, which counts a comment as one token however long.
        options: dict[str, int] = self.execution_context.parse_options  # type: ignore[assignment]
        options["max_source_length"] = get_settings().max_document_chars
        yield

    def on_validate(self) -> Iterator[None]:
        document = self.execution_context.graphql_document
        limit = get_settings().max_fields
        if document is not None:
            count = field_count(document)
            if count > limit:
                self.execution_context.validation_rules = (too_many_fields_rule(count, limit),)
        yield
