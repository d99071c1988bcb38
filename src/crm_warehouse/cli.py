"""`crm`: generate sample exports, ingest them, build the warehouse, validate, summarise."""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path

import click

from crm_warehouse import __version__
from crm_warehouse.settings import (
    DEFAULT_DATABASE,
    DEFAULT_RAW_DIR,
    ENV_AS_OF,
    ENV_DATABASE,
    ENV_RAW_DIR,
)

DATE = click.DateTime(formats=["%Y-%m-%d"])

raw_dir_option = click.option(
    "--raw-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=DEFAULT_RAW_DIR,
    envvar=ENV_RAW_DIR,
    show_default=True,
    show_envvar=True,
    help="Folder of channel exports laid out as the input contract says.",
)
database_option = click.option(
    "--database",
    type=click.Path(path_type=Path, dir_okay=False),
    default=DEFAULT_DATABASE,
    envvar=ENV_DATABASE,
    show_default=True,
    show_envvar=True,
    help="DuckDB warehouse file.",
)
as_of_option = click.option(
    "--as-of",
    type=DATE,
    envvar=ENV_AS_OF,
    show_envvar=True,
    help="As-of date D (YYYY-MM-DD). Default: business date of the latest order in the data.",
)
unit_tests_option = click.option(
    "--unit-tests",
    is_flag=True,
    help="Run dbt's unit tests too (the models' logic on fixed inputs; `make test` does).",
)


def fail(message: str) -> None:
    click.secho(f"crm: error: {message}", fg="red", err=True)
    sys.exit(1)


def to_date(value: object) -> date | None:
    return value.date() if value is not None else None  # type: ignore[attr-defined]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="crm")
def main() -> None:
    """Customer data warehouse for retail CRM.

    Typical flow: `crm generate` (or drop a retailer's exports into the raw folder),
    then `crm run` = ingest + dbt build + validation + summary.
    """


@main.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="Folder to write the exports into (created).",
)
@click.option("--members", type=click.IntRange(min=1), required=True, help="Number of members.")
@click.option("--seed", type=int, default=42, show_default=True, help="Random seed.")
@click.option(
    "--start",
    type=DATE,
    default="2023-01-01",
    show_default=True,
    help="First business date of the data.",
)
@click.option(
    "--end",
    type=DATE,
    default="2024-12-31",
    show_default=True,
    help="Last business date of the data.",
)
@click.option("--quiet", is_flag=True, help="No progress bar.")
def generate(out_dir: Path, members: int, seed: int, start, end, quiet: bool) -> None:
    """Write deterministic sample exports in the input contract's format (plus _truth/)."""
    from crm_warehouse.generator import generate as run_generate

    try:
        result = run_generate(
            out_dir,
            members=members,
            seed=seed,
            start=to_date(start),
            end=to_date(end),
            progress=not quiet,
        )
    except ValueError as exc:
        fail(str(exc))
    total = sum(result.rows.values())
    click.echo(
        f"generated {total:,} rows in {result.files:,} files under {out_dir} "
        f"({result.seconds:.1f}s)"
    )


def _ingest(raw_dir: Path, database: Path, quiet: bool):
    from crm_warehouse.ingest import IngestError, ingest

    try:
        result = ingest(raw_dir, database, progress=not quiet)
    except IngestError as exc:
        fail(str(exc))
    click.echo(
        f"ingested {result.files_loaded} files ({result.files_skipped} already loaded): "
        f"{result.rows_loaded:,} rows loaded, {result.rows_rejected:,} rejected "
        f"({result.seconds:.1f}s)"
    )
    for source_file, column in result.missing_columns:
        click.secho(
            f"  warning: {source_file}: column '{column}' missing, read as null",
            fg="yellow",
            err=True,
        )
    for ignored in result.ignored_files:
        click.secho(f"  warning: ignored {ignored} (not an export file)", fg="yellow", err=True)
    return result


@main.command("ingest")
@raw_dir_option
@database_option
@click.option("--quiet", is_flag=True, help="No progress bar.")
def ingest_command(raw_dir: Path, database: Path, quiet: bool) -> None:
    """Load new export files into the raw schema (every value as text, with lineage).

    Files already loaded (same path and checksum) are skipped; a changed file loads as
    a new version. Malformed lines go to audit.rejected_rows with file, line and reason.
    """
    _ingest(raw_dir, database, quiet)


