"""How long your labelled file takes, before you run notebook 06 or 08 on it.

Loads the file with the course's loader (`ptutils.data.load_task`), encodes its texts with
MiniLM batch by batch (what the linear probe and the zero-label arms do), and prints the time per
1,000 texts, the peak memory of this process, and the machine's reference speed (so the times
compare with the README's normalised ones).

  python scripts/time_own_data.py data/examples/wiki_vs_news.csv
  python scripts/time_own_data.py my_texts.tsv --text-column review --label-column stars --sample 2000
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # ptutils without installing
from ptutils import data, pretrained, speed  # noqa: E402


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The file, its columns and encoding, and how many texts to encode."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("path", help="a CSV/TSV file with a header row (README: your own data)")
    ap.add_argument("--text-column", default="text")
    ap.add_argument("--label-column", default="label")
    ap.add_argument("--encoding", default="utf-8")
    ap.add_argument("--max-len", type=int, default=32, help="word pieces per text (06: MAX_LEN)")
    ap.add_argument("--sample", type=int, default=0, help="encode this many texts (0: all)")
    return ap.parse_args(argv)


def peak_mib() -> float:
    """This process's peak resident memory so far, in MiB (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def main(argv: list[str] | None = None) -> None:
    """Load, encode, and print the times and the memory."""
    args = parse_args(argv)
    factor = speed.measure().factor
    t0 = time.perf_counter()
    texts, y, names = data.load_task(args.path, args.text_column, args.label_column, args.encoding)
    load_s = time.perf_counter() - t0
    counts = ", ".join(f"{n}: {int((y == k).sum())}" for k, n in enumerate(names))
    print(f"{len(texts):,} texts ({counts}); loaded in {load_s:.1f} s, peak memory "
          f"{peak_mib():,.0f} MiB; machine speed {factor:.2f}x the reference")
    sample = texts[: args.sample] if args.sample else texts
    tokenizer, model = pretrained.load_minilm()
    t0 = time.perf_counter()
    X = pretrained.encode_texts(sample, tokenizer, model, max_length=args.max_len,
                                progress=True)  # (N, 384), batch by batch
    per_1000 = (time.perf_counter() - t0) / len(sample) * 1000
    print(f"MiniLM vectors of {len(sample):,} texts {X.shape}: {per_1000:.1f} s per 1,000 texts "
          f"({per_1000 * factor:.1f} normalised s); peak memory {peak_mib():,.0f} MiB")
    print(f"All {len(texts):,} texts: about {per_1000 * len(texts) / 1000 / 60:.1f} min per pass "
          "(a training epoch costs roughly three such passes: backward is about twice forward)")


if __name__ == "__main__":
    main()
