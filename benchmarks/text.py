"""Themes for 200,000 comments: cxlab against plain scikit-learn NMF on the same input.

Targets: under 60 s and under 2 GB peak memory for ``cxlab.stats.text_themes.themes`` on 200,000
comments, the number of themes chosen by stability included.

The comments are made from the real CFPB narratives (``cfpb_complaints``, scrubbed at load): each
synthetic comment strings together 3 to 9 sentences drawn at random (seeded) from all the
narratives' sentences, so the words and their mix are real while almost every comment is new.
Two ways, each in a fresh process so that each peak memory (VmHWM, data included) is its own:

``cxlab``
    ``themes(comments)`` with no number of themes given: TF-IDF of words and adjacent two-word
    phrases, the number of themes chosen by stability on a seeded sample of 5,000 comments
    (8 candidates x 5 runs), then MiniBatchNMF on all comments (one BLAS thread).
``cxlab-given``
    the same with the number of themes given (the one ``cxlab`` chose): the stability runs' cost.
``sklearn``
    the plain alternative on the same comments: ``TfidfVectorizer(stop_words="english",
    ngram_range=(1, 2), min_df=5, max_df=0.5, sublinear_tf=True, max_features=20000)`` and
    ``NMF`` (full batch, NNDSVDa start, seed 0) with the number of themes cxlab chose, fitted
    once; nothing chooses the number, nothing limits threads.

Both groupings are compared with the adjusted Rand index (for information: the two ways count
terms differently, so they need not agree exactly).

Run from the repository root::

    nice -n 5 .venv/bin/python benchmarks/text.py                 # 200,000 comments
    .venv/bin/python benchmarks/text.py --rows 20000             # a quick try

Results go to benchmarks/results/text.json and .md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
TARGET_S, TARGET_MB = 60, 2048


def make_comments(rows: int, *, seed: int = 17) -> pd.DataFrame:
    """``rows`` comments of 3 to 9 sentences drawn (seeded) from the CFPB narratives' sentences."""
    import cxlab

    complaints = cxlab.load("cfpb_complaints")
    texts = complaints.loc[complaints["has_text"], "text"]
    sentences = np.array([s for t in texts for s in re.split(r"(?<=[.!?])\s+", " ".join(t.split())) if s])
    rng = np.random.default_rng(seed)
    lengths = rng.integers(3, 10, rows)
    picks = rng.integers(0, len(sentences), int(lengths.sum()))
    bounds = np.r_[0, np.cumsum(lengths)]
    comments = [" ".join(sentences[picks[a:b]]) for a, b in zip(bounds[:-1], bounds[1:])]
    return pd.DataFrame({"comment_id": np.arange(rows), "text": comments})


def run_cxlab(comments: pd.DataFrame, n_themes: int | None) -> tuple[np.ndarray, dict]:
    """cxlab's ``themes``: the number of themes chosen by stability unless ``n_themes`` is given."""
    from cxlab.stats.text_themes import themes

    started = time.perf_counter()
    found = themes(comments, n_themes=n_themes)
    return found["theme"].to_numpy(int), {"seconds": time.perf_counter() - started,
                                          "n_themes": found.attrs["n_themes"], "method": found.attrs["method"]}


def run_sklearn(comments: pd.DataFrame, n_themes: int | None) -> tuple[np.ndarray, dict]:
    """Plain scikit-learn: TfidfVectorizer and full-batch NMF with ``n_themes`` themes."""
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    started = time.perf_counter()
    matrix = TfidfVectorizer(stop_words="english", ngram_range=(1, 2), min_df=5, max_df=0.5, sublinear_tf=True,
                             max_features=20_000).fit_transform(comments["text"])
    weights = NMF(n_themes, init="nndsvda", random_state=0, max_iter=200).fit_transform(matrix)
    return weights.argmax(axis=1), {"seconds": time.perf_counter() - started, "n_themes": n_themes,
                                    "method": "NMF"}


WAYS = {"cxlab": lambda comments, n: run_cxlab(comments, None), "cxlab-given": run_cxlab, "sklearn": run_sklearn}


def _child(way: str, path: Path, n_themes: int | None, out: Path) -> None:
    comments = pd.read_parquet(path)
    groups, record = WAYS[way](comments, n_themes)
    np.save(out, groups)
    record["peak_mb"] = _peak_mb()
    print(json.dumps(record))