@main.command("land-raw")
@database_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="Folder to write <schema>/<table>/data.parquet into (each table's folder replaced).",
)
def land_raw_command(database: Path, out_dir: Path) -> None:
    """Write the ingested raw tables (and ingestion's audit tables) as Parquet, for
    engines that read files: Spark declares each folder an external table when
    CRM_SPARK_RAW_DIR points at OUT (profiles.yml, `spark`)."""
    from crm_warehouse.land import land

    try:
        landed = land(database, out_dir)
    except FileNotFoundError as exc:
        fail(str(exc))
        return
    rows = sum(table.rows for table in landed)
    click.echo(f"landed {len(landed)} tables ({rows:,} rows) as Parquet under {out_dir}")


@main.command(
    "dbt",
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
)
@database_option
@click.argument("dbt_args", nargs=-1, type=click.UNPROCESSED)
def dbt_command(database: Path, dbt_args: tuple[str, ...]) -> None:
    """Run dbt with the warehouse's environment: the DuckDB file, its hash secret and
    the keyed hash's HMAC pads (which the Spark target reads), e.g.
    `CRM_TARGET=spark crm dbt --database X -- build --select staging`."""
    from crm_warehouse.dbt_runner import DbtError, run_dbt

    if not dbt_args:
        fail("no dbt command given (e.g. `crm dbt -- build`)")
    try:
        run_dbt(list(dbt_args), database)
    except DbtError as exc:
        fail(str(exc))


def _build(
    database: Path, as_of: date | None, extra: list[str], *, unit_tests: bool = False
) -> date | None:
    from crm_warehouse.dbt_runner import DbtError, build

    _erase(database, before_build=True)
    try:
        used_as_of = build(database, as_of=as_of, extra_args=extra, unit_tests=unit_tests)
    except (DbtError, FileNotFoundError) as exc:
        fail(str(exc))
        return None
    _erase(database, before_build=False)
    return used_as_of


def _erase(database: Path, *, before_build: bool) -> None:
    """Erasure (erasure.py): rows of newly loaded files that carry an erased identifier
    are scrubbed before dbt builds; new requests are carried out after it."""
    from crm_warehouse.erasure import ErasureError, process_requests, suppress_reloaded

    if not database.exists():
        return
    try:
        result = suppress_reloaded(database) if before_build else process_requests(database)
    except ErasureError as exc:
        fail(str(exc))
        return
    if result.rows or not before_build:
        click.echo(result.render())


@main.command()
@database_option
def erase(database: Path) -> None:
    """Carry out erasure requests now (every build does it too): scrub rows of newly
    loaded files that carry an erased identifier, then resolve each new erasure
    request (raw.privacy__erasure_requests: works right after `crm ingest`) to the
    customer(s) holding the identifier (pii.customer_identity_map of the last build)
    and scrub their personal data from every table of every schema. Only keyed
    hashes of erased identifiers are kept (audit.erased_identifiers);
    audit.erasure_log records each request."""
    if not database.exists():
        fail(f"{database}: no such database")
    _erase(database, before_build=True)
    _erase(database, before_build=False)


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@database_option
@as_of_option
@unit_tests_option
@click.argument("dbt_args", nargs=-1, type=click.UNPROCESSED)
def build(database: Path, as_of, unit_tests: bool, dbt_args: tuple[str, ...]) -> None:
    """Run `dbt build` on the warehouse (models, seeds, data tests; unit tests with
    --unit-tests); extra arguments go to dbt (e.g. --select staging)."""
    _build(database, to_date(as_of), list(dbt_args), unit_tests=unit_tests)


docs_dir_option = click.option(
    "--docs-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    envvar="CRM_GX_DOCS_DIR",
    show_envvar=True,
    help="Folder for the Great Expectations Data Docs (HTML).  "
    "[default: the database's folder/gx/data_docs]",
)


def _validate(database: Path, docs_dir: Path | None = None) -> None:
    from crm_warehouse.gx_validation import GxConfigError
    from crm_warehouse.validate import validate as run_validate

    try:
        report = run_validate(database, docs_dir=docs_dir)
    except GxConfigError as exc:
        fail(str(exc))
    click.echo("validation:\n" + report.render())
    if not report.ok:
        fail("validation failed (see above)")
    _check_freshness(database)


