"""Every link in services.links is a column, an API field, an input and a filter, so a link
added to the registry without its FollowUp field (or the field without the registry line)
fails here rather than going missing from the API."""

from graphql import GraphQLInputObjectType, GraphQLObjectType, get_named_type
from strawberry.types import get_object_definition

from gql.execution import LINK
from gql.schema.followups import FollowUp
from gql.schema.root import schema
from models.followups import FollowUp as FollowUpModel
from services.links import LINKS


def graphql_type(name: str) -> GraphQLObjectType | GraphQLInputObjectType:
    found = schema._schema.get_type(name)
    assert isinstance(found, GraphQLObjectType | GraphQLInputObjectType), name
    return found


def test_every_link_is_a_foreign_key_of_the_follow_up() -> None:
    for link in LINKS:
        key = FollowUpModel._meta.fields_map[link.id_field.removesuffix("_id")]
        assert key.model_name == f"followups.{link.model.__name__}", link  # type: ignore[attr-defined]


def test_every_link_is_a_follow_up_field_of_its_type() -> None:
    fields = graphql_type("FollowUp").fields
    for link in LINKS:
        assert get_named_type(fields[link.loader].type).name == link.type_name, link


def test_the_follow_up_type_links_nothing_the_registry_lacks() -> None:
    """Besides its type and its people, a follow-up's link fields are the registry's."""
    marked = {
        field.metadata[LINK]
        for field in get_object_definition(FollowUp, strict=True).fields
        if LINK in field.metadata and field.metadata[LINK][0] not in ("follow_up_type", "staff")
    }
    assert marked == {(link.loader, link.id_field) for link in LINKS}


def test_every_link_is_an_id_on_the_inputs_and_the_filter() -> None:
    for name in ("CreateFollowUpInput", "UpdateFollowUpInput", "FollowUpFilter"):
        fields = graphql_type(name).fields
        for link in LINKS:
            assert get_named_type(fields[link.api_name].type).name == "ID", (name, link)