def _peak_mb() -> float:
    """This process's peak resident memory (VmHWM): its own, unlike ru_maxrss, which a child started
    with fork and exec inherits from its parent."""
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--path", type=Path, default=Path("/tmp/cxlab_text_comments.parquet"))
    parser.add_argument("--child", choices=list(WAYS), help=argparse.SUPPRESS)
    parser.add_argument("--n-themes", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--groups-out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.path, args.n_themes, args.groups_out)
        return
    comments = make_comments(args.rows)
    comments.to_parquet(args.path)
    load_start = os.getloadavg()[0]
    results, groups, n_themes = {}, {}, None
    for way in WAYS:
        out = args.path.with_name(f"groups_{way}.npy")
        command = [sys.executable, __file__, "--child", way, "--path", str(args.path), "--groups-out", str(out)]
        done = subprocess.run(command + (["--n-themes", str(n_themes)] if n_themes else []), check=True,
                              capture_output=True, text=True)
        results[way.replace("-", "_")] = json.loads(done.stdout.strip().splitlines()[-1])
        groups[way] = np.load(out)
        n_themes = results["cxlab"]["n_themes"]
        print(way, results[way.replace("-", "_")])
    from sklearn.metrics import adjusted_rand_score

    record = {
        "rows": args.rows,
        "words_per_comment": round(float(comments["text"].str.split().str.len().mean()), 1),
        "n_themes": n_themes,
        "agreement_adjusted_rand": round(float(adjusted_rand_score(groups["cxlab"], groups["sklearn"])), 3),
        "same_groups_chosen_or_given": bool((groups["cxlab"] == groups["cxlab-given"]).all()),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_average_1min_start": round(load_start, 2), "load_average_1min_end": round(os.getloadavg()[0], 2),
        **{f"{way}_{key}": (round(value, 1) if isinstance(value, float) else value)
           for way, r in results.items() for key, value in r.items() if key != "n_themes"},
    }
    record["cxlab_meets_targets"] = record["cxlab_seconds"] < TARGET_S and record["cxlab_peak_mb"] < TARGET_MB
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "text.json").write_text(json.dumps(record, indent=2) + "\n")
    (RESULTS / "text.md").write_text(_markdown(record))
    print(json.dumps(record, indent=2))


def _markdown(r: dict) -> str:
    met = "met" if r["cxlab_meets_targets"] else "**not met**"
    return (
        f"# Themes for {r['rows']:,} comments: cxlab against plain scikit-learn NMF\n\n"
        "Produced by `nice -n 5 .venv/bin/python benchmarks/text.py` (do not edit by hand). Comments made of "
        f"3 to 9 sentences drawn (seeded) from the CFPB narratives, {r['words_per_comment']} words on average. "
        f"Each way in a fresh process; time from the comments in memory to a theme per comment; peak = VmHWM "
        f"(data included). Machine: {r['machine']}; load average (1 min) {r['load_average_1min_start']} at the "
        f"start, {r['load_average_1min_end']} at the end (the machine is shared).\n\n"
        "| way | themes | time (s) | peak memory (MB) |\n|---|---:|---:|---:|\n"
        f"| cxlab `themes()`: number of themes chosen by stability (5,000-comment sample, 8 x 5 runs), then "
        f"{r['cxlab_method']} on all comments | {r['n_themes']} (chosen) | {r['cxlab_seconds']} | "
        f"{r['cxlab_peak_mb']} |\n"
        f"| cxlab `themes(n_themes={r['n_themes']})`: the same, the number given (no stability runs) | "
        f"{r['n_themes']} (given) | {r['cxlab_given_seconds']} | {r['cxlab_given_peak_mb']} |\n"
        f"| plain scikit-learn: `TfidfVectorizer` + full-batch `NMF`, the number given | "
        f"{r['n_themes']} (given) | {r['sklearn_seconds']} | {r['sklearn_peak_mb']} |\n\n"
        f"Targets for cxlab (under {TARGET_S} s and under {TARGET_MB / 1024:.0f} GB): {met}. Agreement of the two "
        f"groupings (adjusted Rand index): {r['agreement_adjusted_rand']} (the two ways count terms differently: "
        "cxlab's two-word phrases never span a stop word or a redaction; and each comment here strings together "
        "sentences of unrelated complaints, so its theme is blurred and two methods split them differently). cxlab gives the same theme to every "
        f"comment whether it chose the number or was given it: {r['same_groups_chosen_or_given']}.\n"
    )


if __name__ == "__main__":
    main()
