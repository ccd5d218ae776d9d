"""`orders`: ingest orders, export documents, read the review queue and the status.

Exit codes: 0 all went well; 1 some input failed; 2 wrong usage; 3 the database
cannot be used (or its disk is full); 4 the Prefect server at PREFECT_API_URL does
not answer.
"""
from __future__ import annotations

import itertools
import logging
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from models.errors import ExitCode, OrdersError, UsageError
from models.run import IngestRequest, stage_line
from models.settings import load_settings

app = typer.Typer(add_completion=False, help="Russian regional orders → one consolidated SQL database.")
console = Console(stderr=True)
out = Console()

DbOption = typer.Option(None, "--db", help="SQLAlchemy URL (default: ORDERS_DATABASE_URL or SQLite in data/processed)")
WorkersOption = typer.Option(0, "--workers", min=0, help="Files at once on a local Dask cluster of N processes")
DaskOption = typer.Option(None, "--dask-address", help="Run on this Dask scheduler (tcp://HOST:PORT)")


def _one_task_runner(workers: int, dask_address: str | None) -> None:
    """A run goes to a local cluster of its own or to a scheduler's, not both."""
    if workers > 1 and dask_address:
        raise UsageError("--workers starts a local Dask cluster and --dask-address uses another: give one of them")


def _sessions(db: str | None):
    from store.database import open_database

    return open_database(load_settings(database_url=db).database_url)


def _existing(db: str | None):
    """Sessions on a database that must already exist: commands that only read it."""
    from store.database import open_existing_database

    return open_existing_database(load_settings(database_url=db).database_url)


@app.command()
def ingest(
    paths: Optional[list[Path]] = typer.Argument(None, help="Files or folders of orders (.docx, .txt, .pdf, "
                                                 "images); default: the raw_dir setting (ORDERS_RAW_DIR, data/raw)"),
    force: bool = typer.Option(False, "--force", help="Extract unchanged files again (corrections are kept)"),
    workers: int = WorkersOption,
    dask_address: Optional[str] = DaskOption,
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log each file's stages and their times"),
    source_key: Optional[str] = typer.Option(None, "--source-key",
                                             help="Store the one file given under this key instead of its name"),
    db: Optional[str] = DbOption,
) -> None:
    """Extract every order under PATHS and store it; unchanged files are skipped.

    A document is its file's place: the path below the folder given (A/order.txt), or
    the name of a file given itself. New bytes in the same place replace the stored
    version; the same name in another folder is another document.

    The run reports to the Prefect server at PREFECT_API_URL, or else to the local one
    (`orders server`), which the first run starts and later runs reuse. Every other
    process the run starts (OCR workers, Tesseract, Dask) ends with it, even when it
    is killed."""
    from pipeline.lifetime import processes_die_with_run

    with processes_die_with_run():  # first: it forks, which must precede any thread
        try:
            _ingest(paths, force, workers, dask_address, verbose, source_key, db)
        except KeyboardInterrupt:
            console.print("interrupted: the files stored before it are kept and the file being read is not "
                          "stored; run the same command again to go on (what was stored comes out unchanged)")
            raise typer.Exit(ExitCode.interrupted) from None


