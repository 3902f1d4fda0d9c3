"""Baselines reused across notebooks: TF-IDF + logistic regression, and TextCNN (imports torch)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import torch
import torch.nn as nn

__all__ = ["tfidf_logreg", "TextCNN"]


def tfidf_logreg(texts: Sequence[str], y, max_iter: int = 1000
                 ) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """The course's bag-of-words baseline as a fit_predict: a scikit-learn Pipeline of TF-IDF on
    data.tokenize and logistic regression, fitted on the training fold only."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    from .data import check_labels, tokenize

    if isinstance(texts, str) or not all(isinstance(t, str) for t in texts):
        raise TypeError("texts must be a list of strings (one document each)")
    y = check_labels(y)
    if len(texts) != len(y):
        raise ValueError(f"{len(texts)} texts but {len(y)} labels")

    def fit_predict(train_idx: np.ndarray, test_idx: np.ndarray) -> np.ndarray:
        model = make_pipeline(
            TfidfVectorizer(tokenizer=tokenize, token_pattern=None, lowercase=False),
            LogisticRegression(max_iter=max_iter))
        model.fit([texts[i] for i in train_idx], y[train_idx])
        return model.predict([texts[i] for i in test_idx])
    return fit_predict


class TextCNN(nn.Module):
    """Kim (2014): embeddings -> parallel 1-D convolutions of several widths -> max over time."""

    def __init__(self, vocab_size: int, num_classes: int = 2, embed_dim: int = 100,
                 filter_sizes: tuple[int, ...] = (3, 4, 5), num_filters: int = 100,
                 dropout: float = 0.5, embeddings: np.ndarray | None = None,
                 freeze: bool = False, pad_id: int = 0) -> None:
        super().__init__()
        if embeddings is not None:
            W = torch.as_tensor(np.asarray(embeddings), dtype=torch.float32)  # (V, D)
            if W.shape[0] != vocab_size:
                raise ValueError(f"embeddings have {W.shape[0]} rows, vocab_size is {vocab_size}")
            self.embedding = nn.Embedding.from_pretrained(W, freeze=freeze, padding_idx=pad_id)
            embed_dim = W.shape[1]
        else:
            self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=pad_id)
        self.convs = nn.ModuleList(nn.Conv1d(embed_dim, num_filters, k, padding=k - 1)
                                   for k in filter_sizes)
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(num_filters * len(filter_sizes), num_classes)

    def forward(self, X):
        """X: (B, T) token ids -> (B, num_classes) logits."""
        E = self.embedding(X).transpose(1, 2)  # (B, D, T): Conv1d wants channels first
        pooled = [torch.relu(conv(E)).amax(dim=2) for conv in self.convs]  # each (B, F)
        return self.fc(self.dropout(torch.cat(pooled, dim=1)))  # (B, K)
