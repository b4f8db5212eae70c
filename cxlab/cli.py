"""The ``cxlab`` command: ``build``, ``list``, ``clean``, ``datasets``.

Each command is added to the parser by a function of its own (``_add_build`` ...), which also
sets the function that runs it; a new command is one more such function in ``COMMANDS``.
"""

from __future__ import annotations

import argparse
import fnmatch
import sys
import time
from collections.abc import Callable
from pathlib import Path

from rich.console import Console

from cxlab.data.check import add_data_commands

__all__ = ["main"]

def _select(args: argparse.Namespace) -> tuple[list, list]:
    """The whole catalog and the instances whose name matches one of the ``--only`` patterns."""
    from cxlab.build.catalog import CATALOG
    from cxlab.build.uptodate import Stamps

    instances = Stamps(_out(args)).catalog(Path(args.catalog).resolve() if args.catalog else CATALOG)
    patterns = getattr(args, "only", None)
    return instances, [i for i in instances if not patterns or any(fnmatch.fnmatch(i.name, p) for p in patterns)]


def _out(args: argparse.Namespace) -> Path:
    from cxlab.build.batch import REPORTS

    return Path(args.out) if args.out else REPORTS


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _dry_run(instances: list, out_dir: Path, force: bool, console: Console) -> int:
    from cxlab.build.batch import plan

    todo = [s for s in plan(instances, out_dir, force=force) if not s.up_to_date]
    for status in todo:
        console.print(f"would build {status.instance.name}: {', '.join(status.reasons)}", markup=False)
    console.print(f"{len(instances) - len(todo)} up to date, {len(todo)} to build in {out_dir}.", markup=False)
    return 0


def _build(args: argparse.Namespace, console: Console) -> int:
    from cxlab.build.batch import build
    from cxlab.build.progress import BuildProgress, describe, summary

    started = time.perf_counter()
    catalog, instances = _select(args)
    if not instances:
        console.print(f"No report matches {' or '.join(args.only)}.", markup=False)
        return 2
    out_dir = _out(args)
    if args.dry_run:
        return _dry_run(instances, out_dir, args.force, console)
    with BuildProgress(console) as progress:
        try:
            outcomes = build(instances, out_dir, jobs=args.jobs, force=args.force, scheduler=args.scheduler,
                             index=catalog, progress=progress)
        except KeyboardInterrupt:
            built = sum(o.status == "built" for o in progress.finished_outcomes)
            console.print(f"Interrupted: {built} report(s) built and kept; no report is half-written, "
                          "and the rest build next time.")
            return 130
    console.print(summary(outcomes, time.perf_counter() - started), markup=False)
    failed = [o for o in outcomes if o.status == "failed"]
    if failed:
        console.print("Failed (each keeps its last good page):")
        for outcome in failed:
            console.print(describe(outcome))
    return 1 if failed else 0


def _list(args: argparse.Namespace, console: Console) -> int:
    from cxlab.build.batch import plan

    _, instances = _select(args)
    statuses = plan(instances, _out(args))
    width = max((len(s.instance.name) for s in statuses), default=0)
    for status in statuses:
        state = "up to date" if status.up_to_date else "to build: " + ", ".join(status.reasons)
        console.print(f"{status.instance.name:<{width}}  {status.instance.notebook.name:<20}  {state}", markup=False)
    fresh = sum(s.up_to_date for s in statuses)
    console.print(f"{len(statuses)} reports: {fresh} up to date, {len(statuses) - fresh} to build.", markup=False)
    return 0


def _clean(args: argparse.Namespace, console: Console) -> int:
    from cxlab.build.batch import clean_reports

    catalog, _ = _select(args)
    removed = clean_reports(catalog, _out(args))
    console.print(f"Removed {removed} file(s) and the build state from {_out(args)}.", markup=False)
    return 0


def _datasets(args: argparse.Namespace, console: Console) -> int:
    from cxlab.data.registry import datasets

    console.print(datasets().to_string(index=False), markup=False)
    return 0


def _where(command: argparse.ArgumentParser) -> None:
    """The options every report command shares: which catalog, which output folder."""
    command.add_argument("--catalog", help="catalog file (default: notebooks/catalog.yml)")
    command.add_argument("--out", help="output folder (default: reports/)")


def _add_build(commands: argparse._SubParsersAction) -> None:
    build = commands.add_parser("build", help="run the reports that are out of date and write HTML")
    build.add_argument("--jobs", type=_positive, help="local worker processes (default: one per core)")
    build.add_argument("--only", action="append", metavar="PATTERN",
                       help="build only reports whose name matches this glob pattern (repeatable)")
    build.add_argument("--force", action="store_true", help="build even reports that are up to date")
    build.add_argument("--scheduler", metavar="ADDRESS", help="run on a Dask cluster (tcp://host:8786)")
    build.add_argument("--dry-run", action="store_true", help="say what would be built, and why; run nothing")
    _where(build)
    build.set_defaults(run=_build)


def _add_list(commands: argparse._SubParsersAction) -> None:
    listing = commands.add_parser("list", help="list the reports and whether each is up to date")
    listing.add_argument("--only", action="append", metavar="PATTERN", help="glob pattern on report names (repeatable)")
    _where(listing)
    listing.set_defaults(run=_list)


def _add_clean(commands: argparse._SubParsersAction) -> None:
    cleaning = commands.add_parser("clean", help="remove built reports, the index and the build state")
    _where(cleaning)
    cleaning.set_defaults(run=_clean)


def _add_datasets(commands: argparse._SubParsersAction) -> None:
    commands.add_parser("datasets", help="list the registered data sets").set_defaults(run=_datasets)


COMMANDS: tuple[Callable[[argparse._SubParsersAction], None], ...] = (_add_build, _add_list, _add_clean, _add_datasets,
                                                                     add_data_commands)


def main(argv: list[str] | None = None) -> int:
    """Run the ``cxlab`` command line; returns the exit code.

    Examples
    --------
    >>> import tempfile
    >>> main(["list", "--only", "forrester-*-2020", "--out", tempfile.mkdtemp()])
    forrester-federal-vs-private-2015-2020  sector_gap.ipynb      to build: not built yet
    1 reports: 0 up to date, 1 to build.
    0
    """
    parser = argparse.ArgumentParser(prog="cxlab", description="cxlab: public-sector CX workbench")
    commands = parser.add_subparsers(dest="command", required=True)
    for add in COMMANDS:
        add(commands)
    args = parser.parse_args(argv)
    console = Console(highlight=False, soft_wrap=True)
    from cxlab.build.catalog import CatalogError
    from cxlab.errors import DataError

    try:
        return args.run(args, console)
    except (CatalogError, DataError, KeyError) as err:
        console.print(f"cxlab {args.command}: {err}", markup=False)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
