"""Tests for ptutils.models.TextCNN."""

import numpy as np
import pytest
import torch

from ptutils.models import TextCNN


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
