"""The loss of the student's network over a plane: exact slices, filter-normalised random
directions, a trajectory's principal plane; every grid point against the single-run objective."""
import numpy as np
import pytest

from gdplayground.engine.config import RunConfig
from gdplayground.engine.lab import loss_plane
from gdplayground.engine.run import Run


def _objective(run, theta):
    return run.loss_and_grad(theta, np.arange(len(run.data.y_train)))[0]


def _trained():
    run = Run(RunConfig(dataset="xor", hidden=(4, 3), regularization="l2", reg_rate=0.01, batch_size=20))
    path = [run.theta]
    for _ in range(60):
        path.append(run.step().theta_after)
    return run, np.array(path)


def test_a_slice_is_exact_and_moves_only_its_two_weights():
    run, _ = _trained()
    plane = loss_plane.slice_plane(run, ("W1", (0, 1)), ("b2", (2,)), span=1.5, size=7)
    assert plane.exact and "exact" in plane.label and plane.losses.shape == (7, 7)
    assert plane.losses[3, 3] == pytest.approx(_objective(run, run.theta), abs=1e-12)
    theta = run.theta.copy()
    theta[run.network.layout.index("W1", (0, 1))] += plane.a[5]
    theta[run.network.layout.index("b2", (2,))] += plane.b[1]
    assert plane.losses[1, 5] == pytest.approx(_objective(run, theta), abs=1e-12)


def test_random_directions_are_filter_normalised_and_the_path_is_a_projection():
    run, path = _trained()
    plane = loss_plane.random_plane(run, seed=3, size=5, trajectory=path)
    assert not plane.exact and "projection" in plane.label
    for (w, b), (dw, db) in zip(run.network.weights(run.theta), run.network.weights(plane.d1)):
        np.testing.assert_allclose(np.linalg.norm(dw, axis=0), np.linalg.norm(w, axis=0), rtol=1e-12)
        assert not db.any()
    np.testing.assert_allclose(plane.path[-1], [0.0, 0.0], atol=1e-12)  # the path ends at θ
    i, j = 4, 1
    theta = run.theta + plane.a[j] * plane.d1 + plane.b[i] * plane.d2
    assert plane.losses[i, j] == pytest.approx(_objective(run, theta), abs=1e-12)
    same = loss_plane.random_plane(run, seed=3, size=5)
    np.testing.assert_array_equal(same.losses, plane.losses)


def test_the_principal_plane_holds_most_of_the_path():
    run, path = _trained()
    plane = loss_plane.pca_plane(run, path, size=9)
    assert abs(plane.d1 @ plane.d2) < 1e-12 and "projection keeping" in plane.label
    back = run.theta + plane.path[:, :1] * plane.d1 + plane.path[:, 1:] * plane.d2
    kept = 1 - np.linalg.norm(back - path) ** 2 / np.linalg.norm(path - run.theta) ** 2
    assert kept > 0.8 and f"{kept:.0%}" in plane.label
    assert np.abs(plane.path).max() <= plane.a[-1]
    with pytest.raises(ValueError):
        loss_plane.pca_plane(run, path[:2])
    with pytest.raises(ValueError):
        loss_plane.slice_plane(run, ("W1", (0, 0)), ("W1", (0, 0)))
