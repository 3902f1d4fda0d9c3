"""Tests for ptutils.nsp: next-sentence-prediction pairs."""

import numpy as np
import pytest

import ptutils.nsp as nsp
from ptutils.nsp import IS_NEXT, NOT_NEXT, SentencePair, nsp_pairs

DOCS = [[f"doc{d} sentence {i}." for i in range(20)] for d in range(5)]


def test_one_pair_per_consecutive_sentences_and_labels():
    pairs = nsp_pairs(DOCS, seed=0)
    assert len(pairs) == sum(len(d) - 1 for d in DOCS)
    assert all(isinstance(p, SentencePair) and p.label in (IS_NEXT, NOT_NEXT) for p in pairs)
    for p in pairs:
        doc_a, i = p.a.split()[0], int(p.a.split()[-1].rstrip("."))
        if p.label == IS_NEXT:
            assert p.b == f"{doc_a} sentence {i + 1}."
        else:  # NotNext: B comes from another document
            assert not p.b.startswith(doc_a + " ")


def test_share_of_is_next_follows_p_next():
    docs = [[f"d{d} s{i}" for i in range(200)] for d in range(10)]
    share = np.mean([p.label == IS_NEXT for p in nsp_pairs(docs, seed=1)])
    assert abs(share - 0.5) < 0.05
    assert all(p.label == IS_NEXT for p in nsp_pairs(docs, p_next=1.0))
    assert all(p.label == NOT_NEXT for p in nsp_pairs(docs, p_next=0.0))


def test_pairs_are_deterministic_per_seed():
    assert nsp_pairs(DOCS, seed=3) == nsp_pairs(DOCS, seed=3)
    assert nsp_pairs(DOCS, seed=3) != nsp_pairs(DOCS, seed=4)


def test_empty_documents_are_skipped_as_sources():
    docs = [["a one.", "a two.", "a three."], [], ["b one."]]
    pairs = nsp_pairs(docs, p_next=0.0, seed=0)
    assert len(pairs) == 2 and all(p.b == "b one." for p in pairs)


def test_nsp_pairs_errors():
    with pytest.raises(ValueError, match="p_next"):
        nsp_pairs(DOCS, p_next=1.5)
    with pytest.raises(TypeError, match="list of documents"):
        nsp_pairs(["a sentence.", "another one."])
    with pytest.raises(TypeError, match="list of documents"):
        nsp_pairs("just a string")
    with pytest.raises(ValueError, match="two non-empty documents"):
        nsp_pairs([["only one document.", "with two sentences."]])
    with pytest.raises(ValueError, match="two non-empty documents"):
        nsp_pairs([["a."], ["b."]])  # no document has two sentences


def test_every_public_name_exists():
    missing = [name for name in nsp.__all__ if not hasattr(nsp, name)]
    assert not missing, f"nsp.__all__ names what the module lacks: {missing}"
