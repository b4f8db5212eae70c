"""The ``cxlab`` command: ``build``, ``list``, ``clean``, ``datasets``.

Each command is added to the parser by a function of its own (``_add_build`` ...), which also
sets the function that runs it; a new command is one more such function in ``COMMANDS``.

Everything but the standard library is imported inside :func:`main`, so Ctrl-C from the first
moment ends with a message and exit code 130, never a traceback.
"""

from __future__ import annotations

import argparse
import fnmatch
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["main"]

def _matches(name: str, patterns: list[str] | None) -> bool:
    return not patterns or any(fnmatch.fnmatch(name, p) for p in patterns)


def _catalog_path(args: argparse.Namespace) -> Path:
    from cxlab.build.catalog import CATALOG

    return Path(args.catalog).resolve() if args.catalog else CATALOG


def _select(args: argparse.Namespace, on_check: Callable[[], object] | None = None) -> tuple[list, list, list]:
    """The catalog's reports, those matching ``--only``, and the blocked entries matching it.

    ``on_check`` is called before the catalog is checked again (see ``Stamps.catalog``).
    """
    from cxlab.build.uptodate import Stamps

    catalog = Stamps(_out(args)).catalog(_catalog_path(args), on_check=on_check)
    patterns = getattr(args, "only", None)
    return (catalog.instances, [i for i in catalog.instances if _matches(i.name, patterns)],
            [b for b in catalog.blocked if _matches(b.name, patterns)])


def _out(args: argparse.Namespace) -> Path:
    from cxlab.build.batch import REPORTS

    return Path(args.out) if args.out else REPORTS


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _blocked_outcomes(blocked: list) -> list:
    from cxlab.build.outputs import Outcome

    return [Outcome(b.name, "blocked", 0.0, error=b.reason) for b in blocked]


def _nothing_selected(args: argparse.Namespace, console: Console) -> int:
    wanted = f"matches {' or '.join(args.only)}" if getattr(args, "only", None) else "is in the catalog"
    console.print(f"No report {wanted}.", markup=False)
    return 2


def _dry_run(instances: list, blocked: list, out_dir: Path, force: bool, console: Console) -> int:
    from cxlab.build.batch import plan
    from cxlab.build.progress import problems

    todo = [s for s in plan(instances, out_dir, force=force) if not s.up_to_date]
    for status in todo:
        console.print(f"would build {status.instance.name}: {', '.join(status.reasons)}", markup=False)
    console.print(f"{len(instances) - len(todo)} up to date, {len(todo)} to build in {out_dir}.", markup=False)
    for line in problems(_blocked_outcomes(blocked)):
        console.print(line)
    return 1 if blocked else 0


class _EarlyPool:
    """Local workers started when the catalog must be checked again, so that their start-up
    (imports: seconds) overlaps the checks (seconds) instead of following them.

    Called by the catalog's read just before its checks; the build closes the pool when done,
    and leaving closes it in any case (at once on an exception).
    """

    def __init__(self, args: argparse.Namespace) -> None:
        self._args, self.pool = args, None

    def __call__(self) -> None:
        from cxlab.build.batch import local_pool
        from cxlab.build.paths import folder_problem

        out_dir = _out(self._args)
        if self._args.dry_run or self._args.scheduler or folder_problem(out_dir) is not None:
            return
        try:
            self.pool = local_pool(out_dir, _catalog_path(self._args).parent.glob("*.ipynb"), self._args.jobs)
        except OSError:  # a folder that cannot hold the build's state: the build will say so
            pass

    def __enter__(self) -> _EarlyPool:
        return self

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        if self.pool is not None:
            self.pool.close(abort=kind is not None)


def _build(args: argparse.Namespace, console: Console) -> int:
    from cxlab.build.batch import build
    from cxlab.build.progress import BuildProgress, problems, summary

    started = time.perf_counter()
    with _EarlyPool(args) as early:
        catalog, instances, blocked = _select(args, on_check=early)
        if not instances and not blocked:
            return _nothing_selected(args, console)
        out_dir = _out(args)
        if args.dry_run:
            return _dry_run(instances, blocked, out_dir, args.force, console)
        with BuildProgress(console) as progress:
            try:
                outcomes = build(instances, out_dir, jobs=args.jobs, force=args.force, scheduler=args.scheduler,
                                 index=catalog, progress=progress, pool=early.pool)
            except KeyboardInterrupt:
                built = sum(o.status == "built" for o in progress.finished_outcomes)
                console.print(f"Interrupted: {built} report(s) built and kept; no report is half-written, "
                              "and the rest build next time.")
                return 130
    outcomes = _blocked_outcomes(blocked) + outcomes
    console.print(summary(outcomes, time.perf_counter() - started), markup=False)
    for line in problems(outcomes):
        console.print(line)
    return 0 if all(o.status in {"built", "up to date"} for o in outcomes) else 1


