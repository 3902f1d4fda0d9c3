"""Word vectors: one lookup for any table, counts, neighbours and the benchmark evaluators.

Every function takes word vectors in any of three forms: gensim `KeyedVectors` (or a model with
`.wv`), a `{word: vector}` dict, or a `(words, matrix)` pair with one row per word. Word order
counts: `restrict_vocab` keeps the first words, so list the most frequent first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .data import benchmark_path, read_text
from .errors import AssetError

__all__ = ["WordTable", "as_table", "word_counts", "nearest", "read_word_pairs",
           "read_analogies", "evaluate_similarity", "evaluate_analogies", "SIMILARITY_BENCHMARKS"]

SIMILARITY_BENCHMARKS = ("wordsim353", "simlex999")


@dataclass(frozen=True)
class WordTable:
    """Words, their (V, D) float32 matrix and a word -> row index."""

    words: list[str]
    matrix: np.ndarray  # (V, D)
    index: dict[str, int]

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: str) -> bool:
        return word in self.index

    def __getitem__(self, word: str) -> np.ndarray:
        return self.matrix[self.index[word]]

    def unit(self) -> np.ndarray:
        """Rows scaled to length 1 (zero rows stay zero): (V, D)."""
        norms = np.linalg.norm(self.matrix, axis=1, keepdims=True)
        return self.matrix / np.maximum(norms, 1e-12)

    def restrict(self, n: int | None) -> WordTable:
        """The first `n` words only (all of them when n is None)."""
        if n is None or n >= len(self.words):
            return self
        if n < 1:
            raise ValueError(f"restrict_vocab must be >= 1, got {n}")
        words = self.words[:n]
        return WordTable(words, self.matrix[:n], {w: i for i, w in enumerate(words)})


def _lowercase_index(words: Sequence[str]) -> dict[str, int]:
    """word.lower() -> first (most frequent) row with that spelling."""
    index: dict[str, int] = {}
    for i, w in enumerate(words):
        index.setdefault(w.lower(), i)
    return index


def as_table(vectors) -> WordTable:
    """Turn KeyedVectors, a {word: vector} dict or a (words, matrix) pair into a WordTable.

    Look-ups are case-insensitive: words are lower-cased (the first spelling of a word wins).
    """
    if isinstance(vectors, WordTable):
        return vectors
    if hasattr(vectors, "wv") and hasattr(vectors.wv, "index_to_key"):
        vectors = vectors.wv  # a gensim Word2Vec / FastText model
    if hasattr(vectors, "index_to_key") and hasattr(vectors, "vectors"):
        words, matrix = list(vectors.index_to_key), np.asarray(vectors.vectors)
    elif isinstance(vectors, Mapping):
        words = list(vectors)
        matrix = np.array([np.asarray(vectors[w], dtype=np.float32).ravel() for w in words])
    elif isinstance(vectors, tuple) and len(vectors) == 2:
        words, matrix = list(vectors[0]), vectors[1]
        if hasattr(matrix, "detach"):  # a torch tensor
            matrix = matrix.detach().cpu().numpy()
        matrix = np.asarray(matrix)
    else:
        raise TypeError(
            f"word vectors must be gensim KeyedVectors, a {{word: vector}} dict or a "
            f"(words, matrix) pair, got {type(vectors).__name__}"
        )
    if not words:
        raise ValueError("no word vectors given (empty vocabulary)")
    if not all(isinstance(w, str) for w in words):
        raise TypeError("the vocabulary must be strings")
    if matrix.ndim != 2 or matrix.shape[0] != len(words):
        raise ValueError(f"need one vector per word: {len(words)} words but a matrix of shape "
                         f"{matrix.shape}")
    if not np.issubdtype(matrix.dtype, np.number):
        raise TypeError(f"vectors must be numbers, got dtype {matrix.dtype}")
    return WordTable(words, matrix.astype(np.float32, copy=False), _lowercase_index(words))


def word_counts(sentences: Iterable[Sequence[str]],
                min_count: int = 1) -> tuple[list[str], np.ndarray]:
    """Words seen >= min_count times, most frequent first (ties alphabetical), and their counts."""
    if isinstance(sentences, str):
        raise TypeError("sentences must be lists of tokens, not one string")
    counts: Counter[str] = Counter()
    for sent in sentences:
        if isinstance(sent, str):
            raise TypeError("each sentence must be a list of tokens, not a string "
                            "(tokenise first, e.g. with ptutils.data.tokenize)")
        counts.update(sent)
    if not counts:
        raise ValueError("no tokens to count (empty input)")
    words = sorted((w for w, c in counts.items() if c >= min_count), key=lambda w: (-counts[w], w))
    return words, np.array([counts[w] for w in words], dtype=np.int64)


def nearest(vectors, word: str, k: int = 5,
            restrict_vocab: int | None = None) -> list[tuple[str, float]]:
    """The k words with the highest cosine similarity to `word` (the word itself excluded)."""
    table = as_table(vectors).restrict(restrict_vocab)
    key = word.lower()
    if key not in table.index:
        raise KeyError(f"{word!r} is not in the vocabulary ({len(table)} words)")
    U = table.unit()  # (V, D)
    sims = U @ U[table.index[key]]  # (V,)
    sims[table.index[key]] = -np.inf
    top = np.argsort(-sims)[:k]
    return [(table.words[i], float(sims[i])) for i in top]


def _resolve(path_or_name: str | Path) -> Path:
    """A benchmark name ('wordsim353', 'simlex999', 'analogies') or a file path."""
    if isinstance(path_or_name, str) and path_or_name in (*SIMILARITY_BENCHMARKS, "analogies"):
        return benchmark_path(path_or_name)
    if not isinstance(path_or_name, str | Path):
        raise TypeError(f"expected a benchmark name or a path, got {type(path_or_name).__name__}")
    path = Path(path_or_name)
    if not path.is_file():
        raise AssetError(f"benchmark file {path} not found; pass 'wordsim353', 'simlex999', "
                         "'analogies' or the path of an existing file")
    return path


def read_word_pairs(path_or_name: str | Path) -> list[tuple[str, str, float]]:
    """(word1, word2, human score) rows of a word-similarity file; '#' lines are comments."""
    path = _resolve(path_or_name)
    rows = []
    for line in read_text(path).splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t") if "\t" in line else line.split()
        try:
            a, b, score = parts
            rows.append((a.strip().lower(), b.strip().lower(), float(score)))
        except ValueError:
            continue  # a malformed line is skipped, as gensim does
    if not rows:
        raise AssetError(f"{path.name} holds no 'word1<TAB>word2<TAB>score' lines")
    return rows


def read_analogies(path_or_name: str | Path = "analogies") -> list[tuple[str, tuple[str, ...]]]:
    """(section, (a, b, c, d)) rows of an analogy file split by ': section' lines."""
    path = _resolve(path_or_name)
    rows, section = [], None
    for line in read_text(path).splitlines():
        if line.startswith(": "):
            section = line[2:].strip()
        elif line.strip():
            words = tuple(line.lower().split())
            if len(words) != 4:
                continue
            if section is None:
                raise AssetError(f"{path.name}: a question comes before the first ': section' line")
            rows.append((section, words))
    if not rows:
        raise AssetError(f"{path.name} holds no 'a b c d' analogy questions")
    return rows


def evaluate_similarity(vectors, path_or_name: str | Path = "wordsim353",
                        restrict_vocab: int | None = 300_000) -> tuple[float, float]:
    """Spearman rho between cosine similarity and human scores, and the share of pairs skipped.

    Pairs with a word outside the (first `restrict_vocab`) vocabulary are skipped, as gensim's
    `KeyedVectors.evaluate_word_pairs` does; rho is NaN when fewer than 2 pairs remain.
    """
    from scipy.stats import spearmanr

    table = as_table(vectors).restrict(restrict_vocab)
    pairs = read_word_pairs(path_or_name)
    kept = [(table.index[a], table.index[b], s) for a, b, s in pairs
            if a in table.index and b in table.index]
    oov_rate = 1 - len(kept) / len(pairs)
    if len(kept) < 2:
        return float("nan"), oov_rate
    U = table.unit()  # (V, D)
    ia, ib, gold = (np.array(c) for c in zip(*kept))
    model = np.einsum("nd,nd->n", U[ia], U[ib])  # (N,) cosine of each pair
    return float(spearmanr(gold, model).statistic), oov_rate


def evaluate_analogies(vectors, path_or_name: str | Path = "analogies",
                       restrict_vocab: int | None = 300_000, kind: str = "all",
                       batch_size: int = 1024) -> tuple[float, float]:
    """3CosAdd accuracy on a:b :: c:d questions and the share of questions skipped (OOV).

    The answer is argmax over the vocabulary of cos(x, b - a + c) with a, b, c excluded, as in
    gensim's `evaluate_word_analogies`. `kind` picks 'all', 'semantic' or 'syntactic' ('gram*'
    sections) questions. Accuracy is NaN when no question is fully in the vocabulary.
    """
    if kind not in ("all", "semantic", "syntactic"):
        raise ValueError(f"kind must be 'all', 'semantic' or 'syntactic', got {kind!r}")
    table = as_table(vectors).restrict(restrict_vocab)
    rows = [q for sec, q in read_analogies(path_or_name)
            if kind == "all" or (kind == "syntactic") == sec.startswith("gram")]
    ids = np.array([[table.index[w] for w in q] for q in rows if all(w in table.index for w in q)],
                   dtype=np.int64).reshape(-1, 4)  # (Q, 4): a, b, c, d
    oov_rate = 1 - len(ids) / len(rows) if rows else 1.0
    if len(ids) == 0:
        return float("nan"), oov_rate
    U = table.unit()  # (V, D)
    correct = 0
    for i in range(0, len(ids), batch_size):
        a, b, c, d = ids[i:i + batch_size].T
        query = U[b] - U[a] + U[c]  # (B, D)
        sims = query @ U.T  # (B, V); the query's length does not change the argmax
        rows_b = np.arange(len(a))
        for col in (a, b, c):
            sims[rows_b, col] = -np.inf
        correct += int((sims.argmax(1) == d).sum())
    return correct / len(ids), oov_rate