def _ingest(paths: list[Path] | None, force: bool, workers: int, dask_address: str | None, verbose: bool,
            source_key: str | None, db: str | None) -> None:
    try:
        os.getcwd()  # relative paths and settings are read from it
    except FileNotFoundError:
        raise UsageError("the current folder no longer exists: change to a folder that does") from None
    _one_task_runner(workers, dask_address)
    if verbose:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        pipeline_log = logging.getLogger("orders")
        pipeline_log.addHandler(handler)
        pipeline_log.setLevel(logging.INFO)
        pipeline_log.propagate = False  # once, not again through Prefect's console handler

    settings = load_settings(database_url=db)
    request = IngestRequest([str(p) for p in paths or [settings.raw_dir]], settings.database_url, force, source_key,
                            workers, dask_address)
    home = _prefect_environment(settings)
    warm = settings.warm_ingest and not os.environ.get("PREFECT_API_URL") and not dask_address and workers <= 1
    if warm:
        from flows.service import service_busy

        warm = not service_busy(home)
        if not warm:
            console.print("the warm ingest process is busy with another run: this one runs in this command")
    if warm and not _warm_processes_run(home):  # they start in seconds: what would fail the run fails first
        from pipeline.preflight import check_before_run

        check_before_run(_sessions(db), settings.database_url, settings.processed_dir)
    with _progress(stages_elsewhere=verbose and (warm or bool(dask_address) or workers > 1)) as (on_files, advance):
        if warm:
            from flows.service import ingest_in_service

            outcomes = ingest_in_service(home, _report_to_prefect(settings), request, on_files, advance,
                                         on_start=lambda: console.print("starting the warm ingest process "
                                                                        "(later commands reuse it) …"))
        else:
            from flows.command import ingest_command

            outcomes = ingest_command(request, on_files, advance, before_flow=lambda: _report_to_prefect(settings))
    _print_summary(outcomes)
    if any(o.failed for o in outcomes):
        raise typer.Exit(ExitCode.input_failed)


def _warm_processes_run(home: Path) -> bool:
    """Whether the local Prefect server and the warm ingest process both run."""
    from flows.server import running_server
    from flows.service import running_service

    return running_server(home) is not None and running_service(home) is not None


@contextmanager
def _progress(stages_elsewhere: bool):
    """A progress bar over the run's files; yields what to call with their number and with
    each outcome. With `stages_elsewhere` (verbose, the files read in another process
    whose log lines stay there) each file's stages are printed as it ends."""
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as progress:
        bar = progress.add_task("ingesting", total=None)

        def advance(outcome) -> None:
            for stage, seconds in outcome.seconds.items() if stages_elsewhere else ():
                console.print(stage_line(outcome.path, stage, seconds), soft_wrap=True, markup=False)
            if outcome.reason:
                _say(outcome)
            else:
                progress.advance(bar)
                progress.update(bar, description=Path(outcome.path).name)

        yield (lambda total: progress.update(bar, total=total)), advance


def _prefect_environment(settings) -> Path:
    """Prefect's environment for this command; returns PREFECT_HOME, where Prefect keeps its
    state and the local server its database: by default beside the project's data rather
    than in a profile shared with other installs."""
    # Failures are reported here, one line per file; Prefect's own tracebacks are for the server UI.
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "CRITICAL")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")  # no network here; it only logs errors
    os.environ.setdefault("PREFECT_HOME", str((settings.processed_dir / "prefect").resolve()))
    return Path(os.environ["PREFECT_HOME"])  # made by the first command that starts a server there


def _report_to_prefect(settings) -> str:
    """Point this run at PREFECT_API_URL, or else at the local server, started when none
    runs; returns the URL."""
    home = _prefect_environment(settings)
    if not os.environ.get("PREFECT_API_URL"):
        from flows.server import ensure_server

        server, _ = ensure_server(home, on_start=lambda: console.print(
            "starting the local Prefect server (once: later commands reuse it) …"))
        os.environ["PREFECT_API_URL"] = server.api_url
    return os.environ["PREFECT_API_URL"]


def _say(outcome) -> None:
    """One line for a file that is not stored: failed (red) or skipped, with the reason."""
    colour = "red" if outcome.failed else "yellow"
    console.print(f"[{colour}]{outcome.status}[/{colour}] {outcome.reason}", soft_wrap=True, markup=True)


def _print_summary(outcomes) -> None:
    stored = [o for o in outcomes if o.status in ("new", "replaced")]
    totals: dict[str, int] = {}
    for o in stored:
        for kind, n in o.counts.items():
            totals[kind] = totals.get(kind, 0) + n
    by_status = {s: sum(o.status == s for o in outcomes)
                 for s in ("new", "replaced", "unchanged", "failed", "skipped")}
    out.print(
        f"documents: {by_status['new']} new, {by_status['replaced']} replaced, {by_status['unchanged']} unchanged, "
        f"{by_status['failed']} failed" + (f"; {by_status['skipped']} path(s) skipped" if by_status["skipped"] else "")
    )
    if totals:
        out.print("stored: " + ", ".join(f"{n} {kind}" for kind, n in totals.items()))


