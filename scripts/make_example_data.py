"""Writes the example labelled-text files in data/examples/ from the course's offline corpora.

Each row is one sentence labelled by the corpus it comes from, so the labels are true by
construction and need no annotator:
  wiki_vs_news.csv      2 classes: "wikipedia" (gensim's Wikipedia excerpt) vs "news" (Lee corpus)
  three_sources.tsv     3 classes: the same two plus "movie review" (Pang & Lee polarity)
Usage: python scripts/make_example_data.py [--per-class 60] [--seed 0]
       python scripts/make_example_data.py --large /tmp/wiki_vs_news_10k.csv   (README's timing)
"""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

from ptutils import data

ROOT = Path(__file__).resolve().parents[1]


def sentences(source: str) -> list[str]:
    """Sentences of 6-40 words from one corpus, in a fixed order."""
    if source == "wikipedia":
        docs = [a.text for a in data.wiki_articles()]
    elif source == "news":
        docs = data.lee_background()
    else:
        docs = data.polarity()[0]
    out = [s for d in docs for s in data.split_sentences(d) if 6 <= len(s.split()) <= 40]
    return list(dict.fromkeys(out))  # no repeats


def write_rows(path: Path, rows: list[tuple[str, str]], delimiter: str) -> None:
    """(text, label) rows under a text,label header, UTF-8."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, delimiter=delimiter)
        w.writerow(["text", "label"])
        w.writerows(rows)


def write(path: Path, sources: list[str], per_class: int, seed: int, delimiter: str) -> None:
    """One file: per_class sentences of each source, shuffled, with a header row."""
    rng = random.Random(seed)
    rows = [(s, src) for src in sources for s in rng.sample(sentences(src), per_class)]
    rng.shuffle(rows)
    write_rows(path, rows, delimiter)
    print(f"{path.relative_to(ROOT)}: {len(rows)} rows, classes {sources}")


def write_large(path: Path, n: int, seed: int) -> None:
    """A wiki-vs-news CSV of n rows for timings: every news sentence, Wikipedia for the rest."""
    rng = random.Random(seed)
    news = sentences("news")
    rows = [(s, "news") for s in news[:n]]
    rows += [(s, "wikipedia") for s in rng.sample(sentences("wikipedia"), n - len(rows))]
    rng.shuffle(rows)
    write_rows(path, rows, ",")
    print(f"{path}: {len(rows)} rows ({len(news[:n])} news, {n - len(news[:n])} wikipedia)")


def main() -> None:
    """Write both example files."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--per-class", type=int, default=60)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--large", type=Path, help="write only a 10,000-row file here (timings)")
    ap.add_argument("--rows", type=int, default=10_000, help="rows of the --large file")
    args = ap.parse_args()
    if args.large:
        write_large(args.large, args.rows, args.seed)
        return
    out = ROOT / "data" / "examples"
    out.mkdir(parents=True, exist_ok=True)
    write(out / "wiki_vs_news.csv", ["wikipedia", "news"], args.per_class, args.seed, ",")
    write(out / "three_sources.tsv", ["wikipedia", "news", "movie review"], args.per_class,
          args.seed, "\t")


if __name__ == "__main__":
    main()
