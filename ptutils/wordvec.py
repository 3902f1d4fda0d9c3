"""Word vectors: any table as gensim `KeyedVectors`, a cached Word2Vec, embedding tables.

gensim already evaluates word vectors (`evaluate_word_pairs`, `evaluate_word_analogies`) and
finds neighbours (`most_similar`); `keyed_vectors` lets every table in the course use them.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping

import numpy as np

from .errors import MissingPackageError

__all__ = ["keyed_vectors", "load_word2vec", "word2vec_model", "embedding_matrix"]


def keyed_vectors(vectors):
    """gensim KeyedVectors from KeyedVectors, a gensim model, a {word: vector} dict or a
    (words, matrix) pair (NumPy or torch), most frequent word first."""
    from gensim.models import KeyedVectors

    if hasattr(vectors, "wv"):
        vectors = vectors.wv  # a gensim Word2Vec / FastText model
    if isinstance(vectors, KeyedVectors):
        return vectors
    if isinstance(vectors, Mapping):
        words = list(vectors)
        matrix = np.array([np.asarray(vectors[w], dtype=np.float32).ravel() for w in words])
    elif isinstance(vectors, tuple) and len(vectors) == 2:
        words, matrix = list(vectors[0]), vectors[1]
        if hasattr(matrix, "detach"):  # a torch tensor
            matrix = matrix.detach().cpu().numpy()
        matrix = np.asarray(matrix)
    else:
        raise TypeError(f"word vectors must be gensim KeyedVectors, a {{word: vector}} dict or a "
                        f"(words, matrix) pair, got {type(vectors).__name__}")
    if not words:
        raise ValueError("no word vectors given (empty vocabulary)")
    if not all(isinstance(w, str) for w in words):
        raise TypeError("the vocabulary must be strings")
    if len(set(words)) != len(words):
        raise ValueError("the vocabulary has repeated words; keep one row per word")
    if matrix.ndim != 2 or matrix.shape[0] != len(words):
        raise ValueError(f"need one vector per word: {len(words)} words but a matrix of shape "
                         f"{matrix.shape}")
    if not np.issubdtype(matrix.dtype, np.number):
        raise TypeError(f"vectors must be numbers, got dtype {matrix.dtype}")
    kv = KeyedVectors(vector_size=matrix.shape[1])
    kv.add_vectors(words, matrix.astype(np.float32))
    return kv


def _word2vec_name(vector_size: int, window: int, min_count: int, epochs: int, sg: int,
                   seed: int) -> str:
    return f"word2vec_wiki_d{vector_size}_w{window}_mc{min_count}_e{epochs}_sg{sg}_s{seed}"


def word2vec_model(vector_size: int = 100, window: int = 5, min_count: int = 3,
                   epochs: int = 10, sg: int = 1, seed: int = 0, rebuild: bool = False,
                   negative: int = 5, sample: float = 1e-3):
    """The gensim Word2Vec model (with its output weights and noise table) behind
    `load_word2vec`, cached on disk (rebuilt if missing). Same vectors as `load_word2vec`."""
    if importlib.util.find_spec("gensim") is None:
        raise MissingPackageError("gensim", "training Word2Vec")
    from gensim.models import Word2Vec

    from .data import embedding_corpus
    from .pretrained import cache_dir

    name = _word2vec_name(vector_size, window, min_count, epochs, sg, seed)
    if (negative, sample) != (5, 1e-3):  # gensim's defaults keep load_word2vec's file name
        name += f"_n{negative}_t{sample:g}"
    path = cache_dir() / (name + ".model")
    if path.exists() and not rebuild:
        try:
            return Word2Vec.load(str(path))
        except Exception:  # a broken cache is rebuilt, not fatal
            path.unlink(missing_ok=True)
    model = Word2Vec(embedding_corpus(), vector_size=vector_size, window=window,
                     min_count=min_count, epochs=epochs, sg=sg, seed=seed, negative=negative,
                     sample=sample, workers=1)
    model.save(str(path))
    return model


def load_word2vec(vector_size: int = 100, window: int = 5, min_count: int = 3,
                  epochs: int = 10, sg: int = 1, seed: int = 0, rebuild: bool = False):
    """gensim KeyedVectors trained on `data.embedding_corpus()`, cached on disk (rebuilt if missing).

    One worker thread and gensim's seeded initialisation make the vectors the same on every run."""
    if importlib.util.find_spec("gensim") is None:
        raise MissingPackageError("gensim", "training Word2Vec")
    from gensim.models import KeyedVectors

    from .pretrained import cache_dir

    path = cache_dir() / (_word2vec_name(vector_size, window, min_count, epochs, sg, seed) + ".kv")
    if path.exists() and not rebuild:
        try:
            return KeyedVectors.load(str(path))
        except Exception:  # a broken cache is rebuilt, not fatal
            path.unlink(missing_ok=True)
    wv = word2vec_model(vector_size, window, min_count, epochs, sg, seed, rebuild).wv
    wv.save(str(path))
    return wv


def embedding_matrix(vocab, vectors, seed: int = 0,
                     scale: float | None = None) -> tuple[np.ndarray, float]:
    """(V, D) table for nn.Embedding.from_pretrained: known words copied, others random; coverage."""
    D = vectors.vector_size
    rng = np.random.default_rng(seed)
    scale = float(np.std(vectors.vectors)) if scale is None else scale
    W = rng.normal(0.0, scale, size=(len(vocab), D)).astype(np.float32)  # (V, D)
    W[vocab.pad_id] = 0.0
    hits = 0
    for i, w in enumerate(vocab.itos[2:], start=2):
        if w in vectors.key_to_index:
            W[i] = vectors[w]
            hits += 1
    return W, hits / max(1, len(vocab) - 2)
