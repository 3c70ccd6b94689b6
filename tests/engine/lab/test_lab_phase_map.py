"""The (lr, momentum) map: cells equal single runs; on the bowl it shows the heavy-ball boundary."""
import numpy as np
import pytest

from gdplayground.engine.config import RunConfig
from gdplayground.engine.lab import phase_map
from gdplayground.engine.lab.surfaces import get
from gdplayground.engine.run import Run


def test_every_cell_equals_the_same_run_made_alone():
    base = RunConfig(dataset="sine", hidden=(6, 4), activation="relu", batch_size=8)
    lrs, momenta = [0.01, 0.1, 1.0, 50.0], [0.0, 0.5, 0.95]
    start = Run(base).evaluate()["train_loss"]
    cells = phase_map.network_map(Run(base), lrs, momenta, steps=60)
    assert len(cells) == len(lrs) * len(momenta)
    assert any(c.diverged for c in cells) and not all(c.diverged for c in cells)
    for cell in cells:
        alone = Run(base.replace(optimizer="momentum", lr=cell.lr, hyper={"momentum": cell.momentum}))
        alone.train(steps=60)
        with np.errstate(all="ignore"):
            final = alone.evaluate()["train_loss"]
        assert cell.at == (alone.diverged.step if alone.diverged else 0)
        assert cell.diverged == (alone.diverged is not None or final > phase_map.BLOW_UP * start)
        if alone.diverged:
            assert cell.final_loss is None
        else:
            assert cell.final_loss == pytest.approx(final, rel=1e-12, abs=1e-12)


def test_the_bowl_map_shows_the_heavy_ball_boundary():
    lrs = np.geomspace(0.02, 0.8, 25)
    momenta = np.linspace(0.0, 0.9, 10)
    cells = phase_map.surface_map(get("bowl"), (-4.0, 2.0), lrs, momenta, steps=400)
    checked = 0
    for c in cells:
        edge = 0.2 * (1.0 + c.momentum)  # converges iff lr·λ < 2(1 + β) for λ = 10
        if c.lr < 0.9 * edge:
            assert not c.diverged, c
            checked += 1
        elif c.lr > 1.1 * edge:
            assert c.diverged, c
            checked += 1
    assert checked > 200


def test_the_map_refuses_an_optimizer_without_momentum():
    with pytest.raises(ValueError, match="momentum"):
        phase_map.cell_configs(RunConfig(), [0.1], [0.5], optimizer="adam")
    with pytest.raises(ValueError, match="nesterov"):
        phase_map.network_map(Run(RunConfig()), [0.1], [0.0], 5, optimizer="nesterov")
