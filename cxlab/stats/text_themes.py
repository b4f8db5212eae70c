"""Themes in free text: TF-IDF and NMF from scikit-learn, the number of themes chosen by stability.

Text is scrubbed before it gets here (:mod:`cxlab.data.scrub`). Before words are counted, each text is
lower-cased and stripped of scrub tags, of a publisher's redactions (``XXXX``, ``XX/XX/XXXX``),
of amounts (``{$1200.00}``) and of digits, so none of these can become a theme word
(:func:`prepare`). The terms (:func:`terms`) are the words of three letters or more that are not
English stop words (scikit-learn's list), and the two-word phrases of such words that stand next
to each other in the text (not across a stop word, a removed piece or punctuation, so
"victim of identity theft" gives *identity theft* but not *victim identity*). Terms are counted
into about a million hashed columns (scikit-learn's HashingVectorizer: no vocabulary to build, so
time and memory grow only with the text); columns in more than half the comments or in fewer than
``min(5, n / 100)`` of them are dropped, the 20,000 in most comments are kept, and they are weighted
by TF-IDF (sublinear term frequency). A theme's top terms are named from a seeded sample of 5,000
comments (all of them when there are fewer).

**Number of themes** (:func:`theme_stability`). Each candidate number of themes k (3 to 10, and
at most one theme per :data:`MIN_PER_THEME` comments) is fitted :data:`RUNS` times with NMF, each
run on its own random 80% of the comments, started from NNDSVDar (a start computed from the data,
its zeros filled with small random values; run r uses seed r for the sample and the start;
tolerance 1e-3); each run then gives every comment the theme that carries most of its weight.
The stability of k is the mean adjusted Rand index between the groupings of every two runs: 1
when all runs group the comments alike, about 0 when they agree no more than chance. The most stable k is chosen; a
smaller k wins when it is within :data:`TIE` of the best. Above :data:`MAX_STABILITY_COMMENTS`
comments the runs use a seeded random sample of that many.

**Themes** (:func:`themes`). The final model is fitted on all comments with the chosen k, a fixed
seed and NNDSVDa start: NMF up to :data:`LARGE` comments, MiniBatchNMF above it (the same model
fitted in mini-batches, so that the fit on 200,000 comments takes seconds). Each comment gets the theme that
carries most of its NMF weight. Themes are numbered by size (1 = most comments; ties by label)
and named by their top terms. The same input gives the same themes: every fit is seeded and runs
on one BLAS thread, so the result does not depend on how many cores a machine has (and small
fits are faster than with threads contending for a busy machine).

**Excerpts** (:func:`theme_excerpts`): the comments with the largest share of their weight on the
theme (ties by id), each cut to at most :data:`EXCERPT_WORDS` words from the sentence that holds
most of the theme's top terms.

Examples
--------
>>> import pandas as pd
>>> texts = ["The website login failed again", "Website password reset failed",
...          "Login page error on the website", "Waited on hold for hours by phone",
...          "Phone hold time was hours", "Long hold on the phone line"]
>>> found = themes(pd.DataFrame({"comment_id": range(6), "text": texts}), n_themes=2)
>>> found[["comment_id", "theme"]].T.to_numpy().tolist()
[[0, 1, 2, 3, 4, 5], [2, 2, 2, 1, 1, 1]]
"""

from __future__ import annotations

import functools
import itertools
import re
import warnings
from collections import Counter
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.decomposition import NMF, MiniBatchNMF
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction import FeatureHasher
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, HashingVectorizer, TfidfTransformer
from sklearn.metrics import adjusted_rand_score
from threadpoolctl import threadpool_limits

from cxlab.data.scrub import REDACTION, TAG_PATTERN

__all__ = [
    "CANDIDATES",
    "EXCERPT_WORDS",
    "LARGE",
    "MAX_STABILITY_COMMENTS",
    "MIN_PER_THEME",
    "RUNS",
    "TIE",
    "prepare",
    "terms",
    "theme_excerpts",
    "theme_stability",
    "themes",
]

