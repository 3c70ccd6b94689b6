"""Textbook optimizers as pure update rules.

The shape follows optax (pure ``init``/``update`` functions, one docstring per rule with its math
and its paper); the hyperparameter names, defaults and arithmetic follow the algorithm boxes of
PyTorch's ``torch.optim`` documentation, so what a student learns here carries over unchanged.

Conventions:

* ``params``, ``grads`` and ``updates`` are dicts ``name -> float64 ndarray`` and
  ``new_params[k] = params[k] + updates[k]``.
* The learning rate comes from a schedule and is passed to every ``update`` call; it is never
  part of an optimizer's hyperparameters or state.
* ``update`` returns a new state record and never writes to its inputs. Arrays in states and
  updates are marked read-only, so another thread can draw them while training goes on.
* The engine usually passes one key holding every weight flattened; NumPy's cost here is the
  number of calls, so each rule is a handful of whole-array operations per key.

Use :func:`create` to build an optimizer by name with validated hyperparameters; the
``*_init``/``*_update`` functions below are the rules themselves and trust their arguments.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial
from types import MappingProxyType
from typing import Any, Callable, Mapping

import numpy as np

from .checks import finite_number

Array = np.ndarray
Params = Mapping[str, Array]
Grads = Mapping[str, Array]
Updates = dict[str, Array]
State = Any  # one of the *State records below

NAMES = ("gd", "momentum", "nesterov", "rmsprop", "adam", "adamax", "adagrad", "adadelta")

# Suggested starting learning rates for the UI; they suit the small networks of the playground,
# not PyTorch's defaults (those are tuned for large models and minibatches).
DEFAULT_LR: dict[str, float] = {
    "gd": 0.03,
    "momentum": 0.03,
    "nesterov": 0.03,
    "rmsprop": 0.01,
    "adam": 0.01,
    "adamax": 0.02,
    "adagrad": 0.1,
    "adadelta": 1.0,
}

_DEFAULTS: dict[str, dict[str, Any]] = {
    "gd": {"momentum": 0.0, "dampening": 0.0, "nesterov": False, "weight_decay": 0.0},
    "momentum": {"momentum": 0.9, "dampening": 0.0, "nesterov": False, "weight_decay": 0.0},
    "nesterov": {"momentum": 0.9, "dampening": 0.0, "nesterov": True, "weight_decay": 0.0},
    "rmsprop": {"alpha": 0.99, "eps": 1e-8, "weight_decay": 0.0, "momentum": 0.0, "centered": False},
    "adam": {"betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0, "amsgrad": False},
    "adamax": {"betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0},
    "adagrad": {"lr_decay": 0.0, "weight_decay": 0.0, "initial_accumulator_value": 0.0, "eps": 1e-10},
    "adadelta": {"rho": 0.9, "eps": 1e-6, "weight_decay": 0.0},
}

# A copy, so a caller editing these (say, a form) cannot change what create() falls back on.
HYPERPARAMETERS: dict[str, dict[str, Any]] = {n: dict(d) for n, d in _DEFAULTS.items()}

_DECAY = "g = grad + weight_decay * w;  "
RULES: dict[str, str] = {
    "gd": _DECAY + "w <- w - lr * g",
    "momentum": _DECAY
    + "b <- momentum * b + (1 - dampening) * g  (b = g at step 1);  w <- w - lr * b",
    "nesterov": _DECAY
    + "b <- momentum * b + g  (b = g at step 1);  w <- w - lr * (g + momentum * b)",
    "rmsprop": _DECAY
    + "v <- alpha * v + (1 - alpha) * g^2;  w <- w - lr * g / (sqrt(v) + eps)"
    + "  (centered: use v - mean(g)^2;  momentum: b <- momentum * b + g / (sqrt(v) + eps),"
    + " w <- w - lr * b)",
    "adam": _DECAY
    + "m <- beta1 * m + (1 - beta1) * g;  v <- beta2 * v + (1 - beta2) * g^2;"
    + "  w <- w - lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)"
    + "  (amsgrad: use the running maximum of v)",
    "adamax": _DECAY
    + "m <- beta1 * m + (1 - beta1) * g;  u <- max(beta2 * u, |g| + eps);"
    + "  w <- w - lr / (1 - beta1^t) * m / u",
    "adagrad": _DECAY
    + "s <- s + g^2;  w <- w - lr / (1 + (t - 1) * lr_decay) * g / (sqrt(s) + eps)",
    "adadelta": _DECAY
    + "v <- rho * v + (1 - rho) * g^2;  d = sqrt(u + eps) / sqrt(v + eps) * g;"
    + "  u <- rho * u + (1 - rho) * d^2;  w <- w - lr * d",
}


def _frozen(a: Array) -> Array:
    # Records cross threads; a read-only flag turns an accidental write into an error.
    a.flags.writeable = False
    return a


def _zeros(params: Params, fill: float = 0.0) -> dict[str, Array]:
    return {k: _frozen(np.full_like(p, fill, dtype=np.float64)) for k, p in params.items()}


def _decayed(grad: Array, param: Array, weight_decay: float) -> Array:
    # L2 penalty folded into the gradient (PyTorch's weight_decay), not decoupled as in AdamW.
    return grad + weight_decay * param if weight_decay != 0 else grad


# --------------------------------------------------------------------------------------------
# SGD: plain, heavy-ball momentum, Nesterov


@dataclass(frozen=True)
class SGDState:
    step: int
    momentum_buffer: dict[str, Array] | None  # None until the first step, or without momentum


def sgd_init(params: Params) -> SGDState:
    """The buffer is created at the first step, from the gradient itself (as PyTorch does)."""
    return SGDState(step=0, momentum_buffer=None)


def sgd_update(
    grads: Grads,
    state: SGDState,
    params: Params,
    lr: float,
    *,
    momentum: float,
    dampening: float,
    nesterov: bool,
    weight_decay: float,
) -> tuple[Updates, SGDState]:
    r"""Stochastic gradient descent, optionally with momentum (``torch.optim.SGD``).

    For t = 1, 2, ...::

        g_t = grad_t + weight_decay * theta_{t-1}                 (if weight_decay != 0)
        if momentum != 0:
            b_t = g_t                                             (t = 1)
            b_t = momentum * b_{t-1} + (1 - dampening) * g_t      (t > 1)
            g_t = g_t + momentum * b_t    if nesterov    else    b_t
        theta_t = theta_{t-1} - lr * g_t

    Heavy-ball momentum: B. T. Polyak, "Some methods of speeding up the convergence of iteration
    methods", USSR Computational Mathematics and Mathematical Physics 4(5), 1964.
    Nesterov momentum: Y. Nesterov, "A method for solving the convex programming problem with
    convergence rate O(1/k^2)", Soviet Mathematics Doklady 27, 1983; in the form used here,
    I. Sutskever, J. Martens, G. Dahl, G. Hinton, "On the importance of initialization and
    momentum in deep learning", ICML 2013.
    """
    step = state.step + 1
    updates: Updates = {}
    buffers: dict[str, Array] | None = None if momentum == 0 else {}
    for k, grad in grads.items():
        g = _decayed(grad, params[k], weight_decay)
        if buffers is not None:
            if state.momentum_buffer is None:
                buf = np.array(g, dtype=np.float64)  # a copy: the caller's gradient stays theirs
            elif dampening == 0:
                buf = momentum * state.momentum_buffer[k] + g
            else:
                buf = momentum * state.momentum_buffer[k] + (1.0 - dampening) * g
            buffers[k] = _frozen(buf)
            g = g + momentum * buf if nesterov else buf
        updates[k] = _frozen(-lr * g)
    return updates, SGDState(step=step, momentum_buffer=buffers)


# --------------------------------------------------------------------------------------------
# RMSprop


@dataclass(frozen=True)
class RMSpropState:
    step: int
    square_avg: dict[str, Array]
    momentum_buffer: dict[str, Array] | None  # only with momentum > 0
    grad_avg: dict[str, Array] | None  # only when centered


def rmsprop_init(params: Params, *, momentum: float, centered: bool) -> RMSpropState:
    """Zero square average; zero buffer and gradient average when those variants are on."""
    return RMSpropState(
        step=0,
        square_avg=_zeros(params),
        momentum_buffer=_zeros(params) if momentum > 0 else None,
        grad_avg=_zeros(params) if centered else None,
    )


def rmsprop_update(
    grads: Grads,
    state: RMSpropState,
    params: Params,
    lr: float,
    *,
    alpha: float,
    eps: float,
    weight_decay: float,
    momentum: float,
    centered: bool,
) -> tuple[Updates, RMSpropState]:
    r"""RMSprop (``torch.optim.RMSprop``).

    For t = 1, 2, ... (v_0 = 0, b_0 = 0, g^ave_0 = 0)::

        g_t = grad_t + weight_decay * theta_{t-1}                 (if weight_decay != 0)
        v_t = alpha * v_{t-1} + (1 - alpha) * g_t^2
        ~v_t = v_t
        if centered:
            g^ave_t = alpha * g^ave_{t-1} + (1 - alpha) * g_t
            ~v_t = v_t - (g^ave_t)^2
        if momentum > 0:
            b_t = momentum * b_{t-1} + g_t / (sqrt(~v_t) + eps)
            theta_t = theta_{t-1} - lr * b_t
        else:
            theta_t = theta_{t-1} - lr * g_t / (sqrt(~v_t) + eps)

    eps is added after the square root, as in PyTorch. One guard PyTorch lacks: in the centered
    variant ~v_t is a variance, so rounding that makes it slightly negative is clipped to 0
    instead of producing NaN; wherever PyTorch gives a finite result the two agree exactly.

    T. Tieleman, G. Hinton, "Lecture 6.5 - rmsprop: divide the gradient by a running average of
    its recent magnitude", COURSERA: Neural Networks for Machine Learning, 2012. Centered
    variant: A. Graves, "Generating sequences with recurrent neural networks", 2013.
    """
    square_avg: dict[str, Array] = {}
    grad_avg: dict[str, Array] | None = {} if centered else None
    buffers: dict[str, Array] | None = {} if momentum > 0 else None
    updates: Updates = {}
    for k, grad in grads.items():
        g = _decayed(grad, params[k], weight_decay)
        v = _frozen(alpha * state.square_avg[k] + (1.0 - alpha) * (g * g))
        square_avg[k] = v
        if grad_avg is not None:
            mean = _frozen(alpha * state.grad_avg[k] + (1.0 - alpha) * g)
            grad_avg[k] = mean
            avg = np.sqrt(np.maximum(v - mean * mean, 0.0)) + eps
        else:
            avg = np.sqrt(v) + eps
        if buffers is not None:
            buf = _frozen(momentum * state.momentum_buffer[k] + g / avg)
            buffers[k] = buf
            updates[k] = _frozen(-lr * buf)
        else:
            updates[k] = _frozen(-lr * (g / avg))
    new_state = RMSpropState(state.step + 1, square_avg, buffers, grad_avg)
    return updates, new_state


# --------------------------------------------------------------------------------------------
# Adam and AMSGrad


@dataclass(frozen=True)
class AdamState:
    step: int
    exp_avg: dict[str, Array]
    exp_avg_sq: dict[str, Array]
    max_exp_avg_sq: dict[str, Array] | None  # only with amsgrad


def adam_init(params: Params, *, amsgrad: bool) -> AdamState:
    """Zero first and second moments (and zero running maximum for AMSGrad)."""
    return AdamState(
        step=0,
        exp_avg=_zeros(params),
        exp_avg_sq=_zeros(params),
        max_exp_avg_sq=_zeros(params) if amsgrad else None,
    )


def adam_update(
    grads: Grads,
    state: AdamState,
    params: Params,
    lr: float,
    *,
    betas: tuple[float, float],
    eps: float,
    weight_decay: float,
    amsgrad: bool,
) -> tuple[Updates, AdamState]:
    r"""Adam (``torch.optim.Adam``), optionally AMSGrad.

    For t = 1, 2, ... (m_0 = 0, v_0 = 0, v^max_0 = 0)::

        g_t = grad_t + weight_decay * theta_{t-1}                 (if weight_decay != 0)
        m_t = beta1 * m_{t-1} + (1 - beta1) * g_t
        v_t = beta2 * v_{t-1} + (1 - beta2) * g_t^2
        m^_t = m_t / (1 - beta1^t)
        if amsgrad:
            v^max_t = max(v^max_{t-1}, v_t)
            v^_t = v^max_t / (1 - beta2^t)
        else:
            v^_t = v_t / (1 - beta2^t)
        theta_t = theta_{t-1} - lr * m^_t / (sqrt(v^_t) + eps)

    Computed as PyTorch does: ``denom = sqrt(v) / sqrt(1 - beta2^t) + eps`` and
    ``theta_t = theta_{t-1} - (lr / (1 - beta1^t)) * m_t / denom``.

    D. P. Kingma, J. Ba, "Adam: A method for stochastic optimization", ICLR 2015.
    AMSGrad: S. J. Reddi, S. Kale, S. Kumar, "On the convergence of Adam and beyond", ICLR 2018.
    """
    beta1, beta2 = betas
    step = state.step + 1
    step_size = lr / (1.0 - beta1**step)
    bias_correction2_sqrt = math.sqrt(1.0 - beta2**step)
    exp_avg: dict[str, Array] = {}
    exp_avg_sq: dict[str, Array] = {}
    max_sq: dict[str, Array] | None = {} if amsgrad else None
    updates: Updates = {}
    for k, grad in grads.items():
        g = _decayed(grad, params[k], weight_decay)
        m = _frozen(beta1 * state.exp_avg[k] + (1.0 - beta1) * g)
        v = _frozen(beta2 * state.exp_avg_sq[k] + (1.0 - beta2) * (g * g))
        exp_avg[k], exp_avg_sq[k] = m, v
        if max_sq is not None:
            v = _frozen(np.maximum(state.max_exp_avg_sq[k], v))
            max_sq[k] = v
        denom = np.sqrt(v) / bias_correction2_sqrt + eps
        updates[k] = _frozen(-step_size * (m / denom))
    return updates, AdamState(step, exp_avg, exp_avg_sq, max_sq)


# --------------------------------------------------------------------------------------------
# Adamax


@dataclass(frozen=True)
class AdamaxState:
    step: int
    exp_avg: dict[str, Array]
    exp_inf: dict[str, Array]


def adamax_init(params: Params) -> AdamaxState:
    """Zero first moment and zero infinity norm."""
    return AdamaxState(step=0, exp_avg=_zeros(params), exp_inf=_zeros(params))


def adamax_update(
    grads: Grads,
    state: AdamaxState,
    params: Params,
    lr: float,
    *,
    betas: tuple[float, float],
    eps: float,
    weight_decay: float,
) -> tuple[Updates, AdamaxState]:
    r"""Adamax, Adam with the infinity norm (``torch.optim.Adamax``).

    For t = 1, 2, ... (m_0 = 0, u_0 = 0)::

        g_t = grad_t + weight_decay * theta_{t-1}                 (if weight_decay != 0)
        m_t = beta1 * m_{t-1} + (1 - beta1) * g_t
        u_t = max(beta2 * u_{t-1}, |g_t| + eps)
        theta_t = theta_{t-1} - (lr / (1 - beta1^t)) * m_t / u_t

    D. P. Kingma, J. Ba, "Adam: A method for stochastic optimization", ICLR 2015, section 7.1.
    """
    beta1, beta2 = betas
    step = state.step + 1
    clr = lr / (1.0 - beta1**step)
    exp_avg: dict[str, Array] = {}
    exp_inf: dict[str, Array] = {}
    updates: Updates = {}
    for k, grad in grads.items():
        g = _decayed(grad, params[k], weight_decay)
        m = _frozen(beta1 * state.exp_avg[k] + (1.0 - beta1) * g)
        u = _frozen(np.maximum(beta2 * state.exp_inf[k], np.abs(g) + eps))
        exp_avg[k], exp_inf[k] = m, u
        updates[k] = _frozen(-clr * (m / u))
    return updates, AdamaxState(step, exp_avg, exp_inf)


# --------------------------------------------------------------------------------------------
# Adagrad


@dataclass(frozen=True)
class AdagradState:
    step: int
    sum: dict[str, Array]


def adagrad_init(params: Params, *, initial_accumulator_value: float) -> AdagradState:
    """The sum of squared gradients starts at ``initial_accumulator_value``."""
    return AdagradState(step=0, sum=_zeros(params, initial_accumulator_value))


def adagrad_update(
    grads: Grads,
    state: AdagradState,
    params: Params,
    lr: float,
    *,
    lr_decay: float,
    weight_decay: float,
    initial_accumulator_value: float,
    eps: float,
) -> tuple[Updates, AdagradState]:
    r"""Adagrad (``torch.optim.Adagrad``).

    For t = 1, 2, ... (s_0 = initial_accumulator_value)::

        g_t = grad_t + weight_decay * theta_{t-1}                 (if weight_decay != 0)
        clr_t = lr / (1 + (t - 1) * lr_decay)
        s_t = s_{t-1} + g_t^2
        theta_t = theta_{t-1} - clr_t * g_t / (sqrt(s_t) + eps)

    J. Duchi, E. Hazan, Y. Singer, "Adaptive subgradient methods for online learning and
    stochastic optimization", Journal of Machine Learning Research 12, 2011.
    """
    step = state.step + 1
    clr = lr / (1.0 + (step - 1) * lr_decay)
    sums: dict[str, Array] = {}
    updates: Updates = {}
    for k, grad in grads.items():
        g = _decayed(grad, params[k], weight_decay)
        s = _frozen(state.sum[k] + g * g)
        sums[k] = s
        updates[k] = _frozen(-clr * (g / (np.sqrt(s) + eps)))
    return updates, AdagradState(step, sums)


# --------------------------------------------------------------------------------------------
# Adadelta


@dataclass(frozen=True)
class AdadeltaState:
    step: int
    square_avg: dict[str, Array]
    acc_delta: dict[str, Array]


def adadelta_init(params: Params) -> AdadeltaState:
    """Zero running averages of squared gradients and of squared steps."""
    return AdadeltaState(step=0, square_avg=_zeros(params), acc_delta=_zeros(params))


def adadelta_update(
    grads: Grads,
    state: AdadeltaState,
    params: Params,
    lr: float,
    *,
    rho: float,
    eps: float,
    weight_decay: float,
) -> tuple[Updates, AdadeltaState]:
    r"""Adadelta (``torch.optim.Adadelta``).

    For t = 1, 2, ... (v_0 = 0, u_0 = 0)::

        g_t = grad_t + weight_decay * theta_{t-1}                 (if weight_decay != 0)
        v_t = rho * v_{t-1} + (1 - rho) * g_t^2
        dx_t = sqrt(u_{t-1} + eps) / sqrt(v_t + eps) * g_t
        u_t = rho * u_{t-1} + (1 - rho) * dx_t^2
        theta_t = theta_{t-1} - lr * dx_t

    The paper has no learning rate (lr = 1); PyTorch scales the step by lr, and so do we.

    M. D. Zeiler, "ADADELTA: An adaptive learning rate method", arXiv:1212.5701, 2012.
    """
    square_avg: dict[str, Array] = {}
    acc_delta: dict[str, Array] = {}
    updates: Updates = {}
    for k, grad in grads.items():
        g = _decayed(grad, params[k], weight_decay)
        v = _frozen(rho * state.square_avg[k] + (1.0 - rho) * (g * g))
        u_prev = state.acc_delta[k]
        delta = np.sqrt(u_prev + eps) / np.sqrt(v + eps) * g
        square_avg[k] = v
        acc_delta[k] = _frozen(rho * u_prev + (1.0 - rho) * (delta * delta))
        updates[k] = _frozen(-lr * delta)
    return updates, AdadeltaState(state.step + 1, square_avg, acc_delta)


# --------------------------------------------------------------------------------------------
# Registry


@dataclass(frozen=True)
class Optimizer:
    name: str
    hyper: Mapping[str, Any]
    init: Callable[[Params], State]
    update: Callable[[Grads, State, Params, float], tuple[Updates, State]]


def _number(name: str, key: str, value: Any) -> float:
    return finite_number(f"{name}: {key}", value)


def _non_negative(name: str, key: str, value: Any) -> float:
    x = _number(name, key, value)
    if x < 0:
        raise ValueError(f"{name}: {key} must be >= 0, got {value!r}")
    return x


def _unit_interval(name: str, key: str, value: Any) -> float:
    x = _number(name, key, value)
    if not 0.0 <= x <= 1.0:
        raise ValueError(f"{name}: {key} must be in [0, 1], got {value!r}")
    return x


def _flag(name: str, key: str, value: Any) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name}: {key} must be True or False, got {value!r}")
    return bool(value)


def _betas(name: str, key: str, value: Any) -> tuple[float, float]:
    reason = f"{name}: {key} must be two numbers, each in [0, 1), got {value!r}"
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__") or len(value) != 2:
        raise ValueError(reason)
    pair = tuple(_number(name, key, b) for b in value)
    if not all(0.0 <= b < 1.0 for b in pair):
        raise ValueError(reason)
    return pair  # type: ignore[return-value]


# Where PyTorch accepts any value >= 0 for alpha/rho/dampening, values above 1 turn the averages
# into nonsense (negative weights), so the allowed range here is [0, 1].
_CHECKS: dict[str, Callable[[str, str, Any], Any]] = {
    "momentum": _non_negative,
    "dampening": _unit_interval,
    "nesterov": _flag,
    "weight_decay": _non_negative,
    "alpha": _unit_interval,
    "eps": _non_negative,
    "centered": _flag,
    "betas": _betas,
    "amsgrad": _flag,
    "lr_decay": _non_negative,
    "initial_accumulator_value": _non_negative,
    "rho": _unit_interval,
}


def _checked(name: str, hyper: Mapping[str, Any]) -> dict[str, Any]:
    allowed = _DEFAULTS[name]
    for key in hyper:
        if key == "lr":
            raise ValueError(
                f"{name}: lr is not an optimizer setting here; the learning rate comes from the "
                "schedule and is passed to every update"
            )
        if key not in allowed:
            raise ValueError(
                f"{name}: unknown hyperparameter {key!r}; allowed: {', '.join(allowed)}"
            )
    merged = {**allowed, **hyper}
    values = {key: _CHECKS[key](name, key, value) for key, value in merged.items()}
    if values.get("nesterov") and (values["momentum"] <= 0 or values["dampening"] != 0):
        raise ValueError(
            f"{name}: nesterov=True needs momentum > 0 and dampening 0, got "
            f"momentum={values['momentum']!r}, dampening={values['dampening']!r}"
        )
    return values


_RULES: dict[str, tuple[Callable[..., Any], Callable[..., Any], tuple[str, ...]]] = {
    # name -> (init, update, hyperparameters that init needs)
    "gd": (sgd_init, sgd_update, ()),
    "momentum": (sgd_init, sgd_update, ()),
    "nesterov": (sgd_init, sgd_update, ()),
    "rmsprop": (rmsprop_init, rmsprop_update, ("momentum", "centered")),
    "adam": (adam_init, adam_update, ("amsgrad",)),
    "adamax": (adamax_init, adamax_update, ()),
    "adagrad": (adagrad_init, adagrad_update, ("initial_accumulator_value",)),
    "adadelta": (adadelta_init, adadelta_update, ()),
}


def create(name: str, **hyper: Any) -> Optimizer:
    """Build optimizer ``name`` with ``hyper`` over its defaults (see ``HYPERPARAMETERS``).

    Raises ValueError with a one-line reason for an unknown name, an unknown hyperparameter or
    a value outside what the rule allows.
    """
    if name not in _RULES:
        raise ValueError(f"unknown optimizer {name!r}; choose one of: {', '.join(NAMES)}")
    values = _checked(name, hyper)
    init, update, init_keys = _RULES[name]
    return Optimizer(
        name=name,
        hyper=MappingProxyType(values),
        init=partial(init, **{k: values[k] for k in init_keys}),
        update=partial(update, **values),
    )