def _check_freshness(database: Path) -> None:
    """`dbt source freshness` on every export: a channel whose newest load is more than
    a day old warns, more than three days fails (dbt_project.yml, sources). An empty
    export (a retailer without that channel) has no load time and is not judged."""
    import json
    from contextlib import suppress

    from crm_warehouse.dbt_runner import DbtError, run_dbt, target_dir

    # dbt's exit code is judged below from sources.json, where empty exports show
    results_path = target_dir() / "sources.json"
    results_path.unlink(missing_ok=True)
    with suppress(DbtError):
        run_dbt(["source", "freshness"], database, quiet=True)
    if not results_path.exists():
        fail("source freshness: dbt wrote no target/sources.json")
    stale, late = [], []
    for result in json.loads(results_path.read_text(encoding="utf-8"))["results"]:
        name = result["unique_id"].split(".", 2)[2]
        # an empty export has no load time (dbt reports none, or year 1)
        if (result.get("max_loaded_at") or "0001").startswith("0001"):
            continue
        hours = result.get("max_loaded_at_time_ago_in_s", 0) / 3600
        if result["status"] in ("error", "runtime error"):
            stale.append(f"{name} ({hours:.0f} h)")
        elif result["status"] == "warn":
            late.append(f"{name} ({hours:.0f} h)")
    if late:
        click.secho("source freshness: not loaded for a day: " + ", ".join(late), fg="yellow")
    if stale:
        fail("source freshness: not loaded for more than 3 days: " + ", ".join(stale))
    click.echo("source freshness: every export with data loaded within 3 days")


@main.command()
@database_option
@docs_dir_option
def validate(database: Path, docs_dir: Path | None) -> None:
    """Check the built warehouse: row accounting, then the Great Expectations checkpoint
    over every mart BI reads and the identity map (writes Data Docs); exit 1 when a
    check fails."""
    if not database.exists():
        fail(f"{database}: no such database")
    _validate(database, docs_dir)


@main.command()
@raw_dir_option
@database_option
@as_of_option
@click.option("--fresh", is_flag=True, help="Delete the database first and rebuild from all files.")
@click.option("--quiet", is_flag=True, help="No progress bars.")
@unit_tests_option
@docs_dir_option
def run(
    raw_dir: Path,
    database: Path,
    as_of,
    fresh: bool,
    quiet: bool,
    unit_tests: bool,
    docs_dir: Path | None,
) -> None:
    """Ingest + dbt build + validation (row accounting, Great Expectations) + a summary
    of what was built."""
    from crm_warehouse.dbt_runner import target_dir
    from crm_warehouse.summary import render

    if fresh and database.exists():
        database.unlink()
        wal = database.with_name(database.name + ".wal")
        if wal.exists():
            wal.unlink()
    timings: dict[str, float] = {}
    started = time.perf_counter()
    _ingest(raw_dir, database, quiet)
    timings["ingest"] = time.perf_counter() - started
    started = time.perf_counter()
    used_as_of = _build(database, to_date(as_of), [], unit_tests=unit_tests)
    timings["dbt build"] = time.perf_counter() - started
    started = time.perf_counter()
    _validate(database, docs_dir)
    timings["validate"] = time.perf_counter() - started
    click.echo(render(database, timings, used_as_of, target_dir() / "run_results.json"))


@main.group()
def evaluate() -> None:
    """Measure the warehouse: identity against the generator's truth, CLV predictions
    against what happened next."""


@evaluate.command("identity")
@raw_dir_option
@database_option
@click.option(
    "--truth-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="The generator's truth folder.  [default: RAW_DIR/_truth]",
)
@click.option(
    "--json",
    "json_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Also write the scores as JSON to this file.",
)
@click.option("--check", is_flag=True, help="Exit 1 when a quality target is missed.")
def evaluate_identity_command(
    raw_dir: Path, database: Path, truth_dir: Path | None, json_path: Path | None, check: bool
) -> None:
    """Precision, recall and F1 (pairwise and B-cubed) of the stitched customers,
    recall against the deterministic ceiling, cluster sizes and conflicts."""
    from crm_warehouse.evaluate import (
        EvaluationError,
        evaluate_identity,
        format_scores,
        write_json,
    )

    try:
        scores = evaluate_identity(database, truth_dir or raw_dir / "_truth")
    except EvaluationError as exc:
        fail(str(exc))
    click.echo("identity stitching against the truth:\n" + format_scores(scores))
    if json_path is not None:
        write_json(scores, json_path)
    if check and scores.failures():
        fail("identity quality targets missed: " + "; ".join(scores.failures()))


