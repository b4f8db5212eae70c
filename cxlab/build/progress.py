"""What a build shows on the terminal: a progress bar, a line per report, a closing summary."""

from __future__ import annotations

from collections import Counter

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from cxlab.build.outputs import STATUSES, Outcome
from cxlab.build.uptodate import Status

__all__ = ["BuildProgress", "describe", "summary", "problems"]


def describe(outcome: Outcome) -> str:
    """One report's line (rich markup): built with its time, failed with cell and error, or blocked.

    Examples
    --------
    >>> describe(Outcome("acsi", "failed", 2.0, cell=3, error="ValueError: no data"))
    '  [red]failed[/]  acsi: cell 3: ValueError: no data'
    >>> describe(Outcome("acsi", "built", 2.04))
    '  [green]built[/]   acsi (2.0 s)'
    >>> describe(Outcome("index.html", "blocked", 0.0, error="not written by cxlab"))
    '  [red]blocked[/] index.html: not written by cxlab'
    """
    if outcome.status in {"failed", "blocked", "not built"}:
        where = f"cell {outcome.cell}: " if outcome.cell is not None else ""
        error = f": {where}{escape(outcome.error)}" if outcome.error and outcome.status != "not built" else ""
        return f"  [red]{outcome.status}[/]{' ' * max(1, 8 - len(outcome.status))}{escape(outcome.name)}{error}"
    return f"  [green]built[/]   {escape(outcome.name)} ({outcome.seconds:.1f} s)"


def summary(outcomes: list[Outcome], seconds: float) -> str:
    """The closing line: how many reports were built, up to date, failed (blocked, not built), and the time.

    Examples
    --------
    >>> summary([Outcome("a", "up to date", 0.0), Outcome("b", "up to date", 0.0)], 0.31)
    'All 2 reports are up to date (0.3 s).'
    >>> summary([Outcome("a", "built", 2.0), Outcome("b", "failed", 1.0, 1, "E: x")], 3.0)
    'Built 1, up to date 0, failed 1 in 3.0 s.'
    >>> summary([Outcome("a", "built", 2.0), Outcome("b", "blocked", 0.0, error="bad")], 3.0)
    'Built 1, up to date 0, failed 0, blocked 1 in 3.0 s.'
    """
    counts = {s: sum(o.status == s for o in outcomes) for s in STATUSES}
    if counts["up to date"] == len(outcomes):
        return f"All {len(outcomes)} reports are up to date ({seconds:.1f} s)."
    shown = [f"{status} {count}" for status, count in counts.items() if count or status in STATUSES[:3]]
    return f"{', '.join(shown).capitalize()} in {seconds:.1f} s."


def problems(outcomes: list[Outcome]) -> list[str]:
    """The lines (rich markup) after the summary: every report that failed, was blocked or not built.

    Examples
    --------
    >>> for line in problems([Outcome("a", "built", 1.0), Outcome("b", "not built", 0.0, error="disk full"),
    ...                       Outcome("c", "blocked", 0.0, error="entry 3: no notebook")]):
    ...     print(line)
    Blocked (not run; correct the catalog, the data or the output folder, then build again):
      [red]blocked[/] c: entry 3: no notebook
    The build stopped: disk full. Not built (each keeps its last good page; built next time):
      [red]not built[/] b
    """
    stopped = next((o.error for o in outcomes if o.status == "not built"), None)
    headings = {
        "failed": "Failed (each keeps its last good page):",
        "blocked": "Blocked (not run; correct the catalog, the data or the output folder, then build again):",
        "not built": f"The build stopped: {escape(stopped or '')}. Not built (each keeps its last good page; "
                     "built next time):",
    }
    lines = []
    for status, heading in headings.items():
        listed = [describe(o) for o in outcomes if o.status == status]
        lines += [heading, *listed] if listed else []
    return lines


class BuildProgress:
    """Show a build on ``console``: a live bar while reports run, a line as each one finishes.

    Use it as a context manager around :func:`cxlab.build.batch.build` (``progress=``).
    """

    def __init__(self, console: Console) -> None:
        self.console = console
        self.finished_outcomes: list[Outcome] = []
        self._bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                             MofNCompleteColumn(), TimeElapsedColumn(), console=console, transient=True)
        self._task = self._bar.add_task("building", total=0, start=False)

    def waiting(self, message: str) -> None:
        """Say which build this one waits for."""
        self.console.print(escape(message))

    def planned(self, todo: list[Status], fresh: list[Status]) -> None:
        """Announce the plan, with how many reports each reason makes stale, and start the bar."""
        if not todo:
            return
        reasons = Counter(reason for status in todo for reason in status.reasons)
        why = ", ".join(f"{reason} ({count})" for reason, count in reasons.most_common())
        self.console.print(f"{len(fresh)} up to date; building {len(todo)}: {escape(why)}")
        self._bar.update(self._task, total=len(todo))
        self._bar.start_task(self._task)
        self._bar.start()

    def finished(self, outcome: Outcome) -> None:
        """Print the report's line and move the bar on."""
        self.finished_outcomes.append(outcome)
        self._bar.console.print(describe(outcome))
        self._bar.update(self._task, advance=1, description=f"last: {escape(outcome.name)}")

    def __enter__(self) -> BuildProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        self._bar.stop()
