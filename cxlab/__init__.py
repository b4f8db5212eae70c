"""cxlab: a research workbench for public-sector customer experience (CX).

Load real public data in one line, then compare, trend and explain satisfaction scores:

>>> import cxlab
>>> cxlab.datasets()["name"].tolist()
['a11_hisp', 'a11_respondents_synthetic', 'cfpb_complaints', 'cx_benchmarks', 'fevs_engagement', 'industry_survey', 'sandiego_2015']
>>> scores = cxlab.load("cx_benchmarks")
>>> a11 = cxlab.load("a11_hisp")
>>> sat = cxlab.summarize_counts(a11[a11["driver"] == "satisfaction"],
...                              counts=[f"count_{k}" for k in range(1, 6)], by=["fiscal_year"])
>>> sat[["fiscal_year", "n", "mean", "ci_low", "ci_high"]].round(1).head(1)
   fiscal_year        n  mean  ci_low  ci_high
0         2021  3927357  83.2    83.2     83.3
"""

from importlib import import_module as _import_module
from importlib import metadata as _metadata

from cxlab.errors import DataError, Problem

try:
    __version__ = _metadata.version("cxlab")
except _metadata.PackageNotFoundError:  # pragma: no cover - a source tree without install
    __version__ = "0+unknown"

#: Where each public function lives. They are imported on first use, so that ``cxlab build``
#: and ``cxlab list`` start without loading pandas, scipy and pandera when nothing needs them.
_HOMES = {
    **dict.fromkeys(["adjust_fdr", "gap_change", "gaps", "games_howell", "mann_whitney", "trend",
                     "welch_anova"], "cxlab.stats.compare"),
    **dict.fromkeys(["cronbach_alpha", "importance", "quadrant"], "cxlab.stats.drivers"),
    **dict.fromkeys(["dictionary", "excluded", "load"], "cxlab.data.loaders"),
    "datasets": "cxlab.data.registry",
    **dict.fromkeys(["nps", "rescale", "summarize", "summarize_counts", "summarize_points", "top_box"],
                    "cxlab.stats.summary"),
    **dict.fromkeys(["category_shares", "flag_shares", "share_difference"], "cxlab.stats.shares"),
    "sentiment_shares": "cxlab.stats.sentiment",
    **dict.fromkeys(["theme_outcomes", "theme_shares"], "cxlab.stats.text_outcomes"),
    **dict.fromkeys(["theme_excerpts", "theme_stability", "themes"], "cxlab.stats.text_themes"),
}

__all__ = [
    "DataError",
    "Problem",
    "__version__",
    "adjust_fdr",
    "category_shares",
    "cronbach_alpha",
    "datasets",
    "dictionary",
    "excluded",
    "flag_shares",
    "gap_change",
    "gaps",
    "games_howell",
    "importance",
    "load",
    "mann_whitney",
    "nps",
    "quadrant",
    "rescale",
    "sentiment_shares",
    "share_difference",
    "summarize",
    "summarize_counts",
    "summarize_points",
    "theme_excerpts",
    "theme_outcomes",
    "theme_shares",
    "theme_stability",
    "themes",
    "top_box",
    "trend",
    "welch_anova",
]


def __getattr__(name: str) -> object:
    if name not in _HOMES:
        raise AttributeError(f"module 'cxlab' has no attribute {name!r}")
    value = getattr(_import_module(_HOMES[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOMES))