@evaluate.command("clv")
@database_option
@click.option(
    "--calibration-end",
    type=DATE,
    required=True,
    help="Last day of the calibration period C: the models are fitted on purchases as of C.",
)
@click.option(
    "--holdout-end",
    type=DATE,
    required=True,
    help="Last day of the holdout period H: predictions for (C, H] are compared with "
    "what happened. The warehouse must be built as of H or later.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("clv_evaluation"),
    show_default=True,
    help="Folder for the tables (CSV, markdown) and the tracking plot (PNG).",
)
def evaluate_clv_command(database: Path, calibration_end, holdout_end, out_dir: Path) -> None:
    """Backtest the CLV models: fit BG/NBD and Gamma-Gamma on the history up to the
    calibration end, predict the holdout, report predicted vs actual transactions and
    spend per decile and in total, and draw the tracking plot."""
    from crm_warehouse.clv_tracking import ClvEvaluationError, evaluate_clv, render, write_outputs

    try:
        evaluation = evaluate_clv(database, to_date(calibration_end), to_date(holdout_end))
    except ClvEvaluationError as exc:
        fail(str(exc))
    click.echo(render(evaluation))
    for path in write_outputs(evaluation, out_dir):
        click.echo(f"wrote {path}")


@main.group()
def report() -> None:
    """Print CRM reports from a built warehouse."""


@report.command("weekly")
@database_option
@click.option(
    "--window",
    "window_months",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Window W in months of the stickiness KPIs (one of dbt var lifecycle_windows).",
)
def report_weekly_command(database: Path, window_months: int) -> None:
    """Headline KPIs of the latest month end: active customers, repeat purchase rate,
    new-customer 30-day repurchase, ARPU, high-value share, NPS, best campaign by lift."""
    from crm_warehouse.report import ReportError, render_weekly, weekly_summary

    try:
        summary = weekly_summary(database, window_months)
    except ReportError as exc:
        fail(str(exc))
    click.echo(render_weekly(summary))


@main.command()
@raw_dir_option
@database_option
@as_of_option
@click.option(
    "--serving",
    type=click.Path(path_type=Path, dir_okay=False),
    envvar="CRM_SERVING_DATABASE",
    show_envvar=True,
    help="Publish a copy here for BI tools after a successful refresh "
    "(default: <database name>.serving.duckdb beside the warehouse).",
)
@click.option("--no-publish", is_flag=True, help="Refresh without publishing a serving copy.")
@click.option("--full", is_flag=True, help="Rebuild everything, incremental models included.")
@click.option("--quiet", is_flag=True, help="No progress bars.")
def refresh(
    raw_dir: Path,
    database: Path,
    as_of,
    serving: Path | None,
    no_publish: bool,
    full: bool,
    quiet: bool,
) -> None:
    """The nightly job: ingest new export files, build, validate, publish a serving copy.

    Holds a lock so two refreshes never overlap (the second exits 75 with a message),
    records the run in audit.refresh_runs and exits non-zero without publishing when a
    step fails. Schedule it with cron or a systemd timer (see the README)."""
    from crm_warehouse.dbt_runner import target_dir
    from crm_warehouse.refresh import RefreshLocked, Steps
    from crm_warehouse.refresh import refresh as run_refresh

    if serving is None and not no_publish:
        serving = database.with_name(database.stem + ".serving" + database.suffix)
    steps = Steps(
        ingest=lambda: _ingest(raw_dir, database, quiet),
        build=lambda full_refresh: _build(
            database, to_date(as_of), ["--full-refresh"] if full_refresh else []
        ),
        validate=lambda: _validate(database),
        run_results=target_dir() / "run_results.json",
    )
    try:
        record = run_refresh(database, None if no_publish else serving, steps, full=full)
    except RefreshLocked as exc:
        click.secho(f"crm: {exc}", fg="red", err=True)
        sys.exit(75)
    click.echo(
        f"refresh {record.run_id} succeeded in {record.duration_seconds:.1f}s: "
        f"{record.files_loaded} new files, {record.rows_loaded:,} rows "
        f"({record.rows_rejected:,} rejected), {record.models_built} models built, "
        f"{record.tests_passed} tests passed, {record.tests_warned} warned"
        + (f"; published {record.published_to}" if record.published_to else "")
    )