@app.command()
def deploy(
    paths: list[Path] = typer.Argument(..., help="Files or folders the scheduled runs ingest"),
    cron: str = typer.Option("0 3 * * *", help="When to run (cron, the server's time zone)"),
    name: str = typer.Option("orders-ingest", help="Deployment name"),
    pool: str = typer.Option("orders", help="Process work pool whose workers run it"),
    workers: int = WorkersOption,
    dask_address: Optional[str] = DaskOption,
    db: Optional[str] = DbOption,
) -> None:
    """Deploy the batch flow to the Prefect server at PREFECT_API_URL on a cron schedule.

    Paths, a SQLite file and ORDERS_PROCESSED_DIR (page previews) are made absolute here:
    the workers that run it may start in any folder."""
    _check_cron(cron)
    _one_task_runner(workers, dask_address)
    if not os.environ.get("PREFECT_API_URL"):
        raise UsageError("set PREFECT_API_URL to the Prefect server (e.g. http://127.0.0.1:4200/api); "
                         "README: «Scheduled runs»")
    from flows.ingest import absolute_sqlite_url, deploy as deploy_flow
    from flows.server import check_prefect_api

    check_prefect_api(os.environ["PREFECT_API_URL"])

    settings = load_settings(database_url=db)
    url = absolute_sqlite_url(settings.database_url)
    if url != settings.database_url:
        console.print(f"warning: the relative SQLite path is deployed as {url}; workers on other machines need "
                      "that path, or a PostgreSQL URL")
    _sessions(url)
    deployment_id = deploy_flow(name, pool, cron, [str(p) for p in paths], url, dask_address, workers,
                                str(settings.processed_dir))
    out.print(f"deployment scheduled-ingest/{name} ({deployment_id}): {cron}, pool {pool}")


def _check_cron(cron: str) -> None:
    from prefect.client.schemas.schedules import CronSchedule
    from pydantic import ValidationError

    try:
        CronSchedule(cron=cron)
    except ValidationError:
        raise UsageError(f"--cron «{cron}» is no cron schedule: five fields, minute hour day month weekday, "
                         "e.g. «0 3 * * *» (03:00 every day)") from None


@app.command()
def export(
    out_dir: Path = typer.Option(..., "--out", help="Folder for the exported files"),
    format: str = typer.Option("json", "--format",
                               help="json: one Document JSON per document (shared spec); "
                                    "tables: every logical table, cell by cell; "
                                    "csv or parquet: every table and research view, whole"),
    db: Optional[str] = DbOption,
) -> None:
    """Write what the database holds in one of the export formats."""
    from pipeline.research import FORMATS, export_all
    from store.export import export_json, export_tables

    exporters = {"json": export_json, "tables": export_tables,
                 **{fmt: lambda sessions, folder, fmt=fmt: export_all(sessions, folder, fmt) for fmt in FORMATS}}
    if format not in exporters:
        raise UsageError(f"unknown export format «{format}»; supported: {', '.join(exporters)}")
    written = exporters[format](_existing(db), out_dir)
    out.print(f"{len(written)} file(s) written to {out_dir}")


