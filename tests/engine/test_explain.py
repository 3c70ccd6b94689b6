"""The update inspector's numbers: the written-out rule of every optimizer and variant ends in
the engine's own w_new, bit for bit; its inputs are the StepRecord's; the gradient check agrees
with backprop; the phases of a step are the record's."""
import numpy as np
import pytest

from gdplayground import Run, RunConfig
from gdplayground.engine import optimizers
from gdplayground.engine.explain import (
    PHASES, check_record, explain_record, explain_update, gradient_check, phases, plain, setup_of,
)

BASE = RunConfig(points=80, hidden=(3, 2), batch_size=7, schedule="exponential",
                 schedule_settings={"gamma": 0.97})

# (optimizer, hyperparameters, keys the chain must show)
VARIANTS = [
    ("gd", {}, ["dw"]),
    ("gd", {"weight_decay": 0.05}, ["gw", "dw"]),
    ("momentum", {}, ["b", "dw"]),
    ("momentum", {"dampening": 0.3, "weight_decay": 0.01}, ["gw", "b", "dw"]),
    ("nesterov", {}, ["b", "dw"]),
    ("nesterov", {"weight_decay": 0.02}, ["gw", "b", "dw"]),
    ("rmsprop", {}, ["v", "denom", "dw"]),
    ("rmsprop", {"centered": True}, ["v", "gavg", "denom", "dw"]),
    ("rmsprop", {"momentum": 0.5}, ["v", "denom", "b", "dw"]),
    ("rmsprop", {"centered": True, "momentum": 0.9, "weight_decay": 0.01}, ["gw", "v", "gavg", "denom", "b", "dw"]),
    ("adam", {}, ["m", "v", "c1", "c2", "mhat", "vhat", "dw"]),
    ("adam", {"amsgrad": True}, ["m", "v", "vmax", "c1", "c2", "mhat", "vhat", "dw"]),
    ("adam", {"weight_decay": 0.01, "betas": (0.8, 0.99)}, ["gw", "m", "v", "c1", "c2", "mhat", "vhat", "dw"]),
    ("adamax", {}, ["m", "u", "c1", "dw"]),
    ("adamax", {"weight_decay": 0.03}, ["gw", "m", "u", "c1", "dw"]),
    ("adagrad", {}, ["s", "dw"]),
    ("adagrad", {"lr_decay": 0.01, "initial_accumulator_value": 0.1, "weight_decay": 0.01}, ["gw", "clr", "s", "dw"]),
    ("adadelta", {}, ["ad_v", "dx", "ad_u", "dw"]),
    ("adadelta", {"weight_decay": 0.01, "rho": 0.8}, ["gw", "ad_v", "dx", "ad_u", "dw"]),
]
IDS = [f"{o}-{'-'.join(h) or 'plain'}" for o, h, _ in VARIANTS]

# which optimizer-state field holds each stored quantity (to check the given "old" values)
STATE_OF = {
    "b_old": "momentum_buffer", "v_old": ("square_avg", "exp_avg_sq"), "gavg_old": "grad_avg",
    "m_old": "exp_avg", "vmax_old": "max_exp_avg_sq", "u_old": "exp_inf", "s_old": "sum",
    "ad_v_old": "square_avg", "ad_u_old": "acc_delta",
}


def _run(opt, hyper, **changes):
    cfg = BASE.replace(optimizer=opt, lr=optimizers.DEFAULT_LR[opt], hyper=hyper, **changes)
    return Run(cfg)


def _old_value(state, key, i):
    fields = STATE_OF[key]
    for f in (fields,) if isinstance(fields, str) else fields:
        arrays = getattr(state, f, None)
        if arrays is not None:
            return arrays["theta"][i]
    raise AssertionError(f"no state field for {key}")


@pytest.mark.parametrize(("opt", "hyper", "keys"), VARIANTS, ids=IDS)
def test_chain_ends_bit_exactly_in_the_engines_update(opt, hyper, keys):
    run = _run(opt, hyper, regularization="l2", reg_rate=0.01)
    records = [run.step() for _ in range(12)]  # from t = 1: buffers created, bias corrections large
    for rec in records:
        for i in range(run.network.layout.size):
            e = explain_record(run, rec, i)
            assert [t.key for t in e.terms] == keys + ["w_new"]
            # inputs are the record's numbers
            assert e.lookup("g").value == rec.grad[i]
            assert e.lookup("w_old").value == rec.theta_before[i]
            assert e.lookup("lr").value == rec.lr
            for term in e.given:
                if term.key in STATE_OF:
                    assert term.value == _old_value(rec.before.opt_state, term.key, i)
            # every stored quantity is recomputed exactly, and the chain ends in the engine's w_new
            for term in e.terms:
                assert term.agrees, (rec.step, i, term)
            assert e.lookup("dw").recorded == rec.delta[i] and e.lookup("dw").value == rec.delta[i]
            assert e.w_new == rec.theta_after[i]
            assert e.t == rec.before.opt_state.step + 1