@main.command("publish")
@database_option
@click.option(
    "--serving",
    type=click.Path(path_type=Path, dir_okay=False),
    envvar="CRM_SERVING_DATABASE",
    show_envvar=True,
    help="The serving copy BI tools read (default: <database name>.serving.duckdb).",
)
@click.option("--rollback", is_flag=True, help="Put the previously published copy back instead.")
def publish_command(database: Path, serving: Path | None, rollback: bool) -> None:
    """Publish the warehouse to the serving copy atomically (the copy it replaces is
    kept for --rollback), or roll the serving copy back to the previous one."""
    from crm_warehouse.refresh import publish
    from crm_warehouse.refresh import rollback as roll_back

    if serving is None:
        serving = database.with_name(database.stem + ".serving" + database.suffix)
    if rollback:
        try:
            roll_back(serving)
        except FileNotFoundError as exc:
            fail(str(exc))
        click.echo(f"rolled {serving} back to the previous copy")
        return
    if not database.exists():
        fail(f"{database}: no such database")
    publish(database, serving)
    click.echo(f"published {database} to {serving}")


if __name__ == "__main__":
    main()


@main.group()
def tags() -> None:
    """The tag catalogue (seeds/tags) and its generated documentation."""


@tags.command("docs")
@database_option
@click.option(
    "--check",
    is_flag=True,
    help="Do not write: exit non-zero when the committed docs differ from the catalogue.",
)
def tags_docs_command(database: Path, check: bool) -> None:
    """Regenerate the dbt docs of customer_tag_matrix, customer_features and the tag
    catalogue table from a built warehouse (run after adding a tag, before `dbt docs
    generate`; `make docs` does both)."""
    from crm_warehouse import tag_docs

    if not database.exists():
        fail(f"{database}: no such database; run `crm run` or `crm build` first")
    try:
        if check:
            stale = tag_docs.stale_files(database)
            if stale:
                fail(
                    "tag docs are stale: "
                    + ", ".join(str(path) for path in stale)
                    + "; run `crm tags docs` (or `make docs`) and commit them"
                )
            click.echo("tag docs are up to date")
            return
        changed = tag_docs.write(database)
    except RuntimeError as exc:
        fail(str(exc))
    for path in changed:
        click.echo(f"wrote {path}")
    if not changed:
        click.echo("tag docs are up to date")


@main.command("dashboard")
@database_option
@click.option(
    "--serving",
    type=click.Path(path_type=Path, dir_okay=False),
    envvar="CRM_SERVING_DATABASE",
    show_envvar=True,
    help="The serving copy to read (default: <database name>.serving.duckdb beside the "
    "warehouse, as `crm refresh` and `crm publish` write it).",
)
@click.option("--port", type=click.IntRange(1, 65535), default=8501, show_default=True)
@click.option(
    "--address",
    default="127.0.0.1",
    show_default=True,
    help="Interface to listen on (localhost only by default).",
)
@click.option("--open-browser", is_flag=True, help="Open a browser window on start.")
def dashboard_command(
    database: Path, serving: Path | None, port: int, address: str, open_browser: bool
) -> None:
    """Start the CRM dashboard (Streamlit) on the published serving copy, read-only, so
    it never blocks a refresh: Overview, Lifecycle, RFM, Tiers, Tags (audience builder),
    Campaigns, Customer lookup. Stop it with Ctrl+C."""
    from crm_warehouse.dashboard.db import serving_path
    from crm_warehouse.dashboard.launch import serve

    if serving is None:
        serving = serving_path(database)
    if not serving.exists():
        fail(
            f"{serving}: no serving copy; publish one with `crm publish --database {database}` "
            "(or `crm refresh`)"
        )
    click.echo(f"CRM dashboard on http://{address}:{port}/ reading {serving} (Ctrl+C stops it)")
    sys.stdout.flush()
    serve(serving, port, address, headless=not open_browser)


@main.command("docs")
@database_option
@click.option("--serve", "serve_docs", is_flag=True, help="Serve the site after building it.")
@click.option("--port", type=click.IntRange(1, 65535), default=8080, show_default=True)
def docs_command(database: Path, serve_docs: bool, port: int) -> None:
    """Build the dbt docs site (models, columns, tests, lineage with the dashboard and
    audience-export exposures) into dbt's target folder; --serve serves it on localhost."""
    from crm_warehouse.dbt_runner import DbtError, run_dbt, target_dir

    if not database.exists():
        fail(f"{database}: no such database; run `crm run` or `crm build` first")
    try:
        run_dbt(["docs", "generate"], database)
        click.echo(f"dbt docs site: {target_dir() / 'index.html'}")
        if serve_docs:
            run_dbt(["docs", "serve", "--port", str(port), "--host", "127.0.0.1"], database)
    except DbtError as exc:
        fail(str(exc))
