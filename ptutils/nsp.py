"""Next-sentence prediction (BERT pre-training): sentence pairs built from documents."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

__all__ = ["IS_NEXT", "NOT_NEXT", "SentencePair", "nsp_pairs"]

IS_NEXT, NOT_NEXT = 0, 1  # the labels BertForPreTraining expects (next_sentence_label)


class SentencePair(NamedTuple):
    """Sentence A, sentence B and the NSP label (IS_NEXT = 0: B follows A; NOT_NEXT = 1)."""

    a: str
    b: str
    label: int


def nsp_pairs(docs: Sequence[Sequence[str]], p_next: float = 0.5,
              seed: int = 0) -> list[SentencePair]:
    """One pair per consecutive sentence pair; B is swapped with probability 1 - p_next for a
    random sentence of another document (NOT_NEXT)."""
    if not 0 <= p_next <= 1:
        raise ValueError(f"p_next must be in [0, 1], got {p_next}")
    if isinstance(docs, str) or any(isinstance(d, str) for d in docs):
        raise TypeError("docs must be a list of documents, each a list of sentences "
                        "(e.g. ptutils.data.wiki_sentences())")
    nonempty = [i for i, d in enumerate(docs) if len(d) > 0]
    if len(nonempty) < 2 or not any(len(d) >= 2 for d in docs):
        raise ValueError("need at least two non-empty documents and one with >= 2 sentences "
                         "to build IsNext and NotNext pairs")
    rng = np.random.default_rng(seed)
    pairs = []
    for i, doc in enumerate(docs):
        for j in range(len(doc) - 1):
            if rng.random() < p_next:
                pairs.append(SentencePair(doc[j], doc[j + 1], IS_NEXT))
                continue
            k = i
            while k == i:  # a sentence from another document
                k = nonempty[rng.integers(len(nonempty))]
            other = docs[k]
            pairs.append(SentencePair(doc[j], other[rng.integers(len(other))], NOT_NEXT))
    return pairs

