"""The glossary at the end of every report: each technical term it uses, in one plain sentence.

The analyses need not know about it: when a report is exported, :func:`add_glossary` scans the
text of the page for the terms of :data:`TERMS`, links the first use of each to its entry, and
appends a glossary of exactly the terms found. Headings, links, code and the glossary itself are
never linked; a term inside a figure (an image) is explained where the text around it uses it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

__all__ = ["Term", "TERMS", "terms_in", "add_glossary"]


@dataclass(frozen=True)
class Term:
    """A term: its anchor ``key``, the ``name`` the glossary lists, the ``pattern`` of its uses, its meaning."""

    key: str
    name: str
    pattern: str
    meaning: str


_APOSTROPHE = r"(?:'|&#x27;|&#39;|’)"
_DASH = r"(?:-|–|&#8211;)"

#: Every term a report may use, with the words that count as a use of it.
TERMS: tuple[Term, ...] = (
    Term("ci", "95% confidence interval (95% CI)", r"(?<!\()\b95% (?:CI|confidence interval|interval)s?\b",
         "The range that would contain the true value in 95 of 100 repeats of the survey; the narrower it is, "
         "the more precise the estimate."),
    Term("fdr", "False discovery rate (Benjamini-Hochberg)",
         rf"\b(?:false discovery rate|Benjamini{_DASH}Hochberg|FDR)\b",
         "When many differences are tested at once, the Benjamini-Hochberg procedure keeps the share of "
         "differences called real that are only chance at 5%."),
    Term("mmd", "Minimum meaningful difference",
         r"\b(?:minimum meaningful difference|minimum difference)\b",
         "The smallest difference (1 point on the 0-100 scale unless stated) that the report calls a rise, a "
         "fall, above or below; a smaller one is no meaningful change even when it is statistically clear."),
    Term("welch-anova", "Welch's ANOVA", rf"\bWelch(?:{_APOSTROPHE}s)? ANOVA\b",
         "A test of whether the averages of several groups differ more than chance would explain, without "
         "assuming that every group varies as much as the others."),
    Term("welch", "Welch's test", rf"\bWelch(?!(?:{_APOSTROPHE}s)? ANOVA)(?:{_APOSTROPHE}s)?\b",
         "A comparison of two averages that does not assume both groups vary equally; it gives the difference "
         "with its interval and a p-value."),
    Term("games-howell", "Games-Howell test", rf"\bGames{_DASH}Howell\b",
         "A comparison of every pair of groups after Welch's ANOVA, adjusted for the number of pairs compared."),
    Term("hedges-g", "Hedges' g", rf"\bHedges{_APOSTROPHE}? g\b",
         "The size of a difference in standard deviations: about 0.2 is small, 0.5 medium and 0.8 large."),
    Term("eta-squared", "Eta squared", r"\beta squared\b",
         "The share of the variation in ratings that the groups account for, from 0 (none) to 1 (all)."),
    Term("p-value", "p-value", r"\bp-values?\b",
         "How often a difference at least this large would arise by chance if there were no difference at all; "
         "small values (under 0.05) make chance an unlikely explanation."),
    Term("theil-sen", "Theil-Sen estimator", rf"\bTheil{_DASH}Sen\b",
         "A trend taken as the median of the slopes between every pair of points, so one unusual year cannot "
         "pull it."),
    Term("relative-weights", "Relative weights", r"\brelative weights\b",
         "A way to split the variation in an outcome that several items explain together into each item's "
         "share, even when the items go together."),
    Term("derived-importance", "Derived importance", r"\b[Dd]erived importance\b",
         "How strongly an item goes with the outcome in the data (its share of the explained variation), worked "
         "out from the ratings rather than asked; it shows association, not cause."),
    Term("stated-importance", "Stated importance", r"\b[Ss]tated importance\b",
         "How often respondents name an item as important when asked directly."),
    Term("quadrant", "Importance-performance quadrant", r"\bquadrant\b",
         "A chart that places each item by how strongly it goes with the outcome and how well it is rated, cut "
         "at the average of the items on each axis."),
    Term("r-squared", "R²", r"R²",
         "The share of the variation in the outcome that the items explain together, from 0 to 1."),
    Term("pearson", "Pearson correlation (r)", rf"\bPearson(?:{_APOSTROPHE}s)?\b",
         "How closely two measures follow a straight line together, from -1 to 1: near 1, one is high where "
         "the other is high; near -1, one is high where the other is low; near 0, no straight-line link."),
    Term("spearman", "Spearman correlation (rho)", r"\bSpearman\b",
         "A correlation of ranks, from -1 to 1: how closely two measures rise and fall together in order, "
         "whether or not along a straight line."),
    Term("fisher-z", "Fisher-z interval", rf"\bFisher(?:{_DASH}| )z\b",
         "The usual 95% interval of a correlation: worked out on a stretched scale (Fisher's z) and turned "
         "back, so it stays between -1 and 1; the fewer the units, the wider it is."),
    Term("bootstrap", "Bootstrap interval", r"\bbootstrap\b",
         "An interval found by repeating the estimate on many resamples of the data (respondents, departments "
         "or services, as the report says), drawn with replacement, and keeping the middle 95% of the results."),
    Term("leave-one-out", "Leave-one-out check", r"\b[Ll]eave-one-out\b",
         "The estimate repeated with each unit left out in turn, to see whether a single unit alone decides "
         "what the result says."),
    Term("cronbach", "Cronbach's alpha", rf"\bCronbach{_APOSTROPHE}s alpha\b",
         "How consistently a set of items measures one thing, from 0 to 1; 0.7 or more is usually called "
         "reliable."),
    Term("feldt", "Feldt interval", r"\bFeldt\b", "The usual 95% interval of Cronbach's alpha."),
    Term("wilson", "Wilson interval", r"\bWilson\b",
         "A 95% interval for a share that stays between 0% and 100%, even for small groups."),
    Term("newcombe", "Newcombe interval", r"\bNewcombe\b",
         "A 95% interval for the difference between two shares, built from their Wilson intervals."),
    Term("fisher", "Fisher's exact test", rf"\bFisher{_APOSTROPHE}s exact test\b",
         "A test of whether two shares differ more than chance would explain, exact even for small counts."),
    Term("top-two-box", "Top-two-box share", r"\b[Tt]op-(?:two|2)-box\b",
         "The percentage of respondents who chose one of the two best answers on the scale."),
    Term("nps", "Net promoter score (NPS)", r"\b(?:[Nn]et promoter score|NPS)\b",
         "The percentage of respondents answering 9 or 10 on a 0-10 likelihood to recommend, minus the "
         "percentage answering 0 to 6."),
    Term("logit", "Logit scale", r"\blogit scale\b",
         "Intervals built on the logit scale are computed on a stretched version of the 0-100 scale and turned "
         "back, so they never reach below 0 or above 100."),
    Term("kish", "Kish's effective sample size", rf"\bKish{_APOSTROPHE}s effective sample size\b",
         "The number of unweighted respondents that would give the same precision as the weighted ones."),
    Term("suppressed", "Suppressed cell", r"\bsuppressed\b",
         "A figure left out because fewer respondents than the minimum (10 unless stated) gave it, to protect "
         "privacy and because so few answers are imprecise."),
    Term("derived-value", "Derived value", r"\bderived (?:value|from other published figures)s?\b",
         "A published point computed from a stated change or gap, not read directly from the source."),
    Term("fiscal-year", "Federal fiscal year (FY)", r"\bfiscal years?\b",
         "The US federal fiscal year runs from October to September and is named after the year it ends in."),
    Term("vader", "VADER tone", r"\bVADER\b",
         "A general-purpose list of words scored as positive or negative, used to read the tone of a text; it "
         "is not a measure of satisfaction."),
    Term("themes", "Themes (TF-IDF and NMF)", r"\b(?:TF-IDF|NMF)\b",
         "Themes group texts that use similar words: TF-IDF weighs the words that set a text apart, and NMF "
         "splits the texts into a few groups of words used together."),
    Term("stability", "Stability of the themes", r"\b(?:adjusted Rand index|stability)\b",
         "How far repeated runs of the theme model on resampled texts group the same texts together, from 0 "
         "(no better than chance) to 1 (always the same)."),
)

_FIND = re.compile("|".join(f"(?P<t{k}>{term.pattern})" for k, term in enumerate(TERMS)))
#: Elements whose text is never linked (a link inside a heading or a link is not allowed or not wanted).
_SKIP = {"a", "h1", "h2", "h3", "h4", "h5", "h6", "code", "pre", "summary", "script", "style", "title", "option"}
_TAG = re.compile(r"(<[^>]*>)")
_NAME = re.compile(r"^</?\s*([a-zA-Z0-9]+)")


def _matches(text: str) -> list[tuple[int, int, Term]]:
    return [(m.start(), m.end(), TERMS[int(m.lastgroup[1:])]) for m in _FIND.finditer(text)]


def terms_in(text: str) -> list[Term]:
    """The terms a text uses, in the order of :data:`TERMS`.

    Examples
    --------
    >>> [t.key for t in terms_in("Welch's ANOVA, then Games-Howell; Hedges&#x27; g 0.34.")]
    ['welch-anova', 'games-howell', 'hedges-g']
    >>> [t.key for t in terms_in("Gap of 8 points (95% CI 6.1 to 9.9).")]
    []
    >>> [t.key for t in terms_in("Welch's ANOVA only")], [t.key for t in terms_in("a Welch difference")]
    (['welch-anova'], ['welch'])
    """
    found = {term.key for _, _, term in _matches(text)}
    return [term for term in TERMS if term.key in found]


def _section(used: list[Term]) -> str:
    entries = "".join(f'<dt id="term-{t.key}">{escape(t.name)}</dt><dd>{escape(t.meaning)}</dd>'
                      for t in sorted(used, key=lambda t: t.name.lower()))
    return (f'<section class="glossary" aria-labelledby="glossary"><h2 id="glossary">Glossary</h2>'
            f"<p>The technical terms this report uses; each is linked where it first appears.</p>"
            f"<dl>{entries}</dl></section>")


def add_glossary(page: str) -> str:
    """Link the first use of each term in the page's ``<main>`` to a glossary appended at its end.

    A page that uses no term is returned as it is. Only text between tags is changed, never an
    attribute (alt text stays whole).

    Examples
    --------
    >>> page = ("<main><h2>Welch</h2><p>A Welch difference; Welch again. FDR held.</p>"
    ...         '<img alt="Welch"></main>')
    >>> linked = add_glossary(page)
    >>> print(linked[:linked.index("<section")])  # doctest: +NORMALIZE_WHITESPACE
    <main><h2>Welch</h2><p>A <a class="term" href="#term-welch">Welch</a> difference; Welch again.
    <a class="term" href="#term-fdr">FDR</a> held.</p><img alt="Welch">
    >>> '<dt id="term-fdr">' in linked and linked.endswith("</dl></section></main>")
    True
    >>> add_glossary("<main><p>No terms here.</p></main>")
    '<main><p>No terms here.</p></main>'
    """
    start, end = page.find("<main"), page.rfind("</main>")
    if start < 0 or end < 0:
        return page
    parts, skipped, linked = _TAG.split(page[start:end]), [], {}
    for k, part in enumerate(parts):
        if part.startswith("<"):
            name = _NAME.match(part)
            tag = name.group(1).lower() if name else ""
            if tag in _SKIP and not part.endswith("/>"):
                if part.startswith("</"):
                    if tag in skipped:
                        skipped.remove(tag)
                else:
                    skipped.append(tag)
            continue
        if skipped or not part.strip():  # most parts are the white space between tags
            continue
        pieces, last = [], 0
        for begin, finish, term in _matches(part):
            if term.key in linked:
                continue
            linked[term.key] = term
            pieces += [part[last:begin], f'<a class="term" href="#term-{term.key}">{part[begin:finish]}</a>']
            last = finish
        parts[k] = "".join(pieces) + part[last:]
    if not linked:
        return page
    return page[:start] + "".join(parts) + _section(list(linked.values())) + page[end:]