@pytest.mark.parametrize(("opt", "hyper", "keys"), VARIANTS, ids=IDS)
def test_stored_state_lines_are_checked_against_the_record(opt, hyper, keys):
    run = _run(opt, hyper)
    run.train(steps=3)
    rec = run.step()
    e = explain_record(run, rec, 4)
    stored = [t for t in e.terms if t.recorded is not None]
    # Δw and w_new always; every optimizer with state stores at least one more quantity
    assert {"dw", "w_new"} <= {t.key for t in stored}
    if opt != "gd":
        assert len(stored) >= 3
    # a wrong number would be caught: tamper with the state before and the chain disagrees
    opt_obj = setup_of(run, rec).optimizer
    if opt != "gd":
        bent = explain_update(opt_obj.name, opt_obj.hyper, rec.lr, rec.grad[4] * 1.5, rec.theta_before[4],
                              rec.before.opt_state, rec.after.opt_state, 4, rec.delta[4], rec.theta_after[4])
        assert not all(t.agrees for t in bent.terms)


def test_written_rules_read_as_the_textbook():
    run = _run("gd", {})
    rec = run.step()
    e = explain_record(run, rec, 0)
    dw, w_new = e.lookup("dw"), e.lookup("w_new")
    assert plain(e.symbolic(dw)) == "−η·g"
    assert plain(e.symbolic(w_new)) == "w_old + Δw"
    g = rec.grad[0]
    g_text = f"{g:.6g}".replace("-", "−")
    assert plain(e.filled(dw)) == f"−{rec.lr:.6g}·" + (f"({g_text})" if g < 0 else g_text)
    assert e.text().splitlines()[-1].endswith(f"= {rec.theta_after[0]:.6g}".replace("-", "−"))
    adam = _run("adam", {})
    adam.train(steps=2)
    e = explain_record(adam, adam.step(), 3)
    assert plain(e.symbolic(e.lookup("mhat"))) == "m / (1 − β_1^t)"
    assert "0.9^3" in plain(e.filled(e.lookup("c1")))
    # negative numbers are bracketed after an operator, not at the start
    filled = plain(e.filled(e.lookup("m")))
    for token in filled.split("·")[1:]:
        assert not token.startswith("−")


def test_explains_the_optimizer_that_made_the_record_after_a_live_change():
    run = _run("gd", {})
    run.train(steps=5)
    run.reconfigure(run.config.replace(optimizer="adam", lr=0.01))
    run.train(steps=5)
    early, late = run.record_of(3), run.record_of(8)
    assert explain_record(run, early, 2).optimizer == "gd"
    e = explain_record(run, late, 2)
    assert e.optimizer == "adam" and e.t == 3  # Adam's own count restarted at the change
    assert e.w_new == late.theta_after[2]


@pytest.mark.parametrize("cfg", [
    BASE,
    BASE.replace(regularization="l2", reg_rate=0.03),
    BASE.replace(dataset="blobs3", loss="cross_entropy"),
    BASE.replace(loss="cross_entropy", activation="sigmoid"),
    BASE.replace(dataset="plane", hidden=(4,), activation="softplus"),
], ids=["tanh-squared", "l2", "softmax", "sigmoid-ce", "regression"])
def test_gradient_check_agrees_with_backprop(cfg):
    run = Run(cfg)
    run.train(steps=20)
    rec = run.step()
    for i in range(run.network.layout.size):
        check = check_record(run, rec, i)
        assert check.backprop == rec.grad[i]
        if abs(check.backprop) > 1e-5:  # below that, rounding of the loss dominates the difference
            assert check.rel_diff < 1e-6, (i, check)
        else:
            assert abs(check.backprop - check.numeric) < 1e-9


def test_gradient_check_catches_a_wrong_gradient():
    run = Run(BASE)
    rec = run.step()
    good = gradient_check(run, rec.batch, 0, theta=rec.theta_before)
    assert good.rel_diff < 1e-6
    # the same check on a different batch is a different gradient: the check must notice
    other = np.setdiff1d(np.arange(len(run.data.y_train)), rec.batch)[:7]
    moved = gradient_check(run, other, 0, theta=rec.theta_before)
    assert abs(moved.backprop - good.backprop) / abs(good.backprop) > 1e-3


@pytest.mark.parametrize("cfg", [BASE, BASE.replace(dataset="blobs3", loss="cross_entropy", hidden=(5,)),
                                 BASE.replace(regularization="l1", reg_rate=0.01)], ids=["binary", "softmax", "l1"])
def test_phases_are_the_records(cfg):
    run = Run(cfg)
    run.train(steps=4)
    rec = run.step()
    p = phases(run, rec)
    sizes = run.network.sizes
    assert PHASES == ("forward", "loss", "backward", "update")
    assert p.layers == len(sizes) and [len(a) for a in p.activations] == list(sizes)
    assert p.loss == rec.loss and p.data_loss == rec.data_loss and p.lr == rec.lr
    assert p.example == rec.batch[0]
    assert np.array_equal(p.point, run.data.x_train[rec.batch[0]])
    assert np.array_equal(p.activations[0], run.x_train[rec.batch[0]])
    # the example's output is what the network predicts for that point
    out = run.predict(p.point[None, :], theta=rec.theta_before)
    assert np.allclose(p.activations[-1], np.atleast_1d(out[0]), rtol=0, atol=1e-12)
    # backward: per neuron, ∂L/∂z summed over the batch is exactly the bias gradient
    assert p.neuron_grads[0] is None
    for layer in range(1, len(sizes)):
        assert np.array_equal(p.neuron_grads[layer], rec.grads[f"b{layer}"])
        assert p.batch_deltas[layer].shape == (len(rec.batch), sizes[layer])
    for name in rec.grads:
        assert np.array_equal(p.updates[name], rec.update[name])
        assert np.array_equal(p.params_after[name], p.params_before[name] + p.updates[name])
    assert p.example_loss >= 0
