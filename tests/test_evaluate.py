"""Tests for ptutils.evaluate: label checks, cross-validation, mean ± std."""

import numpy as np
import pytest

from ptutils.evaluate import CVResult, check_labels, cross_validate, mean_std, tfidf_logreg


def test_check_labels_accepts_ints_and_integral_floats():
    assert check_labels([0, 1, 1]).dtype == np.int64
    assert check_labels(np.array([0.0, 2.0])).tolist() == [0, 2]


@pytest.mark.parametrize("bad", [["pos", "neg"], [0.5, 1.0], [True, False]])
def test_check_labels_wrong_type_names_the_fix(bad):
    with pytest.raises(TypeError, match="integer class ids"):
        check_labels(bad)


@pytest.mark.parametrize("bad", [[], [[0, 1]]])
def test_check_labels_empty_or_2d(bad):
    with pytest.raises(ValueError, match="non-empty 1-D"):
        check_labels(bad)


def test_check_labels_negative():
    with pytest.raises(ValueError, match="negative"):
        check_labels([0, -1])


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


def test_mean_std():
    assert mean_std([1, 3]) == (2.0, 1.0)
    with pytest.raises(ValueError, match="no values"):
        mean_std([])


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
