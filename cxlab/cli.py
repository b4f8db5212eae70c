"""The ``cxlab`` command: ``cxlab build``, ``cxlab list``, ``cxlab datasets``."""

from __future__ import annotations

import argparse
import fnmatch
import sys
from pathlib import Path

from rich.console import Console

__all__ = ["main"]


def _select(pattern: str | None):
    from cxlab.catalog import read_catalog

    instances = read_catalog()
    if pattern:
        instances = [i for i in instances if fnmatch.fnmatch(i.name, pattern)]
    return instances


def _build(args: argparse.Namespace, console: Console) -> int:
    from cxlab.build import REPORTS, build

    instances = _select(args.only)
    if not instances:
        console.print(f"No report matches {args.only!r}.")
        return 2
    out_dir = Path(args.out) if args.out else REPORTS
    console.print(f"Building {len(instances)} report(s) into {out_dir} ...")
    outcomes = build(instances, out_dir)
    failed = [o for o in outcomes if o.status == "failed"]
    for o in outcomes:
        mark = "[green]built[/]" if o.status == "built" else "[red]FAILED[/]"
        console.print(f"  {mark} {o.name} ({o.seconds:.1f} s)")
    console.print(f"Built {len(outcomes) - len(failed)}, failed {len(failed)}. Index: {out_dir / 'index.html'}")
    for o in failed:
        where = f"cell {o.cell}" if o.cell is not None else "before any cell ran"
        console.print(f"[red]{o.name}[/] failed at {where}: {o.error}", markup=True)
    return 1 if failed else 0


def _list(args: argparse.Namespace, console: Console) -> int:
    for inst in _select(args.only):
        console.print(f"{inst.name}\t{inst.notebook.name}\t{inst.parameters}", markup=False)
    return 0


def _datasets(args: argparse.Namespace, console: Console) -> int:
    from cxlab.registry import datasets

    console.print(datasets().to_string(index=False), markup=False)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the ``cxlab`` command line; returns the exit code.

    Examples
    --------
    >>> main(["list", "--only", "forrester-*-2020"])  # doctest: +ELLIPSIS +NORMALIZE_WHITESPACE
    forrester-federal-vs-private-2015-2020 sector_gap.ipynb {'index': 'Forrester CX Index', ...}
    0
    """
    parser = argparse.ArgumentParser(prog="cxlab", description="cxlab: public-sector CX workbench")
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="run the catalog's notebooks and write HTML reports")
    build.add_argument("--only", help="build only reports whose name matches this glob pattern")
    build.add_argument("--out", help="output folder (default: reports/)")
    build.set_defaults(run=_build)
    listing = commands.add_parser("list", help="list the report instances of the catalog")
    listing.add_argument("--only", help="glob pattern on report names")
    listing.set_defaults(run=_list)
    commands.add_parser("datasets", help="list the registered data sets").set_defaults(run=_datasets)
    args = parser.parse_args(argv)
    console = Console(highlight=False, soft_wrap=True)
    from cxlab.catalog import CatalogError
    from cxlab.errors import DataError

    try:
        return args.run(args, console)
    except (CatalogError, DataError, KeyError) as err:
        console.print(f"cxlab {args.command}: {err}", markup=False)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
