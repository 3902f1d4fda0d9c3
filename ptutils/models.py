"""Baseline models reused across notebooks (imports torch: `from ptutils.models import TextCNN`)."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn as nn

__all__ = ["TextCNN"]


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
