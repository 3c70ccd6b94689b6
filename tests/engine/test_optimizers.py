"""Optimizers against hand-written scalar references of PyTorch's algorithm boxes.

The references below are written element by element in plain Python from the docs of
torch.optim (SGD, RMSprop, Adam, Adamax, Adagrad, Adadelta); they share no code with the engine.
"""

from __future__ import annotations

import copy
import dataclasses
import math

import numpy as np
import pytest

from gdplayground.engine import optimizers as opt

# PyTorch's documented defaults (SGD's three flavours differ only in momentum and nesterov).
PYTORCH_DEFAULTS = {
    "gd": {"momentum": 0.0, "dampening": 0.0, "nesterov": False, "weight_decay": 0.0},
    "momentum": {"momentum": 0.9, "dampening": 0.0, "nesterov": False, "weight_decay": 0.0},
    "nesterov": {"momentum": 0.9, "dampening": 0.0, "nesterov": True, "weight_decay": 0.0},
    "rmsprop": {"alpha": 0.99, "eps": 1e-8, "weight_decay": 0.0, "momentum": 0.0, "centered": False},
    "adam": {"betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0, "amsgrad": False},
    "adamax": {"betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0},
    "adagrad": {"lr_decay": 0.0, "weight_decay": 0.0, "initial_accumulator_value": 0.0, "eps": 1e-10},
    "adadelta": {"rho": 0.9, "eps": 1e-6, "weight_decay": 0.0},
}


# ---------------------------------------------------------------------------------------------
# Scalar references: one parameter, a list of gradients and rates -> the list of updates.


def ref_sgd(p, grads, lrs, momentum, dampening, nesterov, weight_decay):
    out, buf = [], None
    for grad, lr in zip(grads, lrs):
        g = grad + weight_decay * p if weight_decay != 0 else grad
        if momentum != 0:
            buf = g if buf is None else momentum * buf + (1 - dampening) * g
            g = g + momentum * buf if nesterov else buf
        u = -lr * g
        out.append(u)
        p = p + u
    return out


def ref_rmsprop(p, grads, lrs, alpha, eps, weight_decay, momentum, centered):
    out, v, gave, b = [], 0.0, 0.0, 0.0
    for grad, lr in zip(grads, lrs):
        g = grad + weight_decay * p if weight_decay != 0 else grad
        v = alpha * v + (1 - alpha) * (g * g)
        vt = v
        if centered:
            gave = alpha * gave + (1 - alpha) * g
            vt = vt - gave * gave
        if momentum > 0:
            b = momentum * b + g / (math.sqrt(vt) + eps)
            u = -lr * b
        else:
            u = -lr * (g / (math.sqrt(vt) + eps))
        out.append(u)
        p = p + u
    return out


def ref_adam(p, grads, lrs, betas, eps, weight_decay, amsgrad):
    b1, b2 = betas
    out, m, v, vmax = [], 0.0, 0.0, 0.0
    for t, (grad, lr) in enumerate(zip(grads, lrs), start=1):
        g = grad + weight_decay * p if weight_decay != 0 else grad
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * (g * g)
        if amsgrad:
            vmax = max(vmax, v)
            second = vmax
        else:
            second = v
        # PyTorch's arrangement: denom = sqrt(v) / sqrt(1 - b2^t) + eps, step = lr / (1 - b1^t)
        denom = math.sqrt(second) / math.sqrt(1 - b2**t) + eps
        u = -(lr / (1 - b1**t)) * (m / denom)
        out.append(u)
        p = p + u
    return out


def ref_adamax(p, grads, lrs, betas, eps, weight_decay):
    b1, b2 = betas
    out, m, inf = [], 0.0, 0.0
    for t, (grad, lr) in enumerate(zip(grads, lrs), start=1):
        g = grad + weight_decay * p if weight_decay != 0 else grad
        m = b1 * m + (1 - b1) * g
        inf = max(b2 * inf, abs(g) + eps)
        u = -(lr / (1 - b1**t)) * (m / inf)
        out.append(u)
        p = p + u
    return out


def ref_adagrad(p, grads, lrs, lr_decay, weight_decay, initial_accumulator_value, eps):
    out, s = [], initial_accumulator_value
    for t, (grad, lr) in enumerate(zip(grads, lrs), start=1):
        g = grad + weight_decay * p if weight_decay != 0 else grad
        clr = lr / (1 + (t - 1) * lr_decay)
        s = s + g * g
        u = -clr * (g / (math.sqrt(s) + eps))
        out.append(u)
        p = p + u
    return out


def ref_adadelta(p, grads, lrs, rho, eps, weight_decay):
    out, v, acc = [], 0.0, 0.0
    for grad, lr in zip(grads, lrs):
        g = grad + weight_decay * p if weight_decay != 0 else grad
        v = rho * v + (1 - rho) * (g * g)
        delta = math.sqrt(acc + eps) / math.sqrt(v + eps) * g
        acc = rho * acc + (1 - rho) * (delta * delta)
        u = -lr * delta
        out.append(u)
        p = p + u
    return out


REFERENCES = {
    "gd": ref_sgd,
    "momentum": ref_sgd,
    "nesterov": ref_sgd,
    "rmsprop": ref_rmsprop,
    "adam": ref_adam,
    "adamax": ref_adamax,
    "adagrad": ref_adagrad,
    "adadelta": ref_adadelta,
}

CASES = [
    ("gd", {}),
    ("gd", {"weight_decay": 0.1}),
    ("gd", {"momentum": 0.5, "dampening": 0.3}),
    ("momentum", {}),
    ("momentum", {"dampening": 0.5, "weight_decay": 0.01}),
    ("nesterov", {}),
    ("nesterov", {"momentum": 0.8, "weight_decay": 0.05}),
    ("rmsprop", {}),
    ("rmsprop", {"centered": True}),
    ("rmsprop", {"momentum": 0.9}),
    ("rmsprop", {"centered": True, "momentum": 0.5, "weight_decay": 0.1, "alpha": 0.9}),
    ("adam", {}),
    ("adam", {"amsgrad": True}),
    ("adam", {"betas": (0.8, 0.99), "eps": 1e-3, "weight_decay": 0.1, "amsgrad": True}),
    ("adamax", {}),
    ("adamax", {"betas": (0.5, 0.9), "weight_decay": 0.1}),
    ("adagrad", {}),
    ("adagrad", {"lr_decay": 0.1}),
    ("adagrad", {"initial_accumulator_value": 0.5, "eps": 1e-3, "weight_decay": 0.1}),
    ("adadelta", {}),
    ("adadelta", {"rho": 0.5, "eps": 1e-3, "weight_decay": 0.1}),
]
CASE_IDS = [f"{n}-{'-'.join(f'{k}={v}' for k, v in h.items()) or 'defaults'}" for n, h in CASES]

LRS = [0.1, 0.03, 0.2, 0.05, 0.01, 0.15]
# Large then small gradients, so AMSGrad's running maximum and Adamax's decay both matter.
SCALES = [3.0, 0.1, 2.0, 0.01, 1.0, 0.001]
SHAPES = {"W1": (3, 2), "b1": (2,), "W2": (2, 1), "b2": (1,)}


def make_params(shapes):
    rng = np.random.default_rng(1)
    return {k: rng.normal(size=s) for k, s in shapes.items()}


def make_grads(shapes):
    rng = np.random.default_rng(2)
    seq = []
    for scale in SCALES:
        grads = {k: rng.normal(size=s) * scale for k, s in shapes.items()}
        next(iter(grads.values())).flat[0] = 0.0  # a zero gradient exercises the eps paths
        seq.append(grads)
    return seq


def run_ours(name, hyper, params, grad_seq):
    o = opt.create(name, **hyper)
    state = o.init(params)
    steps = []
    for grads, lr in zip(grad_seq, LRS):
        updates, state = o.update(grads, state, params, lr)
        steps.append(updates)
        params = {k: params[k] + updates[k] for k in params}
    return steps, state


def run_reference(name, hyper, params, grad_seq):
    ref, full = REFERENCES[name], {**PYTORCH_DEFAULTS[name], **hyper}
    steps = [{} for _ in grad_seq]
    for k, p in params.items():
        per_element = [
            ref(float(p.flat[i]), [float(g[k].flat[i]) for g in grad_seq], LRS, **full)
            for i in range(p.size)
        ]
        for t, step in enumerate(steps):
            step[k] = np.array([u[t] for u in per_element]).reshape(p.shape)
    return steps


def assert_steps_equal(ours, expected):
    assert len(ours) == len(expected)
    for ours_t, expected_t in zip(ours, expected):
        assert ours_t.keys() == expected_t.keys()
        for k in expected_t:
            np.testing.assert_allclose(ours_t[k], expected_t[k], rtol=1e-15, atol=0)


def all_arrays(state):
    for field in dataclasses.fields(state):
        value = getattr(state, field.name)
        if isinstance(value, dict):
            yield from value.values()


# ---------------------------------------------------------------------------------------------
# The rules


def test_cases_cover_every_optimizer():
    assert {n for n, _ in CASES} == set(opt.NAMES)


@pytest.mark.parametrize(("name", "hyper"), CASES, ids=CASE_IDS)
def test_matches_reference_single_key(name, hyper):
    shapes = {"theta": (7,)}
    params, grad_seq = make_params(shapes), make_grads(shapes)
    ours, state = run_ours(name, hyper, params, grad_seq)
    assert_steps_equal(ours, run_reference(name, hyper, params, grad_seq))
    assert state.step == len(LRS)


@pytest.mark.parametrize(("name", "hyper"), CASES, ids=CASE_IDS)
def test_matches_reference_many_keys(name, hyper):
    params, grad_seq = make_params(SHAPES), make_grads(SHAPES)
    ours, _ = run_ours(name, hyper, params, grad_seq)
    assert_steps_equal(ours, run_reference(name, hyper, params, grad_seq))


@pytest.mark.parametrize(("name", "hyper"), CASES, ids=CASE_IDS)
def test_flat_and_per_layer_agree_bit_for_bit(name, hyper):
    # The engine flattens every weight into one key; that must not change a single bit.
    params, grad_seq = make_params(SHAPES), make_grads(SHAPES)
    flat = {"theta": np.concatenate([p.ravel() for p in params.values()])}
    flat_grads = [{"theta": np.concatenate([g.ravel() for g in gs.values()])} for gs in grad_seq]
    per_layer, _ = run_ours(name, hyper, params, grad_seq)
    flattened, _ = run_ours(name, hyper, flat, flat_grads)
    for a, b in zip(per_layer, flattened):
        np.testing.assert_array_equal(np.concatenate([u.ravel() for u in a.values()]), b["theta"])


def test_amsgrad_case_actually_uses_the_maximum():
    shapes = {"theta": (7,)}
    params, grad_seq = make_params(shapes), make_grads(shapes)
    plain = run_reference("adam", {}, params, grad_seq)
    ams = run_reference("adam", {"amsgrad": True}, params, grad_seq)
    assert not np.array_equal(plain[-1]["theta"], ams[-1]["theta"])


def test_sgd_momentum_buffer_starts_at_the_gradient():
    o = opt.create("momentum", momentum=0.9, dampening=0.5)
    params = {"w": np.array([1.0, -2.0])}
    grads = {"w": np.array([0.5, 4.0])}
    state = o.init(params)
    assert state.momentum_buffer is None
    _, state = o.update(grads, state, params, 0.1)
    np.testing.assert_array_equal(state.momentum_buffer["w"], grads["w"])  # no dampening yet
    _, state = o.update(grads, state, params, 0.1)
    np.testing.assert_array_equal(state.momentum_buffer["w"], 0.9 * grads["w"] + 0.5 * grads["w"])


def test_centered_rmsprop_stays_finite_when_the_variance_rounds_below_zero():
    o = opt.create("rmsprop", centered=True)
    params = {"w": np.array([0.3, -1.7, 2.9])}
    grads = {"w": np.array([0.1, -3.7, 1e-3])}
    state = o.init(params)
    for _ in range(6000):  # constant gradient: variance -> 0 and rounding decides its sign
        updates, state = o.update(grads, state, params, 0.01)
    assert np.all(np.isfinite(updates["w"]))


# ---------------------------------------------------------------------------------------------
# Purity and read-only records


def snapshot(obj):
    return copy.deepcopy(obj)


def assert_same(a, b):
    assert a.keys() == b.keys()
    for k in a:
        np.testing.assert_array_equal(a[k], b[k])


@pytest.mark.parametrize(("name", "hyper"), CASES, ids=CASE_IDS)
def test_init_and_update_never_touch_their_inputs(name, hyper):
    params, grad_seq = make_params(SHAPES), make_grads(SHAPES)
    o = opt.create(name, **hyper)
    params_before = snapshot(params)
    state = o.init(params)
    assert_same(params, params_before)
    for grads, lr in zip(grad_seq, LRS):
        grads_before, state_before = snapshot(grads), snapshot(state)
        updates, new_state = o.update(grads, state, params, lr)
        assert new_state is not state
        assert_same(params, params_before)
        assert_same(grads, grads_before)
        assert all(p.flags.writeable for p in params.values())  # flags of the caller's arrays too
        assert all(g.flags.writeable for g in grads.values())
        assert state.step == state_before.step
        for old, kept in zip(all_arrays(state), all_arrays(state_before)):
            np.testing.assert_array_equal(old, kept)
        for new in [*all_arrays(new_state), *updates.values()]:
            assert not any(np.shares_memory(new, x) for x in [*params.values(), *grads.values()])
        state = new_state


@pytest.mark.parametrize(("name", "hyper"), CASES, ids=CASE_IDS)
def test_state_and_update_arrays_are_read_only(name, hyper):
    params, grad_seq = make_params(SHAPES), make_grads(SHAPES)
    o = opt.create(name, **hyper)
    state = o.init(params)
    assert all(not a.flags.writeable for a in all_arrays(state))
    for grads, lr in zip(grad_seq[:3], LRS):
        updates, state = o.update(grads, state, params, lr)
        arrays = [*all_arrays(state), *updates.values()]
        assert arrays and all(not a.flags.writeable for a in arrays)
        assert all(a.dtype == np.float64 for a in arrays)
        with pytest.raises(dataclasses.FrozenInstanceError):
            state.step = 0  # type: ignore[misc]


STATE_FIELDS = {
    "gd": ("step", "momentum_buffer"),
    "momentum": ("step", "momentum_buffer"),
    "nesterov": ("step", "momentum_buffer"),
    "rmsprop": ("step", "square_avg", "momentum_buffer", "grad_avg"),
    "adam": ("step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"),
    "adamax": ("step", "exp_avg", "exp_inf"),
    "adagrad": ("step", "sum"),
    "adadelta": ("step", "square_avg", "acc_delta"),
}


@pytest.mark.parametrize("name", opt.NAMES)
def test_state_records_use_pytorch_names(name):
    state = opt.create(name).init({"w": np.zeros(3)})
    assert tuple(f.name for f in dataclasses.fields(state)) == STATE_FIELDS[name]
    assert state.step == 0


def test_optional_buffers_exist_only_when_used():
    params = {"w": np.zeros(2)}
    plain = opt.create("rmsprop").init(params)
    assert plain.momentum_buffer is None and plain.grad_avg is None
    full = opt.create("rmsprop", momentum=0.5, centered=True).init(params)
    assert full.momentum_buffer is not None and full.grad_avg is not None
    assert opt.create("adam").init(params).max_exp_avg_sq is None
    assert opt.create("adam", amsgrad=True).init(params).max_exp_avg_sq is not None
    assert opt.create("adagrad", initial_accumulator_value=0.25).init(params).sum["w"].tolist() == [0.25, 0.25]


# ---------------------------------------------------------------------------------------------
# Registry and validation


def test_registry_tables_cover_every_name():
    assert opt.NAMES == ("gd", "momentum", "nesterov", "rmsprop", "adam", "adamax", "adagrad", "adadelta")
    assert opt.HYPERPARAMETERS == PYTORCH_DEFAULTS
    assert opt.DEFAULT_LR == {
        "gd": 0.03, "momentum": 0.03, "nesterov": 0.03, "rmsprop": 0.01,
        "adam": 0.01, "adamax": 0.02, "adagrad": 0.1, "adadelta": 1.0,
    }
    for name in opt.NAMES:
        assert opt.RULES[name] and "\n" not in opt.RULES[name]


@pytest.mark.parametrize("name", opt.NAMES)
def test_create_fills_defaults_and_keeps_its_hyperparameters_immutable(name):
    o = opt.create(name)
    assert o.name == name
    assert dict(o.hyper) == PYTORCH_DEFAULTS[name]
    with pytest.raises(TypeError):
        o.hyper["eps"] = 1.0  # type: ignore[index]
    opt.HYPERPARAMETERS[name]["weight_decay"] = 123.0  # a careless caller ...
    try:
        assert opt.create(name).hyper["weight_decay"] == 0.0  # ... changes nothing
    finally:
        opt.HYPERPARAMETERS[name]["weight_decay"] = 0.0


def test_create_accepts_lists_and_numpy_values():
    o = opt.create("adam", betas=[0.5, 0.75], eps=np.float64(1e-6), amsgrad=np.bool_(True))
    assert o.hyper["betas"] == (0.5, 0.75) and o.hyper["amsgrad"] is True
    assert opt.create("gd", momentum=1).hyper["momentum"] == 1.0


BAD = [
    ("sgd", {}, "unknown optimizer 'sgd'; choose one of: gd, momentum"),
    ("adam", {"lr": 0.1}, "lr is not an optimizer setting here"),
    ("adam", {"beta1": 0.9}, "unknown hyperparameter 'beta1'; allowed: betas, eps"),
    ("gd", {"alpha": 0.9}, "unknown hyperparameter 'alpha'"),
    ("adam", {"eps": -1e-8}, "eps must be >= 0, got -1e-08"),
    ("adam", {"betas": (0.9, 1.0)}, "betas must be two numbers, each in [0, 1), got (0.9, 1.0)"),
    ("adamax", {"betas": (-0.1, 0.9)}, "betas must be two numbers, each in [0, 1), got (-0.1, 0.9)"),
    ("adam", {"betas": 0.9}, "betas must be two numbers"),
    ("adam", {"betas": (0.9, 0.99, 0.999)}, "betas must be two numbers"),
    ("adam", {"amsgrad": "yes"}, "amsgrad must be True or False, got 'yes'"),
    ("nesterov", {"momentum": 0.0}, "nesterov=True needs momentum > 0 and dampening 0, got momentum=0.0"),
    ("gd", {"nesterov": True}, "nesterov=True needs momentum > 0"),
    ("nesterov", {"dampening": 0.1}, "dampening 0, got momentum=0.9, dampening=0.1"),
    ("momentum", {"momentum": -0.5}, "momentum must be >= 0, got -0.5"),
    ("momentum", {"dampening": 1.5}, "dampening must be in [0, 1], got 1.5"),
    ("gd", {"weight_decay": -1}, "weight_decay must be >= 0, got -1"),
    ("rmsprop", {"alpha": 1.5}, "alpha must be in [0, 1], got 1.5"),
    ("rmsprop", {"centered": 1}, "centered must be True or False, got 1"),
    ("rmsprop", {"eps": float("nan")}, "eps must be a finite number, got nan"),
    ("adagrad", {"lr_decay": -0.1}, "lr_decay must be >= 0, got -0.1"),
    ("adagrad", {"initial_accumulator_value": -1.0}, "initial_accumulator_value must be >= 0, got -1.0"),
    ("adadelta", {"rho": 1.1}, "rho must be in [0, 1], got 1.1"),
    ("adadelta", {"eps": "small"}, "eps must be a number, got 'small'"),
    ("adadelta", {"weight_decay": True}, "weight_decay must be a number, got True"),
    ("adam", {"eps": float("inf")}, "eps must be a finite number, got inf"),
]


@pytest.mark.parametrize(("name", "hyper", "message"), BAD, ids=[m for *_, m in BAD])
def test_create_rejects_with_a_plain_one_line_reason(name, hyper, message):
    with pytest.raises(ValueError) as err:
        opt.create(name, **hyper)
    text = str(err.value)
    assert message in text
    assert "\n" not in text


@pytest.mark.parametrize("name", opt.NAMES)
def test_each_rule_documents_its_math_and_paper(name):
    o = opt.create(name)
    doc = o.update.func.__doc__
    assert "theta_t" in doc and "torch.optim" in doc
    assert any(year in doc for year in ("1964", "1983", "2011", "2012", "2013", "2015"))


# ---------------------------------------------------------------------------------------------
# Against PyTorch itself, when it happens to be installed


TORCH_CLASSES = {
    "gd": "SGD", "momentum": "SGD", "nesterov": "SGD", "rmsprop": "RMSprop",
    "adam": "Adam", "adamax": "Adamax", "adagrad": "Adagrad", "adadelta": "Adadelta",
}


@pytest.mark.parametrize(("name", "hyper"), CASES, ids=CASE_IDS)
def test_matches_torch_optim(name, hyper):
    torch = pytest.importorskip("torch")
    shapes = {"theta": (7,)}
    params, grad_seq = make_params(shapes), make_grads(shapes)
    o = opt.create(name, **hyper)
    state, ours = o.init(params), params["theta"]
    p = torch.tensor(ours, dtype=torch.float64, requires_grad=True)
    # Our hyperparameter names are PyTorch's, so they pass straight through.
    torch_opt = getattr(torch.optim, TORCH_CLASSES[name])([p], lr=LRS[0], **dict(o.hyper))
    for grads, lr in zip(grad_seq, LRS):
        for group in torch_opt.param_groups:
            group["lr"] = lr  # the rate changes per step, as a scheduler would set it
        updates, state = o.update(grads, state, {"theta": ours}, lr)
        ours = ours + updates["theta"]
        p.grad = torch.tensor(grads["theta"], dtype=torch.float64)
        torch_opt.step()
        # PyTorch computes some moving averages with lerp: a few ulps apart, the same rule.
        np.testing.assert_allclose(p.detach().numpy(), ours, rtol=1e-13, atol=0)


@pytest.mark.parametrize("name", ["rmsprop", "adam", "adamax", "adagrad", "adadelta"])
def test_defaults_match_torch_signatures(name):
    torch = pytest.importorskip("torch")
    import inspect

    signature = inspect.signature(getattr(torch.optim, TORCH_CLASSES[name]).__init__)
    for key, value in opt.HYPERPARAMETERS[name].items():
        assert signature.parameters[key].default == value, key
