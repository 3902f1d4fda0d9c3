"""Tests for ptutils.wordvec: the word-table adapter, counts, neighbours and the benchmark scorers."""

import numpy as np
import pytest

import ptutils.wordvec as wv
from ptutils.errors import AssetError

WORDS = ["king", "queen", "man", "woman", "apple", "Paris"]
MATRIX = np.array([[1, 1, 0], [1, -1, 0], [0, 1, 0.1], [0, -1, 0.1], [0, 0, 1], [5, 0, 0]],
                  dtype=np.float32)


@pytest.fixture
def pairs_file(tmp_path):
    path = tmp_path / "pairs.tsv"
    path.write_text("# comment\nking\tqueen\t8\nman\twoman\t7\nking\tapple\t1\n"
                    "queen\tapple\t2\nman\tzebra\t5\nbad line\n", encoding="utf-8")
    return path


@pytest.fixture
def analogy_file(tmp_path):
    path = tmp_path / "questions.txt"
    path.write_text(": family\nman woman king queen\nwoman man queen king\nman woman king zebra\n"
                    ": gram-plural\nman king woman apple\n", encoding="utf-8")
    return path


def test_as_table_accepts_three_forms_and_lowercases():
    from_pair = wv.as_table((WORDS, MATRIX))
    from_dict = wv.as_table(dict(zip(WORDS, MATRIX, strict=True)))
    assert from_pair.words == from_dict.words == WORDS
    assert np.allclose(from_pair.matrix, from_dict.matrix)
    assert "paris" in from_pair and "Paris" not in from_pair and len(from_pair) == 6
    assert np.allclose(from_pair["paris"], [5, 0, 0])
    assert wv.as_table(from_pair) is from_pair
    assert np.allclose(np.linalg.norm(from_pair.unit(), axis=1), 1)


def test_as_table_accepts_gensim_and_torch():
    import torch
    from gensim.models import KeyedVectors

    kv = KeyedVectors(3)
    kv.add_vectors(WORDS, MATRIX)
    assert wv.as_table(kv).words == WORDS
    assert np.allclose(wv.as_table((WORDS, torch.from_numpy(MATRIX))).matrix, MATRIX)


def test_as_table_errors():
    with pytest.raises(TypeError, match="KeyedVectors"):
        wv.as_table([1, 2, 3])
    with pytest.raises(ValueError, match="empty"):
        wv.as_table({})
    with pytest.raises(ValueError, match="one vector per word"):
        wv.as_table((WORDS, MATRIX[:3]))
    with pytest.raises(TypeError, match="strings"):
        wv.as_table(([1, 2], np.zeros((2, 3))))
    with pytest.raises(TypeError, match="numbers"):
        wv.as_table((["a"], np.array([["x"]])))


def test_restrict_keeps_the_first_words():
    table = wv.as_table((WORDS, MATRIX)).restrict(2)
    assert table.words == ["king", "queen"] and "man" not in table
    assert wv.as_table((WORDS, MATRIX)).restrict(None).words == WORDS
    with pytest.raises(ValueError, match=">= 1"):
        wv.as_table((WORDS, MATRIX)).restrict(0)


def test_word_counts_orders_and_filters():
    words, counts = wv.word_counts([["b", "a", "a"], ["c", "a", "b"]])
    assert words == ["a", "b", "c"] and counts.tolist() == [3, 2, 1]
    words, counts = wv.word_counts([["b", "a", "a"], ["c", "a", "b"]], min_count=2)
    assert words == ["a", "b"]


def test_word_counts_errors():
    with pytest.raises(ValueError, match="empty"):
        wv.word_counts([[], []])
    with pytest.raises(TypeError, match="not one string"):
        wv.word_counts("a b c")
    with pytest.raises(TypeError, match="tokenise"):
        wv.word_counts(["a b", "c"])


def test_nearest_excludes_the_word_and_sorts():
    top = wv.nearest((WORDS, MATRIX), "KING", k=2)
    assert [w for w, _ in top] == ["Paris", "man"]
    assert top[0][1] >= top[1][1]
    with pytest.raises(KeyError, match="not in the vocabulary"):
        wv.nearest((WORDS, MATRIX), "zebra")


def test_read_word_pairs_and_analogies(pairs_file, analogy_file):
    rows = wv.read_word_pairs(pairs_file)
    assert rows[0] == ("king", "queen", 8.0) and len(rows) == 5
    questions = wv.read_analogies(analogy_file)
    assert questions[0] == ("family", ("man", "woman", "king", "queen")) and len(questions) == 4


