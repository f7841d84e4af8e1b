"""Every ValidationCode is documented where clients read it, so none is added silently."""

import ast
import re
from pathlib import Path

from graphql import GraphQLEnumType, build_schema

from gql.schema.root import schema
from services.errors import ValidationCode, ValidationFailed

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"


def test_every_code_has_a_description_in_the_published_schema() -> None:
    published = build_schema(schema.as_str()).type_map["ValidationCode"]
    assert isinstance(published, GraphQLEnumType)
    assert set(published.values) == {code.name for code in ValidationCode}
    undocumented = [
        name for name, value in published.values.items() if not (value.description or "").strip()
    ]
    assert undocumented == []


def test_every_code_is_in_the_readme_table() -> None:
    listed = set(re.findall(r"^\| `([A-Z_]+)` \|", README.read_text(), re.MULTILINE))
    missing = [code.name for code in ValidationCode if code.name not in listed]
    assert missing == []


def test_a_refusal_without_a_precise_code_is_invalid() -> None:
    assert ValidationFailed("field", "Refused.").code is ValidationCode.INVALID


def test_every_refusal_in_the_code_names_its_code() -> None:
    """A new `raise ValidationFailed(...)` says which code it is (INVALID only when chosen)."""
    uncoded = []
    for path in sorted([*ROOT.glob("services/**/*.py"), *ROOT.glob("gql/**/*.py")]):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "ValidationFailed"
                and not any(keyword.arg == "code" for keyword in node.keywords)
            ):
                uncoded.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert uncoded == []
