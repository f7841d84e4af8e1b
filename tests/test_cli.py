"""The `followups` command as an operator runs it."""

import os
import subprocess
import sys
from pathlib import Path

FOLLOWUPS = str(Path(sys.executable).with_name("followups"))


def run(*args: str, database: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite://{database}"}
    env.pop("REDIS_URL", None)  # the embedded default
    return subprocess.run(
        [FOLLOWUPS, *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_create_org_prints_the_organization_id_and_refuses_a_taken_email(tmp_path: Path) -> None:
    database = tmp_path / "cli.sqlite3"
    first = run(
        "create-org", "Acme", "--admin-email", "ops@acme.test", "--admin-password", "ember-quartz-s3cret-pass",
        database=database,
    )  # fmt: skip
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip().isdigit()

    again = run(
        "create-org", "Acme 2", "--admin-email", "ops@acme.test", "--admin-password", "ember-quartz-s3cret-pass",
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


def test_run_starts_a_periodic_job_once_and_names_the_known_ones(tmp_path: Path) -> None:
    database = tmp_path / "cli.sqlite3"
    created = run(
        "create-org", "Acme", "--admin-email", "ops@acme.test", "--admin-password", "ember-quartz-s3cret-pass",
        database=database,
    )  # fmt: skip
    assert created.returncode == 0
    digest = run("run", "digest", database=database)
    assert digest.returncode == 0, digest.stderr
    assert digest.stdout.strip() == "digest: 1 sent"
    again = run("run", "digest", database=database)
    assert again.stdout.strip() == "digest: 0 sent"  # once a day per person
    sweep = run("run", "overdue-sweep", database=database)
    assert sweep.returncode == 0 and sweep.stdout.startswith("overdue-sweep:")
    unknown = run("run", "no-such-job", database=database)
    assert unknown.returncode == 2
    assert "digest" in unknown.stderr and "overdue-sweep" in unknown.stderr


def test_the_worker_needs_redis(tmp_path: Path) -> None:
    env_free = run("worker", database=tmp_path / "w.sqlite3")
    assert env_free.returncode == 2
    assert "REDIS_URL" in env_free.stderr
