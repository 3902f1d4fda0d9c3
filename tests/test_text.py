"""Tests for ptutils.text: vocabulary, padding, vectorisation."""

import numpy as np
import pytest

from ptutils.text import Vocab, pad_sequences, vectorize, vectorize_folds


def test_vocab_orders_by_frequency_and_reserves_pad_unk():
    v = Vocab([["b", "a", "a"], ["c", "a", "b"]])
    assert v.itos[:2] == ["<pad>", "<unk>"]
    assert v.itos[2:] == ["a", "b", "c"]
    assert v.encode(["a", "zzz"]) == [2, 1]
    assert v.decode([2, 3, 0, 0]) == ["a", "b"]
    assert "a" in v and "zzz" not in v and len(v) == 5


def test_vocab_min_freq_and_max_size():
    v = Vocab([["a", "a", "b", "b", "c"]], min_freq=2)
    assert v.itos == ["<pad>", "<unk>", "a", "b"]
    assert len(Vocab([["a", "b", "c", "d"]], max_size=3)) == 3


def test_vocab_empty_input_is_a_clear_error():
    with pytest.raises(ValueError, match="empty"):
        Vocab([[], []])


def test_pad_sequences_pads_cuts_and_reports_lengths():
    X, lengths = pad_sequences([[5, 6, 7], [8], []], max_len=2)
    assert X.tolist() == [[5, 6], [8, 0], [0, 0]]
    assert lengths.tolist() == [2, 1, 1]  # an empty text keeps one step for packing
    X, _ = pad_sequences([[1, 2, 3], [4]])
    assert X.shape == (2, 3) and X.dtype == np.int64


def test_pad_sequences_empty_is_a_clear_error():
    with pytest.raises(ValueError, match="no sequences"):
        pad_sequences([])


def test_vectorize_builds_and_reuses_vocab():
    X, lengths, vocab = vectorize(["The cat sat.", "A dog!"], max_len=4)
    assert X.shape == (2, 4) and lengths.tolist() == [3, 2]
    X2, _, vocab2 = vectorize(["the unicorn"], vocab=vocab, max_len=4)
    assert vocab2 is vocab
    assert X2[0, :2].tolist() == [vocab.stoi["the"], vocab.unk_id]


def test_vectorize_rejects_a_single_string():
    with pytest.raises(TypeError, match="list of strings"):
        vectorize("just one text")


def test_vectorize_folds_builds_the_vocabulary_on_the_training_fold_only():
    texts = ["the cat sat", "a dog ran", "the zebra"]
    X_tr, len_tr, X_te, len_te, vocab = vectorize_folds(texts, [0, 1], [2], max_len=4)
    assert X_tr.shape == (2, 4) and len_tr.tolist() == [3, 3]
    assert "zebra" not in vocab and "cat" in vocab
    assert X_te[0, 1] == vocab.unk_id and len_te.tolist() == [2]
    with pytest.raises(TypeError, match="list of strings"):
        vectorize_folds("one string", [0], [1])