@app.command()
def sql(
    query: str = typer.Argument(..., help="A query, e.g. \"SELECT region_name, SUM(amount) FROM funding_facts …\""),
    limit: int = typer.Option(1000, help="At most this many rows (a note says when the query has more)"),
    format: str = typer.Option("table", "--format", help="table (on screen), csv, json, or parquet (with --out; "
                               "values as the database returns them: `orders export` types whole views)"),
    out_file: Optional[Path] = typer.Option(None, "--out", help="Write to this file instead of the screen"),
    describe: bool = typer.Option(False, "--describe", help="Also print what each column of the result means"),
    db: Optional[str] = DbOption,
) -> None:
    """Run one read-only SQL query and print or write its rows (views and their columns:
    docs/research.md, `orders columns`).

    SQLite files are opened read-only; on PostgreSQL connect as a reader role
    (`orders sql-reader`): superusers and roles that can write are refused."""
    from pipeline.research import QUERY_FORMATS, open_sql_reader, run_query, write_query_result
    from store.database import check_database_exists

    if format not in QUERY_FORMATS:
        raise UsageError(f"unknown output format «{format}»; supported: {', '.join(QUERY_FORMATS)}")
    if out_file is not None and format == "table":
        raise UsageError("--out writes csv, json or parquet: add --format csv, json or parquet")
    url = load_settings(database_url=db).database_url
    check_database_exists(url)  # a reader role may not migrate: the file is only looked for
    sessions = open_sql_reader(url)
    try:
        result = run_query(sessions, query, limit)
    finally:
        sessions.kw["bind"].dispose()
    if format == "table":
        table = Table(*result.columns)
        for row in result.rows:
            table.add_row(*("" if v is None else str(v) for v in row))
        out.print(table)
        out.print(f"{len(result.rows)} row(s)")
    elif out_file is None:
        write_query_result(result, format, out=sys.stdout)
    else:
        _write_file(out_file, result, format)
    if result.truncated:
        console.print(f"note: the query has more than {limit} rows; only the first {limit} are shown "
                      f"(raise --limit, or add LIMIT/OFFSET, or `orders export` the whole view)")
    if describe:
        from models.catalog import COLUMNS

        for column in result.columns:
            console.print(f"{column}: {COLUMNS.get(column, 'computed by the query')}", soft_wrap=True)


@app.command()
def columns(
    name: Optional[str] = typer.Argument(None, help="A table or view, e.g. funding_facts; without it, all of them"),
) -> None:
    """What the tables and views researchers read mean: their columns, types and
    descriptions (the same as the datapackage.json of `orders export`)."""
    from models.catalog import TABLES
    from pipeline.research import describe_table

    if name is None:
        table = Table("table or view", "what one row is")
        for table_name, description in TABLES.items():
            table.add_row(table_name, description)
    else:
        table = Table("column", "type", "meaning", title=f"{name}: {TABLES.get(name, '')}")
        for field in describe_table(name):
            table.add_row(field["name"], field["type"], field["description"])
    out.print(table)


def _write_file(path: Path, result, fmt: str) -> None:
    """A query's rows into `path`, its folder made; a path that cannot be written is one line."""
    from pipeline.research import write_query_result

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "parquet":
            write_query_result(result, fmt, path=path)
            return
        with path.open("w", encoding="utf-8", newline="") as target:
            write_query_result(result, fmt, out=target)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None


@app.command("sql-reader")
def sql_reader(
    name: str = typer.Argument(..., help="Name of the PostgreSQL role, e.g. researcher"),
    password: Optional[str] = typer.Option(None, help="Its password (default: a new random one)"),
    db: Optional[str] = DbOption,
) -> None:
    """Create or update a PostgreSQL LOGIN role that may only read the research tables
    and views (never accounts); --db connects as a role that may create roles and
    grant. Prints the URL for `orders sql --db …`."""
    from pipeline.research import create_reader_role

    url = create_reader_role(_sessions(db), name, password)
    console.print(f"role {name} may read the research tables and views; `orders sql --db` this URL:", soft_wrap=True)
    typer.echo(url)


