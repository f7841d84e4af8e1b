"""The `followups` command."""

import argparse
import asyncio
import logging
import sys

from runtime import db, logs
from runtime.settings import UnsafeConfiguration, get_settings


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from gql.app import create_app

    settings = get_settings()
    try:
        app = create_app()
    except UnsafeConfiguration as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    uvicorn.run(
        app,
        host=args.host or settings.host,
        port=args.port or settings.port,
        log_level="info",
        log_config=None,  # uvicorn's loggers go to ours, whose records runtime.logs cleans
        # An idle subscriber should cost little (bench.fanout): wsproto keeps no tasks of its
        # own per socket, and frames are small JSON, so per-socket zlib contexts cost more
        # memory than they save bytes. gql.websockets pings and guards the sockets.
        ws="wsproto",
        ws_per_message_deflate=False,
        ws_max_size=settings.max_body_bytes,  # a websocket frame is a body too
        ws_ping_interval=None,
    )
    return 0


def _migrate(_: argparse.Namespace) -> int:
    asyncio.run(db.migrate())
    print("migrations applied")
    return 0


async def _create_org(args: argparse.Namespace) -> int:
    from services.errors import ValidationFailed
    from services.organizations import create_organization

    if not db.is_postgres():
        await db.migrate()
    await db.connect()
    try:
        org, admin = await create_organization(
            args.name, args.admin_email, args.admin_password, args.admin_name
        )
    except ValidationFailed as error:
        print(f"error: {error.field}: {error.message}", file=sys.stderr)
        return 2
    finally:
        await db.disconnect()
    print(org.id)
    print(f"admin {admin.email} (staff {admin.id})", file=sys.stderr)
    return 0


def _export_schema(_: argparse.Namespace) -> int:
    from gql.schema.root import schema

    sys.stdout.write(schema.as_str() + "\n")
    return 0


async def _run_job(args: argparse.Namespace) -> int:
    from tasks.jobs import load_jobs

    jobs = load_jobs()
    job = jobs.get(args.job)
    if job is None:
        known = ", ".join(sorted(jobs)) or "none yet"
        print(f"error: unknown job {args.job!r} (known: {known})", file=sys.stderr)
        return 2
    if not db.is_postgres():
        await db.migrate()
    await db.connect()
    try:
        print(await job())
    finally:
        await db.disconnect()
    return 0


def _worker(args: argparse.Namespace) -> int:
    """Dramatiq worker for every actor; stops cleanly on SIGTERM or Ctrl-C."""
    import signal
    import threading

    import dramatiq

    if not get_settings().redis_url:
        print("error: the worker needs REDIS_URL (the embedded default runs tasks in `serve`)",
              file=sys.stderr)  # fmt: skip
        return 2
    from tasks import notifications, timers  # noqa: F401  (registers the actors)
    from tasks.broker import broker

    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    # Dramatiq's default idle poll (1 s) would be the floor of every reminder's lag.
    worker = dramatiq.Worker(broker, worker_threads=args.threads, worker_timeout=args.poll_ms)
    worker.start()
    logging.getLogger("followups.worker").info("worker started with %s threads", args.threads)
    stop.wait()
    worker.stop()
    return 0


async def _scheduler(_: argparse.Namespace) -> int:
    import signal

    from tasks import scheduler

    await db.connect()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await scheduler.run(stop)
    finally:
        await db.disconnect()
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="followups", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve the API at /graphql and /healthz")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.set_defaults(run=_serve)

    commands.add_parser("migrate", help="apply migrations").set_defaults(run=_migrate)

    create_org = commands.add_parser("create-org", help="an organization and its first admin")
    create_org.add_argument("name")
    create_org.add_argument("--admin-email", required=True)
    create_org.add_argument("--admin-password", required=True)
    create_org.add_argument("--admin-name")
    create_org.set_defaults(run=lambda args: asyncio.run(_create_org(args)))

    commands.add_parser("export-schema", help="print the SDL").set_defaults(run=_export_schema)
    worker = commands.add_parser("worker", help="Dramatiq worker for all actors (needs REDIS_URL)")
    worker.add_argument(
        "--threads",
        type=int,
        default=16,
        help="actors in flight; each mostly waits on PostgreSQL, so more than cores (16)",
    )
    worker.add_argument(
        "--poll-ms", type=int, default=100, help="how long an idle consumer waits for messages"
    )
    worker.set_defaults(run=_worker)
    commands.add_parser("scheduler", help="claims due timers and enqueues them").set_defaults(
        run=lambda args: asyncio.run(_scheduler(args))
    )
    run = commands.add_parser("run", help="run one periodic job once")
    run.add_argument("job")
    run.set_defaults(run=lambda args: asyncio.run(_run_job(args)))
    return parser


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logs.install()
    args = build_parser().parse_args(argv)
    sys.exit(args.run(args))
