"""Tests for ptutils.models: the TF-IDF baseline and TextCNN."""

import numpy as np
import pytest
import torch

from ptutils.evaluate import cross_validate
from ptutils.models import TextCNN, tfidf_logreg


def test_textcnn_shapes_and_padding_row():
    model = TextCNN(vocab_size=50, num_classes=3, embed_dim=8, num_filters=4)
    X = torch.randint(1, 50, (5, 7))  # (B, T)
    assert model(X).shape == (5, 3)
    assert model(torch.randint(1, 50, (2, 1))).shape == (2, 3)  # shorter than the widest filter


def test_textcnn_from_pretrained_frozen_and_trainable():
    W = np.random.default_rng(0).normal(size=(20, 6)).astype(np.float32)
    frozen = TextCNN(20, embeddings=W, freeze=True)
    assert not frozen.embedding.weight.requires_grad
    assert torch.allclose(frozen.embedding.weight, torch.from_numpy(W))
    assert TextCNN(20, embeddings=W).embedding.weight.requires_grad


def test_textcnn_wrong_embedding_rows():
    with pytest.raises(ValueError, match="rows"):
        TextCNN(vocab_size=10, embeddings=np.zeros((9, 4)))


def test_tfidf_logreg_learns_topic_words_from_the_training_fold():
    texts = [f"the rocket reached orbit {i}" for i in range(10)] + \
            [f"the sermon spoke of god {i}" for i in range(10)]
    y = np.array([0] * 10 + [1] * 10)
    assert cross_validate(tfidf_logreg(texts, y), y, n_splits=5).mean == 1.0


def test_tfidf_logreg_errors_name_the_problem():
    with pytest.raises(TypeError, match="list of strings"):
        tfidf_logreg("one long string", [0])
    with pytest.raises(ValueError, match="2 texts but 3 labels"):
        tfidf_logreg(["a b", "c d"], [0, 1, 1])
    with pytest.raises(TypeError, match="integer class ids"):
        tfidf_logreg(["a b", "c d"], ["pos", "neg"])