@app.command()
def runs(limit: int = typer.Option(10, help="How many of the latest runs"), db: Optional[str] = DbOption) -> None:
    """The latest ingestion runs: files new, unchanged and failed (with reasons), time per stage."""
    from store.runs import files_line, list_runs

    for run in list_runs(_existing(db), limit):
        state = f"finished {run['finished_at']}" if run["finished_at"] else "interrupted (never finished)"
        out.print(f"run {run['id']}: started {run['started_at']}, {state}")
        out.print(f"  files: {files_line(run)}")
        if run["seconds_by_stage"]:
            out.print("  seconds: " + ", ".join(f"{k} {v}" for k, v in run["seconds_by_stage"].items()))
        for reason in run["failures"].values():
            out.print(f"  failed {reason}", soft_wrap=True)  # a reason names its file


@app.command()
def issues(
    status: str = typer.Option("open", help="open, closed, dismissed or all"),
    document: Optional[str] = typer.Option(None, help="only this file"),
    region: Optional[str] = typer.Option(None, help="only this region (ISO code, e.g. RU-KLU)"),
    kind: Optional[str] = typer.Option(None, help="only this kind, e.g. sum_mismatch"),
    db: Optional[str] = DbOption,
) -> None:
    """The review queue by act (the files of one order together), the most consequential first."""
    from store.issues import IssueFilter, list_issues

    which = IssueFilter(None if status == "all" else status, document, region, kind)
    rows = list_issues(_existing(db), which)
    for _, group in itertools.groupby(rows, key=lambda row: row.act_key):
        group = list(group)
        table = Table("document", "kind", "place", "detail", "status", title=group[0].act, title_justify="left",
                      expand=True)
        for row in group:
            table.add_row(row.source_file, row.kind, row.place, row.detail, row.status)
        out.print(table)
    out.print(f"{len(rows)} issue(s)")


@app.command()
def status(db: Optional[str] = DbOption) -> None:
    """What the database holds."""
    from store.runs import status_summary

    for line in _status_lines(status_summary(_existing(db))):
        out.print(line, soft_wrap=True)


def _status_lines(s: dict) -> list[str]:
    from store.runs import files_line

    def counts(by: dict[str, int]) -> str:
        return ", ".join(f"{k} {n}" for k, n in by.items()) or "none"

    run = s["last_run"]
    last = "none" if run is None else (
        f"{run['id']}, started {run['started_at']}, "
        + (f"finished {run['finished_at']}" if run["finished_at"] else "interrupted (never finished)")
        + f": {files_line(run)}")
    return [
        f"documents: {s['documents']} of {s['acts']} act(s); by region: {counts(s['documents_by_region'])}; "
        f"by format: {counts(s['documents_by_format'])}",
        f"tasks: {s['tasks']}, measures: {s['measures']}, funding rows: {s['funding_rows']}, "
        f"indicators: {s['indicators']}",
        f"organisations: {s['organizations']} distinct bodies in the registry, the federal bodies of branches "
        f"included ({s['organizations_named']} as the documents name them, which `orders ingest` counts)",
        f"open issues: {s['open_issues']}",
        f"last run: {last}",
    ]


server = typer.Typer(help="The local Prefect server, and the warm ingest process beside it: runs report to "
                          "them when PREFECT_API_URL is not set.")
app.add_typer(server, name="server")


@server.command("start")
def server_start() -> None:
    """Start the local Prefect server and the warm ingest process (the first `orders ingest`
    does it too); the server's UI shows the runs."""
    from flows.server import ensure_server
    from flows.service import ensure_service

    settings = load_settings()
    home = _prefect_environment(settings)
    running, started = ensure_server(home)
    out.print(f"{'started' if started else 'already running'}: {running.ui_url} (pid {running.pid})")
    if settings.warm_ingest:
        service, started = ensure_service(home, running.api_url)
        out.print(f"warm ingest process {'started' if started else 'already running'} (pid {service.pid})")


@server.command("stop")
def server_stop() -> None:
    """Stop the local Prefect server and the warm ingest process; the next run starts them again."""
    from flows.server import stop_server
    from flows.service import stop_service

    home = _prefect_environment(load_settings())
    if stop_service(home):
        out.print("stopped the warm ingest process")
    stopped = stop_server(home)
    out.print(f"stopped the server at {stopped.ui_url}" if stopped else "no local Prefect server was running")


