"""Tests for ptutils.train: loaders, evaluation and the small training loop."""

import numpy as np
import pytest
import torch
from torch import nn

from ptutils.train import History, evaluate, fit, make_loader, predict


def _blobs(n: int = 200, seed: int = 0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    X = rng.normal(size=(n, 2)).astype(np.float32) + 3.0 * y[:, None]  # two separable blobs
    return X, y


def test_make_loader_batches_and_shuffles_deterministically():
    X, y = _blobs(10)
    batches = list(make_loader(X, y, batch_size=4))
    assert [len(b[1]) for b in batches] == [4, 4, 2]
    assert batches[0][0].dtype == torch.float32  # float64 NumPy input becomes float32
    a = [b[1].tolist() for b in make_loader(X, y, batch_size=4, shuffle=True, seed=3)]
    b = [b[1].tolist() for b in make_loader(X, y, batch_size=4, shuffle=True, seed=3)]
    assert a == b


def test_make_loader_empty_is_a_clear_error():
    with pytest.raises(ValueError, match="non-empty"):
        make_loader(np.zeros((0, 2)))
    with pytest.raises(ValueError, match="non-empty"):
        make_loader()


def test_fit_learns_separable_blobs_and_returns_history():
    torch.manual_seed(0)
    X, y = _blobs()
    model = nn.Linear(2, 2)
    hist = fit(model, make_loader(X, y, shuffle=True), num_epochs=5, lr=0.05,
               val_loader=make_loader(X, y), progress=False, clip_grad=1.0)
    assert isinstance(hist, History)
    assert len(hist.train_loss) == len(hist.val_acc) == len(hist.seconds) == 5
    assert hist.train_loss[-1] < hist.train_loss[0]
    assert hist.val_acc[-1] > 0.9
    loss, acc = evaluate(model, make_loader(X, y))
    assert acc == pytest.approx(hist.val_acc[-1]) and loss > 0
    assert set(hist.as_dict()) == {"train_loss", "train_acc", "val_loss", "val_acc", "seconds"}


def test_fit_default_is_fused_adam_with_plain_adams_arithmetic(monkeypatch):
    """The default optimiser is Adam with fused=True on a CPU; it ends where plain Adam does."""
    X, y = _blobs()
    weights = []
    for plain in (False, True):
        torch.manual_seed(0)
        model = nn.Linear(2, 2)
        opt = torch.optim.Adam(model.parameters(), lr=0.05) if plain else None
        fit(model, make_loader(X, y, shuffle=True), num_epochs=3, lr=0.05, optimizer=opt,
            progress=False)
        weights.append(model.weight.detach().clone())
    torch.testing.assert_close(weights[0], weights[1], atol=1e-5, rtol=1e-5)
    seen = {}
    real_adam = torch.optim.Adam

    def spy(params, **kwargs):
        seen.update(kwargs)
        return real_adam(params, **kwargs)

    monkeypatch.setattr(torch.optim, "Adam", spy)
    fit(nn.Linear(2, 2), make_loader(X, y), num_epochs=1, progress=False)
    assert seen.get("fused") is True


def test_fit_without_validation_omits_val_keys():
    X, y = _blobs(20)
    hist = fit(nn.Linear(2, 2), make_loader(X, y), num_epochs=1, progress=False)
    assert "val_acc" not in hist.as_dict()


def test_fit_rejects_float_labels_with_a_clear_error():
    X, y = _blobs(20)
    with pytest.raises(TypeError, match="integer class ids"):
        fit(nn.Linear(2, 2), make_loader(X, y + 0.5), num_epochs=1, progress=False)


def test_fit_rejects_zero_epochs():
    X, y = _blobs(20)
    with pytest.raises(ValueError, match="num_epochs"):
        fit(nn.Linear(2, 2), make_loader(X, y), num_epochs=0)


class _TwoInputs(nn.Module):
    """logits = [a + b, 0]: class 0 when a + b > 0."""

    def forward(self, a, b):
        s = (a + b).unsqueeze(-1)  # (B, 1)
        return torch.cat([s, torch.zeros_like(s)], dim=-1)  # (B, 2)


def test_predict_batches_several_inputs_and_sets_eval_mode():
    a = np.array([1.0, -2.0, 3.0, -4.0, 0.5])  # float64 is converted like make_loader does
    b = np.array([0.0, 1.0, -5.0, 5.0, 0.0])
    model = _TwoInputs().train()
    y_pred = predict(model, a, b, batch_size=2)
    assert y_pred.tolist() == [0, 1, 1, 0, 0]
    assert not model.training


def test_predict_errors_name_the_problem():
    with pytest.raises(ValueError, match="non-empty"):
        predict(_TwoInputs())
    with pytest.raises(ValueError, match="differ in length"):
        predict(_TwoInputs(), np.zeros(3), np.zeros(2))
