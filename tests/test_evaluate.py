"""Tests for ptutils.evaluate: cross-validation and the paired bootstrap."""

import numpy as np
import pytest

from ptutils import evaluate as ev
from ptutils.evaluate import CVResult, cross_validate


def test_cross_validate_perfect_and_majority_predictors():
    y = np.array([0] * 10 + [1] * 10)
    perfect = cross_validate(lambda tr, te: y[te], y, n_splits=5)
    assert perfect.scores == [1.0] * 5 and perfect.mean == 1.0 and perfect.std == 0.0
    zeros = cross_validate(lambda tr, te: np.zeros(len(te), dtype=int), y, n_splits=5)
    assert zeros.mean == pytest.approx(0.5)  # stratified folds keep the balance
    assert "± " in str(zeros) and "n=5" in str(zeros)


def test_cross_validate_is_deterministic_for_a_seed():
    y = np.arange(30) % 3
    seen = []
    cross_validate(lambda tr, te: seen.append(te.copy()) or y[te], y, n_splits=3, seed=1)
    again = []
    cross_validate(lambda tr, te: again.append(te.copy()) or y[te], y, n_splits=3, seed=1)
    assert all(np.array_equal(a, b) for a, b in zip(seen, again))


def test_cross_validate_wrong_prediction_count():
    y = np.array([0, 1] * 5)
    with pytest.raises(ValueError, match="predictions"):
        cross_validate(lambda tr, te: y[te][:-1], y, n_splits=2)


def test_cross_validate_custom_metric():
    from sklearn.metrics import f1_score

    y = np.array([0, 1] * 10)
    res = cross_validate(lambda tr, te: y[te], y, n_splits=2, metric=f1_score)
    assert isinstance(res, CVResult) and res.mean == 1.0


# --- the paired bootstrap of two models on one test set ---

def _perfect_and_random(n: int = 200, seed: int = 0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    return y, y.copy(), rng.integers(0, 2, n)


def test_paired_bootstrap_perfect_vs_random():
    y, perfect, rand = _perfect_and_random()
    res = ev.paired_bootstrap(y, perfect, rand, n_boot=500)
    assert isinstance(res, ev.PairedBootstrap)
    assert res.diff == pytest.approx(1 - np.mean(rand == y))
    assert res.low <= res.diff <= res.high and res.low > 0.3 and res.p_value < 0.01
    assert ev.paired_bootstrap(y, rand, perfect, n_boot=500).p_value == 1.0
    assert "p = " in str(res)


def test_paired_bootstrap_finds_no_difference_between_identical_models():
    y, _, rand = _perfect_and_random()
    res = ev.paired_bootstrap(y, rand, rand, n_boot=200, seed=1)
    assert (res.diff, res.low, res.high) == (0.0, 0.0, 0.0) and res.p_value == 1.0
    assert (ev.paired_bootstrap(y, rand, 1 - y, n_boot=100, seed=2)
            == ev.paired_bootstrap(y, rand, 1 - y, n_boot=100, seed=2))


def test_paired_bootstrap_takes_a_metric_and_float_scores():
    from sklearn.metrics import f1_score, roc_auc_score

    y, perfect, rand = _perfect_and_random()
    res = ev.paired_bootstrap(y, perfect, rand, metric=f1_score, n_boot=200)
    assert res.diff == pytest.approx(1 - f1_score(y, rand))
    scores = y + np.random.default_rng(1).normal(0, 0.5, len(y))  # float scores are accepted
    assert ev.paired_bootstrap(y, scores, rand, metric=roc_auc_score, n_boot=200).low > 0.2


def test_paired_bootstrap_narrows_with_more_test_items():
    rng = np.random.default_rng(0)
    widths = []
    for n in (40, 1000):
        y = rng.integers(0, 2, n)
        a = np.where(rng.random(n) < 0.8, y, 1 - y)  # right 80 % of the time
        b = np.where(rng.random(n) < 0.7, y, 1 - y)  # right 70 % of the time
        res = ev.paired_bootstrap(y, a, b, n_boot=500)
        widths.append(res.high - res.low)
    assert widths[0] > 3 * widths[1]  # width ~ 1 / sqrt(n): 5x here


def test_paired_bootstrap_rejects_bad_input():
    y = np.array([0, 1, 1, 0])
    with pytest.raises(ValueError, match="pred_b has shape"):
        ev.paired_bootstrap(y, y, y[:2])
    with pytest.raises(ValueError, match="pred_a has shape"):
        ev.paired_bootstrap(y, y[:3], y)
    with pytest.raises(TypeError, match="integer class ids"):
        ev.paired_bootstrap(["pos", "neg", "neg", "pos"], y, y)
    with pytest.raises(TypeError, match="integer class ids"):
        ev.paired_bootstrap(y, y, np.array(["pos", "neg", "neg", "pos"]))
    with pytest.raises(ValueError, match="n_boot"):
        ev.paired_bootstrap(y, y, y, n_boot=0)
    with pytest.raises(ValueError, match="alpha"):
        ev.paired_bootstrap(y, y, y, alpha=1.5)


def test_paired_bootstrap_default_accuracy_equals_the_metric_loop():
    from sklearn.metrics import accuracy_score

    rng = np.random.default_rng(3)
    y, a, b = rng.integers(0, 3, 80), rng.integers(0, 3, 80), rng.integers(0, 3, 80)
    fast = ev.paired_bootstrap(y, a, b, n_boot=300, seed=4)  # the vectorised default
    slow = ev.paired_bootstrap(y, a, b, metric=accuracy_score, n_boot=300, seed=4)
    assert fast == pytest.approx(slow, abs=1e-12)
