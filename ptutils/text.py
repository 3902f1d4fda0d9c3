"""Turning texts into padded integer arrays: a vocabulary, padding, per-fold vectorising."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

from .data import tokenize

__all__ = ["Vocab", "pad_sequences", "vectorize", "vectorize_folds"]


class Vocab:
    """Token <-> id map with <pad> = 0 and <unk> = 1, most frequent tokens first."""

    PAD, UNK = "<pad>", "<unk>"

    def __init__(self, token_lists: Iterable[Sequence[str]], min_freq: int = 1,
                 max_size: int | None = None) -> None:
        counts = Counter(t for toks in token_lists for t in toks)
        if not counts:
            raise ValueError("cannot build a vocabulary from no tokens (empty input)")
        words = sorted((w for w, c in counts.items() if c >= min_freq), key=lambda w: (-counts[w], w))
        if max_size is not None:
            words = words[: max(0, max_size - 2)]
        self.itos: list[str] = [self.PAD, self.UNK, *words]
        self.stoi: dict[str, int] = {w: i for i, w in enumerate(self.itos)}
        self.counts = counts
        self.pad_id, self.unk_id = 0, 1

    def __len__(self) -> int:
        return len(self.itos)

    def __contains__(self, token: str) -> bool:
        return token in self.stoi

    def encode(self, tokens: Sequence[str]) -> list[int]:
        """Ids of tokens (unknown ones become <unk>)."""
        return [self.stoi.get(t, self.unk_id) for t in tokens]

    def decode(self, ids: Iterable[int]) -> list[str]:
        """Tokens of ids, padding skipped."""
        return [self.itos[int(i)] for i in ids if int(i) != self.pad_id]


def pad_sequences(seqs: Sequence[Sequence[int]], max_len: int | None = None,
                  pad_id: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Right-pad (and cut) id lists to one length: (N, T) int64 array and true lengths (N,)."""
    if len(seqs) == 0:
        raise ValueError("pad_sequences got no sequences")
    T = max_len or max(1, max(len(s) for s in seqs))
    X = np.full((len(seqs), T), pad_id, dtype=np.int64)  # (N, T)
    lengths = np.zeros(len(seqs), dtype=np.int64)
    for i, s in enumerate(seqs):
        s = list(s)[:T]
        X[i, : len(s)] = s
        lengths[i] = max(1, len(s))  # an empty text keeps one <pad> step so packing works
    return X, lengths


def vectorize(texts: Sequence[str], vocab: Vocab | None = None, max_len: int = 64,
              min_freq: int = 1) -> tuple[np.ndarray, np.ndarray, Vocab]:
    """Tokenise, build (or reuse) a vocabulary, encode and pad: (X (N, T), lengths (N,), vocab)."""
    if isinstance(texts, str):
        raise TypeError("texts must be a list of strings, not one string")
    token_lists = [tokenize(t) for t in texts]
    vocab = vocab or Vocab(token_lists, min_freq=min_freq)
    X, lengths = pad_sequences([vocab.encode(t) for t in token_lists], max_len, vocab.pad_id)
    return X, lengths, vocab


def vectorize_folds(texts: Sequence[str], train_idx, test_idx, max_len: int = 64
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, Vocab]:
    """One CV fold: vocabulary from the training texts only; (X_tr, len_tr, X_te, len_te, vocab)."""
    if isinstance(texts, str):
        raise TypeError("texts must be a list of strings, not one string")
    X_tr, len_tr, vocab = vectorize([texts[i] for i in train_idx], max_len=max_len)
    X_te, len_te, _ = vectorize([texts[i] for i in test_idx], vocab=vocab, max_len=max_len)
    return X_tr, len_tr, X_te, len_te, vocab