@server.command("status")
def server_status() -> None:
    """Whether the local Prefect server runs, and where, and the warm ingest process; exit
    code 4 when the server does not run."""
    from flows.server import running_server
    from flows.service import running_service

    home = _prefect_environment(load_settings())
    running = running_server(home)
    if os.environ.get("PREFECT_API_URL"):
        out.print(f"runs report to PREFECT_API_URL {os.environ['PREFECT_API_URL']}, not to the local server")
    if running is None:
        out.print("the local Prefect server is not running; `orders server start` or the next run starts it")
        raise typer.Exit(ExitCode.setup)
    out.print(f"running: {running.ui_url} (pid {running.pid})")
    service = running_service(home)
    out.print(f"warm ingest process: pid {service.pid}" if service else "warm ingest process: not running")


users = typer.Typer(help="Accounts of the review page.")
app.add_typer(users, name="users")
review = typer.Typer(help="The review web page.")
app.add_typer(review, name="review")


@users.command("add")
def users_add(
    name: str = typer.Argument(..., help="Account name"),
    role: str = typer.Option("reviewer", help="viewer (reads), reviewer (corrects) or admin"),
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True,
                                 help="Asked for when not given; at least 10 characters"),
    db: Optional[str] = DbOption,
) -> None:
    """Create an account that can sign in to the review page."""
    from review.auth import add_account

    add_account(_sessions(db), name, role, password)
    out.print(f"account {name} ({role}) created")


@users.command("list")
def users_list(db: Optional[str] = DbOption) -> None:
    """The accounts: role, whether disabled, when created, how many live sessions."""
    from review.auth import list_accounts

    accounts = list_accounts(_existing(db))
    table = Table("name", "role", "disabled", "created (UTC)", "active sessions")
    for account in accounts:
        table.add_row(account.name, account.role, "yes" if account.disabled else "no",
                      account.created_at.strftime("%Y-%m-%d %H:%M"), str(account.active_sessions))
    out.print(table)
    out.print(f"{len(accounts)} account(s)")


@users.command("disable")
def users_disable(name: str = typer.Argument(..., help="Account name"), db: Optional[str] = DbOption) -> None:
    """Stop an account from signing in; its open sessions end at once."""
    from review.auth import set_disabled

    ended = set_disabled(_sessions(db), name, True)
    out.print(f"account {name} disabled; {ended} session(s) ended")


@users.command("enable")
def users_enable(name: str = typer.Argument(..., help="Account name"), db: Optional[str] = DbOption) -> None:
    """Let a disabled account sign in again."""
    from review.auth import set_disabled

    set_disabled(_sessions(db), name, False)
    out.print(f"account {name} enabled")


@users.command("passwd")
def users_passwd(
    name: str = typer.Argument(..., help="Account name"),
    password: str = typer.Option(..., prompt="New password", hide_input=True, confirmation_prompt=True,
                                 help="Asked for when not given; at least 10 characters"),
    db: Optional[str] = DbOption,
) -> None:
    """Change an account's password; its open sessions end at once."""
    from review.auth import change_password

    ended = change_password(_sessions(db), name, password)
    out.print(f"password of {name} changed; {ended} session(s) ended")


@review.command("serve")
def review_serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on"),
    port: int = typer.Option(8000, help="Port to listen on"),
    db: Optional[str] = DbOption,
) -> None:
    """Serve the review page: the queue, documents beside their pages, corrections."""
    import uvicorn

    from review.app import create_app

    _existing(db)  # fail fast when the database is missing or unusable
    uvicorn.run(create_app(load_settings(database_url=db)), host=host, port=port, log_level="info")


def main() -> None:
    """Console entry point: typed errors become one line and their exit code
    (usage errors and --help are handled by Typer itself)."""
    try:
        app()
    except OrdersError as exc:
        console.print(f"[red]error:[/red] {exc}", soft_wrap=True)
        raise SystemExit(int(exc.exit_code))