#: The numbers of themes tried.
CANDIDATES = range(3, 11)
#: A number of themes k is tried only with at least ``k * MIN_PER_THEME`` comments.
MIN_PER_THEME = 20
#: NMF runs per candidate number of themes.
RUNS = 5
#: A smaller number of themes is chosen when its stability is within this of the best.
TIE = 0.01
#: The stability runs use a seeded sample of at most this many comments.
MAX_STABILITY_COMMENTS = 5_000
#: Above this many comments the final model is fitted with MiniBatchNMF.
LARGE = 20_000
#: An excerpt has at most this many words.
EXCERPT_WORDS = 40

_TOP = 10
_HASHED = 2**20
_MAX_TERMS = 20_000
_NAME_SAMPLE = 5_000
_NOISE = re.compile("|".join([TAG_PATTERN, REDACTION.replace("(?i)", ""), r"\{\$[^}]*\}", r"\d+"]), re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_WORDS = re.compile(r"[a-z]+(?:'[a-z]+)?|[^a-z\s]")


def prepare(text: str) -> str:
    """A text as the vectorizer reads it: lower case; tags, redactions, amounts and digits become ``.``.

    Examples
    --------
    >>> prepare("On XX/XX/XXXX XXXX charged {$25.00}; mail [email removed] 2 times")
    'on . . charged .; mail . . times'
    """
    return _NOISE.sub(".", text).lower()


def terms(text: str) -> list[str]:
    """The terms of one text: its content words, then its two-word phrases of adjacent content words.

    A content word has three letters or more and is not an English stop word; a phrase never spans
    a stop word, punctuation or a removed piece (:func:`prepare`).

    Examples
    --------
    >>> terms("I am a victim of identity theft. Theft reported; XXXX police report filed")
    ['victim', 'identity', 'theft', 'theft', 'reported', 'police', 'report', 'filed', 'identity theft', 'theft reported', 'police report', 'report filed']
    """
    tokens = _WORDS.findall(prepare(text))
    content = [len(t) >= 3 and t[0].isalpha() and t not in ENGLISH_STOP_WORDS for t in tokens]
    words = [t for t, keep in zip(tokens, content) if keep]
    pairs = [f"{a} {b}" for a, b, keep_a, keep_b in zip(tokens, tokens[1:], content, content[1:]) if keep_a and keep_b]
    return words + pairs


def _term_matrix(texts: pd.Series) -> tuple[sparse.csr_matrix, np.ndarray]:
    """TF-IDF of the comments' terms, and the hashed column behind each of its columns.

    Terms are counted into :data:`_HASHED` hashed columns (no vocabulary is built, so memory stays
    flat however many comments there are); columns in fewer than ``min(5, n / 100)`` comments or in
    more than half of them are dropped, and of the rest the :data:`_MAX_TERMS` in most comments kept.
    The last result is kept: choosing the number of themes and then fitting them read the same
    comments. Nothing changes the matrix it returns (scikit-learn's fits only read it).
    """
    return _term_matrix_of(tuple(texts))


@functools.lru_cache(maxsize=1)
def _term_matrix_of(texts: tuple[str, ...]) -> tuple[sparse.csr_matrix, np.ndarray]:
    counts = HashingVectorizer(analyzer=terms, n_features=_HASHED, alternate_sign=False, norm=None,
                               dtype=np.float32).transform(texts)
    n = counts.shape[0]
    df = np.bincount(counts.indices, minlength=_HASHED)
    kept = np.flatnonzero((df >= max(1, min(5, n // 100))) & (df <= 0.5 * n))
    kept = np.sort(kept[np.lexsort((kept, -df[kept]))][:_MAX_TERMS])
    return TfidfTransformer(sublinear_tf=True).fit_transform(counts[:, kept]), kept


def _names(texts: pd.Series, columns: np.ndarray) -> np.ndarray:
    """The term behind each hashed column: the commonest term hashed there in a seeded sample.

    The sample holds every comment up to :data:`_NAME_SAMPLE`, so small inputs get exact names; a
    column no sampled term falls in (a rare term, never a top term) is named ``(rare term)``.
    """
    sample = texts if len(texts) <= _NAME_SAMPLE else texts.sample(_NAME_SAMPLE, random_state=0)
    counted = Counter(t for text in sample for t in terms(text))
    vocabulary = sorted(counted)
    hashed = FeatureHasher(_HASHED, input_type="string", alternate_sign=False).transform([[t] for t in vocabulary])
    named: dict[int, str] = {}
    for term, column in zip(vocabulary, hashed.indices):
        if counted[term] > counted.get(named.get(column, ""), 0):
            named[column] = term
    return np.array([named.get(c, "(rare term)") for c in columns], dtype=object)


def _texts(data: pd.DataFrame, text: str) -> pd.Series:
    """The non-empty texts of ``data``, with their index."""
    texts = data[text].fillna("").astype(str)
    return texts[texts.str.strip() != ""]


def _top_terms(components: np.ndarray, names: np.ndarray, count: int = _TOP) -> list[list[str]]:
    """The ``count`` heaviest terms of each theme, weight above 0 (ties in alphabetical order)."""
    ordered = names.astype(str)
    return [[names[i] for i in np.lexsort((ordered, -row))[:count] if row[i] > 0] for row in components]


def theme_stability(data: pd.DataFrame, *, text: str = "text", candidates: Sequence[int] = CANDIDATES,
                    runs: int = RUNS) -> pd.DataFrame:
    """How stable the themes are for each candidate number of themes, and which one is chosen.

    The rule is in the module notes: NMF runs on random 80% subsamples (NNDSVDar starts), each
    grouping every comment by its heaviest theme; stability is the mean adjusted Rand index
    between the groupings of every two runs; the most stable k wins, a smaller k when within
    :data:`TIE`.

    Parameters
    ----------
    data : DataFrame
        Rows with a text column (empty texts are left out).
    text : str
        The text column.
    candidates : sequence of int
        Numbers of themes to try; those above ``comments / MIN_PER_THEME`` are not tried.
    runs : int
        Runs per candidate.

    Returns
    -------
    DataFrame
        One row per number of themes tried: ``n_themes``, ``stability`` (mean adjusted Rand
        index, at most 1), ``runs``, ``comments`` (grouped by every run) and ``chosen`` (True
        for one row).

    Raises
    ------
    ValueError
        When there are too few comments for any candidate.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> topics = [["password", "login", "website", "error", "account"],
    ...           ["hold", "phone", "hours", "waited", "line"],
    ...           ["refund", "payment", "money", "check", "fee"]]
    >>> texts = [" ".join(rng.choice(topics[i % 3], 6)) for i in range(90)]
    >>> table = theme_stability(pd.DataFrame({"text": texts}), candidates=[2, 3, 4])
    >>> table[["n_themes", "chosen"]].to_dict("list")
    {'n_themes': [2, 3, 4], 'chosen': [False, True, False]}
    """
    texts = _texts(data, text)
    tried = [k for k in candidates if k * MIN_PER_THEME <= len(texts)]
    if not tried:
        raise ValueError(f"{len(texts)} comments are too few to choose a number of themes: at least "
                         f"{min(candidates) * MIN_PER_THEME} are needed")
    if len(texts) > MAX_STABILITY_COMMENTS:
        texts = texts.sample(MAX_STABILITY_COMMENTS, random_state=0).sort_index()
    matrix = _term_matrix(texts)[0]
    size = int(0.8 * matrix.shape[0])
    samples = [np.sort(np.random.default_rng(run).choice(matrix.shape[0], size, replace=False)) for run in range(runs)]
    rows = []
    with warnings.catch_warnings(), threadpool_limits(1):  # one look at the loaded libraries, not one per fit
        warnings.simplefilter("ignore", ConvergenceWarning)
        for k in tried:
            groupings = [NMF(k, init="nndsvdar", random_state=run, max_iter=300, tol=1e-3).fit(matrix[chosen])
                         .transform(matrix).argmax(axis=1) for run, chosen in enumerate(samples)]
            agreement = [adjusted_rand_score(a, b) for a, b in itertools.combinations(groupings, 2)]
            rows.append({"n_themes": k, "stability": float(np.mean(agreement)), "runs": runs,
                         "comments": matrix.shape[0]})
    table = pd.DataFrame(rows)
    best = table["stability"].max()
    table["chosen"] = table.index == table.index[table["stability"] >= best - TIE][0]
    return table


def themes(data: pd.DataFrame, *, text: str = "text", id: str = "comment_id", n_themes: int | None = None,
           seed: int = 0, label_terms: int = 3) -> pd.DataFrame:
    """The theme of every comment: TF-IDF and NMF with a fixed seed (see the module notes).

    Parameters
    ----------
    data : DataFrame
        Rows with an id and a text column; rows without text get no theme.
    text, id : str
        The text and id columns.
    n_themes : int, optional
        The number of themes; by default the one :func:`theme_stability` chooses.
    seed : int
        The seed of the final fit.
    label_terms : int
        How many top terms name a theme, in at most 40 characters (a term whose words an
        earlier term already holds is passed over, so ``identity theft`` is not followed by
        ``theft``).

    Returns
    -------
    DataFrame
        One row per row of ``data``, in its order: ``id``, ``theme`` (Int64, 1 = the largest;
        NA without text), ``theme_label`` (its top terms), ``theme_terms`` (the 10 top terms,
        comma-separated), ``theme_weight`` (the share of the comment's NMF weight on its theme,
        0-1). ``attrs``: ``n_themes``, ``method`` (``NMF`` or ``MiniBatchNMF``).

    Examples
    --------
    >>> texts = ["website login failed", "login error on website", "hold on the phone for hours",
    ...          "phone hold hours", ""]
    >>> found = themes(pd.DataFrame({"comment_id": [7, 8, 9, 10, 11], "text": texts}), n_themes=2)
    >>> found["theme"].tolist()
    [2, 2, 1, 1, <NA>]
    >>> found["theme_label"].unique().tolist()
    ['login error, website, failed', 'hold hours, phone', '']
    """
    texts = _texts(data, text)
    if n_themes is None:
        table = theme_stability(data, text=text)
        n_themes = int(table.loc[table["chosen"], "n_themes"].iloc[0])
    matrix, columns = _term_matrix(texts)
    large = len(texts) > LARGE
    model = (MiniBatchNMF(n_themes, init="nndsvda", random_state=seed, batch_size=2048, max_iter=50) if large
             else NMF(n_themes, init="nndsvda", random_state=seed, max_iter=500))
    with warnings.catch_warnings(), threadpool_limits(1):
        warnings.simplefilter("ignore", ConvergenceWarning)
        weights = model.fit_transform(matrix)
    totals = weights.sum(axis=1)
    best = weights.argmax(axis=1)
    has_theme = totals > 0
    top = _top_terms(model.components_, _names(texts, columns))
    labels = [_label(t, label_terms) for t in top]
    sizes = np.bincount(best[has_theme], minlength=n_themes)
    order = sorted(range(n_themes), key=lambda t: (-sizes[t], labels[t]))
    rank = np.empty(n_themes, int)
    rank[order] = np.arange(1, n_themes + 1)
    out = pd.DataFrame({id: data[id].to_numpy(), "theme": pd.array([pd.NA] * len(data), dtype="Int64"),
                        "theme_label": "", "theme_terms": "", "theme_weight": np.nan}, index=data.index)
    at = texts.index[has_theme]
    chosen = best[has_theme]
    out.loc[at, "theme"] = rank[chosen]
    out.loc[at, "theme_label"] = [labels[t] for t in chosen]
    out.loc[at, "theme_terms"] = [", ".join(top[t]) for t in chosen]
    out.loc[at, "theme_weight"] = weights[has_theme, chosen] / totals[has_theme]
    out.attrs.update(n_themes=n_themes, method=type(model).__name__)
    return out.reset_index(drop=True)


def _label(terms: list[str], count: int, width: int = 40) -> str:
    """The first ``count`` terms that add a word not already named, in at most ``width`` characters.

    A phrase takes the place of its words named alone before it (``fargo, wells`` becomes
    ``wells fargo``; ``theft, identity theft`` becomes ``identity theft``).

    Examples
    --------
    >>> _label(["identity theft", "theft", "identity", "victim", "police report", "report"], 3)
    'identity theft, victim, police report'
    >>> _label(["mistakes appear", "report understanding", "credit report"], 3)
    'mistakes appear, report understanding'
    >>> _label(["fargo", "wells", "mother", "wells fargo", "house"], 3)
    'wells fargo, mother, house'
    >>> _label(["theft", "identity theft", "victim", "report"], 3)
    'identity theft, victim, report'
    """
    chosen: list[str] = []
    for term in terms:
        words = term.split()
        alone = [c for c in chosen if c in words]
        elsewhere = {w for c in chosen if c not in alone for w in c.split()}
        if len(words) > 1 and alone and not set(words) & elsewhere:
            at = chosen.index(alone[0])
            chosen = [c for c in chosen if c not in alone]
            chosen.insert(at, term)
            continue
        named = {w for c in chosen for w in c.split()}
        if set(words) <= named or len(chosen) == count or (chosen and len(", ".join([*chosen, term])) > width):
            continue
        chosen.append(term)
    return ", ".join(chosen)


def theme_excerpts(assigned: pd.DataFrame, data: pd.DataFrame, *, text: str = "text", id: str = "comment_id",
                   per_theme: int = 3, min_n: int = 10) -> pd.DataFrame:
    """Two or three short, representative excerpts of each theme, chosen reproducibly.

    Parameters
    ----------
    assigned : DataFrame
        The output of :func:`themes`.
    data : DataFrame
        The comments (the same ``id`` and ``text`` columns :func:`themes` read).
    per_theme : int
        Excerpts per theme.
    min_n : int
        Themes with fewer comments get no excerpt (they are not shown at all).

    Returns
    -------
    DataFrame
        ``theme``, ``theme_label``, ``rank`` (1 = the most typical), ``id``, ``excerpt`` (at most
        :data:`EXCERPT_WORDS` words; ``…`` marks a cut). The same text is never shown twice.

    Examples
    --------
    >>> data = pd.DataFrame({"comment_id": [1, 2, 3], "text": ["Fine. The website login failed twice.",
    ...                      "Website login failed. Thanks.", "Login failed on the website."]})
    >>> assigned = pd.DataFrame({"comment_id": [1, 2, 3], "theme": [1, 1, 1], "theme_label": "login",
    ...                          "theme_terms": "login, website, failed", "theme_weight": [0.9, 0.9, 0.5]})
    >>> theme_excerpts(assigned, data, min_n=1)[["id", "excerpt"]].to_dict("list")
    {'id': [1, 2, 3], 'excerpt': ['The website login failed twice.', 'Website login failed. Thanks.', 'Login failed on the website.']}
    """
    joined = assigned.dropna(subset=["theme"]).merge(data[[id, text]], on=id, how="left")
    sizes = joined["theme"].value_counts()
    joined = joined[joined["theme"].map(sizes) >= min_n]
    joined = joined.sort_values(["theme", "theme_weight", id], ascending=[True, False, True], kind="stable")
    rows = []
    for theme, group in joined.groupby("theme", sort=True):
        shown: list[str] = []
        for row in group.itertuples(index=False):
            excerpt = _excerpt(getattr(row, text), row.theme_terms.split(", "))
            if excerpt not in shown:
                shown.append(excerpt)
                rows.append({"theme": theme, "theme_label": row.theme_label, "rank": len(shown),
                             "id": getattr(row, id), "excerpt": excerpt})
            if len(shown) == per_theme:
                break
    return pd.DataFrame(rows, columns=["theme", "theme_label", "rank", "id", "excerpt"])


def _excerpt(text: str, terms: list[str], words: int = EXCERPT_WORDS) -> str:
    """At most ``words`` words from the sentence with most of ``terms`` (the first on a tie).

    Examples
    --------
    >>> _excerpt("I called. The fee was charged twice and the fee stayed. Bye.", ["fee", "charged"], words=6)
    'The fee was charged twice and…'
    """
    sentences = [s for s in _SENTENCE.split(" ".join(text.split())) if s]
    prepared = [prepare(s) for s in sentences]
    hits = [sum(p.count(term) for term in terms) for p in prepared]
    start = int(np.argmax(hits))
    chosen = " ".join(sentences[start:]).split()
    return " ".join(chosen) if len(chosen) <= words else " ".join(chosen[:words]) + "…"
