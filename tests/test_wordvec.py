"""Tests for ptutils.wordvec: the KeyedVectors adapter, the cached Word2Vec, embedding tables."""

import os
import subprocess
import sys

import numpy as np
import pytest
from gensim.models import KeyedVectors, Word2Vec

import ptutils.wordvec as wv
from ptutils import data
from ptutils.errors import MissingPackageError
from ptutils.text import Vocab

WORDS = ["king", "queen", "man", "woman", "apple", "Paris"]
MATRIX = np.array([[1, 1, 0], [1, -1, 0], [0, 1, 0.1], [0, -1, 0.1], [0, 0, 1], [5, 0, 0]],
                  dtype=np.float32)
TINY = [["the", "cat", "sat", "on", "the", "mat"], ["the", "dog", "sat", "on", "the", "rug"]]


def test_keyed_vectors_accepts_every_form_and_keeps_the_order():
    import torch

    forms = [(WORDS, MATRIX), dict(zip(WORDS, MATRIX, strict=True)),
             (WORDS, torch.from_numpy(MATRIX))]
    for form in forms:
        kv = wv.keyed_vectors(form)
        assert isinstance(kv, KeyedVectors) and kv.index_to_key == WORDS
        assert np.allclose(kv["Paris"], [5, 0, 0]) and kv.vector_size == 3
    kv = wv.keyed_vectors((WORDS, MATRIX))
    assert wv.keyed_vectors(kv) is kv
    model = Word2Vec(TINY * 5, vector_size=4, min_count=1, epochs=1, workers=1, seed=0)
    assert wv.keyed_vectors(model) is model.wv


def test_keyed_vectors_keeps_each_words_own_row_in_any_order():
    import torch

    order = [3, 0, 5, 1, 4, 2]  # not the order the matrix rows came in
    words = [WORDS[i] for i in order]
    for form in [(words, MATRIX[order]), {w: MATRIX[WORDS.index(w)] for w in words},
                 (words, torch.from_numpy(MATRIX[order]).double())]:
        kv = wv.keyed_vectors(form)
        assert kv.vectors.dtype == np.float32
        for w in WORDS:
            assert np.array_equal(kv[w], MATRIX[WORDS.index(w)]), w


@pytest.mark.parametrize("bad, error, match", [
    ("not vectors", TypeError, "KeyedVectors, a"),
    (([], np.zeros((0, 3))), ValueError, "empty vocabulary"),
    (([1, 2], np.zeros((2, 3))), TypeError, "must be strings"),
    ((["a", "a"], np.zeros((2, 3))), ValueError, "repeated words"),
    ((["a", "b"], np.zeros((3, 3))), ValueError, "one vector per word"),
    ((["a"], np.array([["x", "y"]])), TypeError, "must be numbers"),
])
def test_keyed_vectors_errors_name_the_problem(bad, error, match):
    with pytest.raises(error, match=match):
        wv.keyed_vectors(bad)


def test_load_word2vec_caches_and_rebuilds(tmp_path, monkeypatch):
    monkeypatch.setenv("PTUTILS_CACHE", str(tmp_path))
    monkeypatch.setattr(data, "embedding_corpus", lambda *a, **k: TINY * 20)
    kv = wv.load_word2vec(vector_size=8, min_count=1, epochs=2)
    files = list(tmp_path.glob("word2vec_*.kv"))
    assert len(files) == 1 and kv.vector_size == 8 and "cat" in kv.key_to_index
    again = wv.load_word2vec(vector_size=8, min_count=1, epochs=2)
    assert np.array_equal(again["cat"], kv["cat"])  # read back from the cache
    files[0].write_bytes(b"broken cache")
    rebuilt = wv.load_word2vec(vector_size=8, min_count=1, epochs=2)
    assert np.array_equal(rebuilt["cat"], kv["cat"])  # a broken cache is rebuilt, not fatal


def test_word2vec_model_is_cached_and_matches_load_word2vec(tmp_path, monkeypatch):
    monkeypatch.setenv("PTUTILS_CACHE", str(tmp_path))
    monkeypatch.setattr(data, "embedding_corpus", lambda *a, **k: TINY * 20)
    model = wv.word2vec_model(vector_size=8, min_count=1, epochs=2)
    assert len(list(tmp_path.glob("word2vec_*.model"))) == 1
    assert model.cum_table is not None and model.syn1neg.shape == model.wv.vectors.shape
    kv = wv.load_word2vec(vector_size=8, min_count=1, epochs=2)  # built from the cached model
    assert np.array_equal(kv["cat"], model.wv["cat"])
    monkeypatch.setattr(data, "embedding_corpus", lambda *a, **k: 1 / 0)  # no retraining now
    again = wv.word2vec_model(vector_size=8, min_count=1, epochs=2)
    assert np.array_equal(again.wv["cat"], model.wv["cat"])
    assert np.array_equal(again.cum_table, model.cum_table)


def test_load_word2vec_is_the_same_in_every_process(tmp_path):
    """A fresh interpreter (new str-hash salt) trains exactly the same vectors."""
    code = ("import ptutils.data, ptutils.wordvec as w\n"
            f"ptutils.data.embedding_corpus = lambda *a, **k: {TINY!r} * 20\n"
            "print(w.load_word2vec(vector_size=8, min_count=1, epochs=2)['cat'].tolist())")
    outs = []
    for run in range(2):
        env = {**os.environ, "PTUTILS_CACHE": str(tmp_path / str(run)), "PYTHONHASHSEED": str(run)}
        outs.append(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                                   text=True, check=True).stdout)
    assert outs[0] == outs[1] and outs[0].startswith("[")


def test_missing_gensim_for_word2vec(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "gensim" else real(name, *a))
    with pytest.raises(MissingPackageError, match="pip install gensim"):
        wv.load_word2vec()


def test_embedding_matrix_copies_known_words_and_reports_coverage():
    vocab = Vocab([["cat", "dog", "unicorn"]])
    vecs = wv.keyed_vectors({"cat": [1.0, 2.0], "dog": [3.0, 4.0]})
    W, coverage = wv.embedding_matrix(vocab, vecs, seed=0)
    assert W.shape == (len(vocab), 2) and W.dtype == np.float32
    assert np.allclose(W[vocab.stoi["cat"]], [1.0, 2.0])
    assert np.allclose(W[vocab.pad_id], 0.0)
    assert not np.allclose(W[vocab.stoi["unicorn"]], 0.0)  # unknown words get random rows
    assert coverage == pytest.approx(2 / 3)
    W2, _ = wv.embedding_matrix(vocab, vecs, seed=0)
    assert np.array_equal(W, W2)  # deterministic for a seed