def test_readers_errors(tmp_path):
    with pytest.raises(AssetError, match="not found"):
        wv.read_word_pairs(tmp_path / "missing.tsv")
    with pytest.raises(TypeError, match="benchmark name or a path"):
        wv.read_word_pairs(353)
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing\n", encoding="utf-8")
    with pytest.raises(AssetError, match="no 'word1"):
        wv.read_word_pairs(empty)
    with pytest.raises(AssetError, match="no 'a b c d'"):
        wv.read_analogies(empty)
    headless = tmp_path / "headless.txt"
    headless.write_text("a b c d\n", encoding="utf-8")
    with pytest.raises(AssetError, match="section"):
        wv.read_analogies(headless)


def test_evaluate_similarity_on_a_small_file(pairs_file):
    rho, oov = wv.evaluate_similarity((WORDS, MATRIX), pairs_file)
    assert oov == pytest.approx(1 / 5)
    assert -1 <= rho <= 1
    rho, oov = wv.evaluate_similarity(({"a": [1.0, 0.0]}), pairs_file)
    assert np.isnan(rho) and oov == 1.0


def test_evaluate_similarity_errors(tmp_path):
    with pytest.raises(AssetError):
        wv.evaluate_similarity((WORDS, MATRIX), tmp_path / "missing.tsv")
    with pytest.raises(TypeError):
        wv.evaluate_similarity("not vectors", "wordsim353")
    with pytest.raises(ValueError, match="empty"):
        wv.evaluate_similarity({}, "wordsim353")


def test_evaluate_analogies_on_a_small_file(analogy_file):
    table = (WORDS, np.array([[1, 0, 0], [1, 0, 1], [0, 1, 0], [0, 1, 1], [-1, -1, 0],
                              [0, 0, -1]], dtype=np.float32))
    acc, oov = wv.evaluate_analogies(table, analogy_file)
    assert oov == pytest.approx(1 / 4)
    assert acc == pytest.approx(2 / 3)  # the two 'family' questions right, the plural one wrong
    assert wv.evaluate_analogies(table, analogy_file, kind="semantic") == (1.0, pytest.approx(1 / 3))
    assert wv.evaluate_analogies(table, analogy_file, kind="syntactic") == (0.0, 0.0)
    acc, oov = wv.evaluate_analogies(table, analogy_file, restrict_vocab=2)
    assert np.isnan(acc) and oov == 1.0


def test_evaluate_analogies_errors(tmp_path, analogy_file):
    with pytest.raises(ValueError, match="kind"):
        wv.evaluate_analogies((WORDS, MATRIX), analogy_file, kind="lexical")
    with pytest.raises(AssetError):
        wv.evaluate_analogies((WORDS, MATRIX), tmp_path / "missing.txt")
    with pytest.raises(TypeError):
        wv.evaluate_analogies(42, analogy_file)


@pytest.fixture(scope="module")
def trained_kv():
    from gensim.models import Word2Vec

    from ptutils import data

    sents = data.embedding_corpus(fraction=0.3, seed=0)
    return Word2Vec(sents, vector_size=32, window=3, min_count=3, epochs=2, seed=0,
                    workers=1).wv


def test_scores_match_gensim_on_the_real_benchmarks(trained_kv):
    from ptutils import data

    for name in ("wordsim353", "simlex999"):
        _, spearman, oov_pct = trained_kv.evaluate_word_pairs(str(data.benchmark_path(name)))
        rho, oov = wv.evaluate_similarity(trained_kv, name)
        assert rho == pytest.approx(spearman.statistic, abs=1e-6)
        assert oov == pytest.approx(oov_pct / 100)
    score, _ = trained_kv.evaluate_word_analogies(str(data.benchmark_path("analogies")),
                                                  restrict_vocab=3000)
    acc, _ = wv.evaluate_analogies(trained_kv, "analogies", restrict_vocab=3000)
    assert acc == pytest.approx(score)
    # the (words, matrix) form of the same vectors gives the same numbers
    pair = (trained_kv.index_to_key, trained_kv.vectors)
    assert wv.evaluate_similarity(pair, "wordsim353") == wv.evaluate_similarity(trained_kv,
                                                                                 "wordsim353")
