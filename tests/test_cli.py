"""The `followups` command as an operator runs it."""

import os
import subprocess
import sys
from pathlib import Path

FOLLOWUPS = str(Path(sys.executable).with_name("followups"))


def run(*args: str, database: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite://{database}"}
    return subprocess.run(
        [FOLLOWUPS, *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_create_org_prints_the_organization_id_and_refuses_a_taken_email(tmp_path: Path) -> None:
    database = tmp_path / "cli.sqlite3"
    first = run(
        "create-org", "Acme", "--admin-email", "ops@acme.test", "--admin-password", "s3cret-pass",
        database=database,
    )  # fmt: skip
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip().isdigit()

    again = run(
        "create-org", "Acme 2", "--admin-email", "ops@acme.test", "--admin-password", "s3cret-pass",
        database=database,
    )  # fmt: skip
    assert again.returncode == 2
    assert "email" in again.stderr and "already in use" in again.stderr


def test_migrate_is_safe_to_repeat(tmp_path: Path) -> None:
    database = tmp_path / "cli.sqlite3"
    assert run("migrate", database=database).returncode == 0
    repeated = run("migrate", database=database)
    assert repeated.returncode == 0, repeated.stderr


def test_export_schema_prints_the_committed_sdl(tmp_path: Path) -> None:
    printed = run("export-schema", database=tmp_path / "unused.sqlite3")
    assert printed.returncode == 0
    committed = (Path(__file__).resolve().parent.parent / "schema.graphql").read_text()
    assert printed.stdout == committed