def _list(args: argparse.Namespace, console: Console) -> int:
    from cxlab.build.batch import plan
    from cxlab.build.progress import problems

    _, instances, blocked = _select(args)
    statuses = plan(instances, _out(args))
    width = max((len(s.instance.name) for s in statuses), default=0)
    for status in statuses:
        state = "up to date" if status.up_to_date else "to build: " + ", ".join(status.reasons)
        console.print(f"{status.instance.name:<{width}}  {status.instance.notebook.name:<20}  {state}", markup=False)
    fresh = sum(s.up_to_date for s in statuses)
    console.print(f"{len(statuses)} reports: {fresh} up to date, {len(statuses) - fresh} to build"
                  + (f", {len(blocked)} blocked." if blocked else "."), markup=False)
    for line in problems(_blocked_outcomes(blocked)):
        console.print(line)
    return 1 if blocked else 0


def _clean(args: argparse.Namespace, console: Console) -> int:
    from cxlab.build.batch import clean_reports
    from cxlab.build.paths import folder_problem

    out_dir = _out(args)
    if (problem := folder_problem(out_dir)) is not None:
        console.print(f"cxlab clean: {problem}", markup=False)
        return 2
    if not out_dir.exists():
        console.print(f"Nothing to clean: {out_dir} does not exist.", markup=False)
        return 0
    removed = clean_reports(out_dir)
    console.print(f"Removed {removed} file(s) cxlab wrote and the build state from {out_dir}; "
                  "files cxlab did not write were left alone.", markup=False)
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
    cleaning = commands.add_parser("clean", help="remove the files cxlab wrote (reports, index) and the build state")
    _where(cleaning)
    cleaning.set_defaults(run=_clean)


def _add_datasets(commands: argparse._SubParsersAction) -> None:
    commands.add_parser("datasets", help="list the registered data sets").set_defaults(run=_datasets)


def _add_data(commands: argparse._SubParsersAction) -> None:
    from cxlab.data.check import add_data_commands

    add_data_commands(commands)


COMMANDS: tuple[Callable[[argparse._SubParsersAction], None], ...] = (_add_build, _add_list, _add_clean, _add_datasets,
                                                                     _add_data)


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
    try:
        return _run(argv)
    except KeyboardInterrupt:
        print("Interrupted: cxlab stopped; no file is half-written.", flush=True)
        sys.stderr.flush()
        # Exit at once with 130: left to the interpreter, an interrupt that came while a module was
        # being imported can still turn the exit code into -2 (killed by SIGINT) after this message.
        # Nothing runs outside the build's own handler that atexit would need to stop.
        os._exit(130)


def _run(argv: list[str] | None) -> int:
    """Parse ``argv`` and run the command; an error cxlab knows becomes a message and exit code 2."""
    from rich.console import Console

    parser = argparse.ArgumentParser(prog="cxlab", description="cxlab: public-sector CX workbench")
    commands = parser.add_subparsers(dest="command", required=True)
    for add in COMMANDS:
        add(commands)
    args = parser.parse_args(argv)
    console = Console(highlight=False, soft_wrap=True)
    from cxlab.build.catalog import CatalogError
    from cxlab.errors import DataError
    from cxlab.build.paths import OutsideError

    try:
        return args.run(args, console)
    except (CatalogError, DataError, OutsideError) as err:
        console.print(f"cxlab {args.command}: {err}", markup=False)
    except KeyError as err:
        console.print(f"cxlab {args.command}: {err.args[0] if err.args else err}", markup=False)
    except OSError as err:
        console.print(f"cxlab {args.command}: {err.filename or ''}: {(err.strerror or str(err)).lower()}",
                      markup=False)
    return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
