"""One update of one weight, written out with the step's own numbers.

``explain_update`` turns an optimizer's rule into a chain of lines (``m = β₁·m_old + (1−β₁)·g``,
..., ``w_new = w_old + Δw``), each with its value and a one-line meaning. Inputs are the
StepRecord's numbers (its gradient, weight, learning rate, the optimizer state before); every
line is computed with exactly the arithmetic of ``engine.optimizers`` (the same operations in the
same order), so the chain ends in the engine's own ``w_new`` to the last bit. Lines whose
quantity the record also stores (new optimizer state, Δw, w_new) carry that stored value in
``recorded``; the tests check the two are identical for every optimizer and variant.

Where the textbook form and PyTorch's arithmetic differ by rearrangement (Adam's
``m̂/(√v̂+ε)`` is computed as ``(η/(1−β₁ᵗ))·m/(√v/√(1−β₂ᵗ)+ε)``), the line shows the textbook
form and its value is the engine's.

Formula markup: ``{key}`` is a placeholder for another quantity, ``_{..}`` a subscript and
``^{..}`` a superscript; ``plain()`` reads it as text, the inspector turns it into HTML.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from typing import Any, Mapping, NamedTuple

import numpy as np

from .network import column_sums
from .training import Setup, StepRecord, objective

MINUS = "\u2212"


@dataclass(frozen=True)
class Term:
    """One quantity: its key, symbol (markup), value, a one-line meaning, the rule that gives it
    (markup with ``{key}`` placeholders; empty for a given number) and, where the StepRecord
    stores this quantity too, the stored value."""

    key: str
    symbol: str
    value: float
    tip: str
    rule: str = ""
    recorded: float | None = None

    @property
    def agrees(self) -> bool:
        """The computed value is the stored one, bit for bit (NaN never agrees)."""
        return self.recorded is None or self.recorded == self.value


@dataclass(frozen=True)
class Explanation:
    """The rule of ``optimizer`` for flat parameter ``index`` at optimizer step ``t``:
    ``given`` (w_old, g, η, previous optimizer state), ``constants`` (hyperparameters) and the
    computed ``terms`` in order, the last being ``w_new``."""

    optimizer: str
    index: int
    t: int
    given: tuple[Term, ...]
    constants: tuple[Term, ...]
    terms: tuple[Term, ...]
    summary: str

    def lookup(self, key: str) -> Term:
        for term in self.given + self.constants + self.terms:
            if term.key == key:
                return term
        raise KeyError(key)

    @property
    def w_new(self) -> float:
        return self.terms[-1].value

    def symbolic(self, term: Term) -> str:
        """The rule with symbols, as markup (a compound symbol such as ``1 − β₁ᵗ`` in
        brackets when it is part of a larger expression)."""
        out = []
        for text, key, _, _ in tokens(term.rule):
            if key is None:
                out.append(text)
                continue
            symbol = self.lookup(key).symbol
            out.append(f"({symbol})" if " " in symbol and text != term.rule else symbol)
        return "".join(out)

    def filled(self, term: Term, fmt=None) -> str:
        """The rule with this step's numbers (``fmt(value) -> str``; a negative number after an
        operator is put in brackets: 0.9·(−0.5), not 0.9·−0.5)."""
        fmt = fmt or number_text
        out = []
        for text, key, operand, powered in tokens(term.rule):
            if key is None:
                out.append(text)
                continue
            value = self.lookup(key).value
            shown = fmt(value)
            bracket = (value < 0 and operand) or (powered and ("e" in shown or "10" in shown and "×" in shown))
            out.append(f"({shown})" if bracket else shown)
        return "".join(out)

    def text(self) -> str:
        """Every line as plain text, for scripts and tests."""
        lines = [f"{plain(t.symbol)} = {number_text(t.value)}" for t in self.given + self.constants]
        for t in self.terms:
            lines.append(f"{plain(t.symbol)} = {plain(self.symbolic(t))} = {plain(self.filled(t))} = {number_text(t.value)}")
        return "\n".join(lines)


# {key} (a key starts with a letter); "^{2}" and "_{old}" are markup, not placeholders
_PLACEHOLDER = re.compile(r"(?<![_^])\{([A-Za-z][A-Za-z0-9_]*)\}")


class Token(NamedTuple):
    """A piece of a rule: literal markup (``key`` None) or a placeholder. ``operand``: it follows
    an operator rather than the start, "(", "|" or ",", so a negative number there needs
    brackets; ``powered``: a power follows it, so a number in ×10ⁿ form needs brackets."""

    text: str
    key: str | None
    operand: bool = False
    powered: bool = False


def tokens(rule: str) -> list[Token]:
    """``rule`` cut into literal pieces and placeholders."""
    out: list[Token] = []
    last = 0
    for m in _PLACEHOLDER.finditer(rule):
        if m.start() > last:
            out.append(Token(rule[last : m.start()], None))
        before = rule[: m.start()].rstrip()
        operand = bool(before) and before[-1] not in "(|,"
        out.append(Token(m.group(0), m.group(1), operand, rule.startswith("^", m.end())))
        last = m.end()
    if last < len(rule):
        out.append(Token(rule[last:], None))
    return out


def plain(markup: str) -> str:
    """Markup as plain text: ``w_{old}`` -> ``w_old``, ``β^{t}`` -> ``β^t``."""
    return re.sub(r"([_^])\{([^{}]*)\}", r"\1\2", markup)


def number_text(x: float, digits: int = 6) -> str:
    """``x`` to ``digits`` significant digits with a true minus sign."""
    if x == 0:
        return "0"
    text = f"{x:.{digits}g}"
    return text.replace("-", MINUS)


# -- meanings, one line each ------------------------------------------------------------------
TIPS: dict[str, str] = {
    "g": "g: how much the loss rises if this weight grows a little (its slope, averaged over this batch)",
    "w_old": "w_old: the weight before this update",
    "lr": "η: the learning rate, this update's value after the schedule: how far to step",
    "t": "t: how many updates this optimizer has made, counting this one",
    "wd": "λ: weight decay, how hard the weight is pulled toward 0",
    "gw": "g′: the gradient plus the weight-decay pull λ·w",
    "dw": "Δw: how much this update changes the weight",
    "w_new": "w_new: the weight after this update, the one the network uses from now on",
    "mu": "μ: momentum, the share of the old velocity kept at each update",
    "damp": "dampening: the share of the new gradient left out of the velocity",
    "b_old": "b_old: the velocity after the previous update",
    "b": "b: the velocity, a running sum of past gradients; it keeps the weight moving in a steady direction",
    "alpha": "α: how slowly the average forgets (0.99 ≈ the last 100 updates)",
    "eps": "ε: a tiny number that keeps the division finite when the average is 0",
    "v_old": "v_old: the average of squared gradients after the previous update",
    "v": "v: running average of g²: how large this weight's gradients have been lately",
    "gavg_old": "ḡ_old: the average gradient after the previous update",
    "gavg": "ḡ: running average of g; centered RMSprop divides by the spread of g around it",
    "denom": "the divisor: the typical size of this weight's gradient, so big gradients give small steps",
    "beta1": "β₁: how slowly the average gradient m forgets (0.9 ≈ the last 10 updates)",
    "beta2": "β₂: how slowly the average squared gradient v forgets (0.999 ≈ the last 1000 updates)",
    "m_old": "m_old: the average gradient after the previous update",
    "m": "m: running average of the gradient, its direction with the noise smoothed out",
    "vmax_old": "v_max,old: the largest v so far, before this update",
    "vmax": "v_max: the largest v so far (AMSGrad): the step size can only shrink",
    "c1": "1 − β₁ᵗ: bias correction; m starts at 0 and is too small in the first updates",
    "c2": "1 − β₂ᵗ: bias correction; v starts at 0 and is too small in the first updates",
    "mhat": "m̂: m with its start-up bias removed",
    "vhat": "v̂: v with its start-up bias removed",
    "u_old": "u_old: the decaying maximum of |g| after the previous update",
    "u": "u: decaying maximum of |g|, the size of the largest recent gradient",
    "s_old": "s_old: the sum of squared gradients before this update",
    "s": "s: sum of every squared gradient so far; weights that had big gradients take smaller steps",
    "lr_decay": "lr_decay: how fast Adagrad's own learning rate shrinks with t",
    "clr": "η_t: the learning rate after Adagrad's own decay",
    "rho": "ρ: how slowly the averages forget (0.9 ≈ the last 10 updates)",
    "ad_v_old": "v_old: the average of squared gradients after the previous update",
    "ad_v": "v: running average of g²",
    "ad_u_old": "u_old: running average of squared steps after the previous update",
    "ad_u": "u: running average of squared steps, used from the next update on",
    "dx": "Δx: the step before η: g scaled by (typical step size)/(typical gradient size)",
}

SUMMARIES: dict[str, str] = {
    "gd": "Gradient descent: step against the gradient, η times its size.",
    "momentum": "Momentum: the velocity b gathers past gradients; the weight moves by −η·b.",
    "nesterov": "Nesterov momentum: like momentum, but the step looks ahead along the velocity.",
    "rmsprop": "RMSprop: divide the gradient by its recent typical size, so every weight moves at a similar pace.",
    "adam": "Adam: a smoothed gradient m divided by its typical size √v, both corrected for starting at 0.",
    "adamax": "Adamax: Adam with the largest recent |g| in place of √v.",
    "adagrad": "Adagrad: divide by the root of all squared gradients so far; steps shrink over time.",
    "adadelta": "Adadelta: scale the gradient by (typical step)/(typical gradient), both running averages.",
}


class _Chain:
    """Collects the lines of one explanation."""

    def __init__(self) -> None:
        self.given: list[Term] = []
        self.constants: list[Term] = []
        self.terms: list[Term] = []

    def give(self, key: str, symbol: str, value: float) -> float:
        self.given.append(Term(key, symbol, float(value), TIPS[key]))
        return float(value)

    def const(self, key: str, symbol: str, value: float) -> float:
        self.constants.append(Term(key, symbol, float(value), TIPS[key]))
        return float(value)

    def line(self, key: str, symbol: str, value: Any, rule: str, recorded: Any = None) -> float:
        rec = None if recorded is None else float(recorded)
        self.terms.append(Term(key, symbol, float(value), TIPS[key], rule, rec))
        return value

    def record(self, key: str, recorded: float | None) -> None:
        """Attach the record's stored value to the line ``key``."""
        if recorded is None:
            return
        self.terms = [replace(t, recorded=float(recorded)) if t.key == key else t for t in self.terms]


def _at(arrays: Mapping[str, np.ndarray] | None, i: int) -> float | None:
    return None if arrays is None else float(arrays["theta"][i])


def explain_update(
    optimizer: str,
    hyper: Mapping[str, Any],
    lr: float,
    g: float,
    w_old: float,
    state_before: Any,
    state_after: Any = None,
    index: int = 0,
    recorded_delta: float | None = None,
    recorded_w_new: float | None = None,
) -> Explanation:
    """The rule of ``optimizer`` (with ``hyper``, every hyperparameter given, as in
    ``Optimizer.hyper``) applied to flat parameter ``index``: gradient ``g``, weight ``w_old``,
    learning rate ``lr`` and optimizer state ``state_before`` (the engine's record, key "theta").
    ``state_after``, ``recorded_delta`` and ``recorded_w_new`` fill the ``recorded`` values."""
    c = _Chain()
    # np.float64 scalars: the same IEEE operations as the engine's arrays, element by element
    g = np.float64(g)
    w = np.float64(w_old)
    c.give("w_old", "w_{old}", w)
    c.give("g", "g", g)
    c.give("lr", "η", lr)
    t = state_before.step + 1
    wd = hyper.get("weight_decay", 0.0)
    if wd != 0:
        c.const("wd", "λ", wd)
        g = c.line("gw", "g′", g + wd * w, "{g} + {wd}·{w_old}")
        gkey = "gw"
    else:
        gkey = "g"
    build = _BUILDERS[optimizer]
    dw = build(c, hyper, lr, g, gkey, t, state_before, state_after, index)
    c.record("dw", recorded_delta)
    c.line("w_new", "w_{new}", w + dw, "{w_old} + {dw}", recorded_w_new)
    if optimizer in ("adam", "adamax", "adagrad"):
        c.given.insert(3, Term("t", "t", float(t), TIPS["t"]))
    return Explanation(optimizer, index, t, tuple(c.given), tuple(c.constants), tuple(c.terms), SUMMARIES[optimizer])


def _sgd(c: _Chain, h, lr, g, gk, t, sb, sa, i) -> float:
    mu = h["momentum"]
    if mu == 0:
        return c.line("dw", "Δw", -lr * g, f"{MINUS}{{lr}}·{{{gk}}}")
    damp = h["dampening"]
    c.const("mu", "μ", mu)
    rec_b = _at(sa.momentum_buffer if sa is not None else None, i)
    if sb.momentum_buffer is None:
        b = c.line("b", "b", np.float64(g), f"{{{gk}}}", rec_b)
    else:
        b_old = c.give("b_old", "b_{old}", sb.momentum_buffer["theta"][i])
        if damp == 0:
            b = c.line("b", "b", mu * np.float64(b_old) + g, f"{{mu}}·{{b_old}} + {{{gk}}}", rec_b)
        else:
            c.const("damp", "d", damp)
            b = c.line("b", "b", mu * np.float64(b_old) + (1.0 - damp) * g, f"{{mu}}·{{b_old}} + (1 {MINUS} {{damp}})·{{{gk}}}", rec_b)
    if h["nesterov"]:
        return c.line("dw", "Δw", -lr * (g + mu * b), f"{MINUS}{{lr}}·({{{gk}}} + {{mu}}·{{b}})")
    return c.line("dw", "Δw", -lr * b, f"{MINUS}{{lr}}·{{b}}")


def _rmsprop(c: _Chain, h, lr, g, gk, t, sb, sa, i) -> float:
    alpha, eps, mu = h["alpha"], h["eps"], h["momentum"]
    c.const("alpha", "α", alpha)
    c.const("eps", "ε", eps)
    v_old = c.give("v_old", "v_{old}", sb.square_avg["theta"][i])
    v = c.line("v", "v", alpha * np.float64(v_old) + (1.0 - alpha) * (g * g),
               f"{{alpha}}·{{v_old}} + (1 {MINUS} {{alpha}})·{{{gk}}}^{{2}}", _at(sa and sa.square_avg, i))
    if h["centered"]:
        a_old = c.give("gavg_old", "ḡ_{old}", sb.grad_avg["theta"][i])
        mean = c.line("gavg", "ḡ", alpha * np.float64(a_old) + (1.0 - alpha) * g,
                      f"{{alpha}}·{{gavg_old}} + (1 {MINUS} {{alpha}})·{{{gk}}}", _at(sa and sa.grad_avg, i))
        denom = c.line("denom", "D", np.sqrt(np.maximum(v - mean * mean, 0.0)) + eps, f"√({{v}} {MINUS} {{gavg}}^{{2}}) + {{eps}}")
    else:
        denom = c.line("denom", "D", np.sqrt(v) + eps, "√{v} + {eps}")
    if mu > 0:
        c.const("mu", "μ", mu)
        b_old = c.give("b_old", "b_{old}", sb.momentum_buffer["theta"][i])
        b = c.line("b", "b", mu * np.float64(b_old) + g / denom, f"{{mu}}·{{b_old}} + {{{gk}}} / {{denom}}",
                   _at(sa and sa.momentum_buffer, i))
        return c.line("dw", "Δw", -lr * b, f"{MINUS}{{lr}}·{{b}}")
    return c.line("dw", "Δw", -lr * (g / denom), f"{MINUS}{{lr}}·{{{gk}}} / {{denom}}")


def _adam(c: _Chain, h, lr, g, gk, t, sb, sa, i) -> float:
    beta1, beta2 = h["betas"]
    eps = h["eps"]
    c.const("beta1", "β_{1}", beta1)
    c.const("beta2", "β_{2}", beta2)
    c.const("eps", "ε", eps)
    m_old = c.give("m_old", "m_{old}", sb.exp_avg["theta"][i])
    v_old = c.give("v_old", "v_{old}", sb.exp_avg_sq["theta"][i])
    m = c.line("m", "m", beta1 * np.float64(m_old) + (1.0 - beta1) * g,
               f"{{beta1}}·{{m_old}} + (1 {MINUS} {{beta1}})·{{{gk}}}", _at(sa and sa.exp_avg, i))
    v = c.line("v", "v", beta2 * np.float64(v_old) + (1.0 - beta2) * (g * g),
               f"{{beta2}}·{{v_old}} + (1 {MINUS} {{beta2}})·{{{gk}}}^{{2}}", _at(sa and sa.exp_avg_sq, i))
    vkey = "v"
    if h["amsgrad"]:
        vmax_old = c.give("vmax_old", "v_{max,old}", sb.max_exp_avg_sq["theta"][i])
        v = c.line("vmax", "v_{max}", np.maximum(np.float64(vmax_old), v), "max({vmax_old}, {v})",
                   _at(sa and sa.max_exp_avg_sq, i))
        vkey = "vmax"
    c1 = c.line("c1", f"1 {MINUS} β_{{1}}^{{t}}", 1.0 - beta1**t, f"1 {MINUS} {{beta1}}^{{{t}}}")
    c2 = c.line("c2", f"1 {MINUS} β_{{2}}^{{t}}", 1.0 - beta2**t, f"1 {MINUS} {{beta2}}^{{{t}}}")
    c.line("mhat", "m̂", m / c1, "{m} / {c1}")
    c.line("vhat", "v̂", v / c2, f"{{{vkey}}} / {{c2}}")
    # PyTorch's arrangement of the same quantity (see adam_update), so the value is the engine's
    step_size = lr / c1
    denom = np.sqrt(v) / math.sqrt(c2) + eps
    return c.line("dw", "Δw", -step_size * (m / denom), f"{MINUS}{{lr}}·{{mhat}} / (√{{vhat}} + {{eps}})")


def _adamax(c: _Chain, h, lr, g, gk, t, sb, sa, i) -> float:
    beta1, beta2 = h["betas"]
    eps = h["eps"]
    c.const("beta1", "β_{1}", beta1)
    c.const("beta2", "β_{2}", beta2)
    c.const("eps", "ε", eps)
    m_old = c.give("m_old", "m_{old}", sb.exp_avg["theta"][i])
    u_old = c.give("u_old", "u_{old}", sb.exp_inf["theta"][i])
    m = c.line("m", "m", beta1 * np.float64(m_old) + (1.0 - beta1) * g,
               f"{{beta1}}·{{m_old}} + (1 {MINUS} {{beta1}})·{{{gk}}}", _at(sa and sa.exp_avg, i))
    u = c.line("u", "u", np.maximum(beta2 * np.float64(u_old), np.abs(g) + eps),
               f"max({{beta2}}·{{u_old}}, |{{{gk}}}| + {{eps}})", _at(sa and sa.exp_inf, i))
    c1 = c.line("c1", f"1 {MINUS} β_{{1}}^{{t}}", 1.0 - beta1**t, f"1 {MINUS} {{beta1}}^{{{t}}}")
    clr = lr / c1
    return c.line("dw", "Δw", -clr * (m / u), f"{MINUS}({{lr}} / {{c1}})·{{m}} / {{u}}")


def _adagrad(c: _Chain, h, lr, g, gk, t, sb, sa, i) -> float:
    decay, eps = h["lr_decay"], h["eps"]
    c.const("eps", "ε", eps)
    clr = lr / (1.0 + (t - 1) * decay)
    lr_key = "lr"
    if decay != 0:
        c.const("lr_decay", "lr_decay", decay)
        c.line("clr", "η_{t}", clr, f"{{lr}} / (1 + ({t} {MINUS} 1)·{{lr_decay}})")
        lr_key = "clr"
    s_old = c.give("s_old", "s_{old}", sb.sum["theta"][i])
    s = c.line("s", "s", np.float64(s_old) + g * g, f"{{s_old}} + {{{gk}}}^{{2}}", _at(sa and sa.sum, i))
    return c.line("dw", "Δw", -clr * (g / (np.sqrt(s) + eps)), f"{MINUS}{{{lr_key}}}·{{{gk}}} / (√{{s}} + {{eps}})")


def _adadelta(c: _Chain, h, lr, g, gk, t, sb, sa, i) -> float:
    rho, eps = h["rho"], h["eps"]
    c.const("rho", "ρ", rho)
    c.const("eps", "ε", eps)
    v_old = c.give("ad_v_old", "v_{old}", sb.square_avg["theta"][i])
    u_old = np.float64(c.give("ad_u_old", "u_{old}", sb.acc_delta["theta"][i]))
    v = c.line("ad_v", "v", rho * np.float64(v_old) + (1.0 - rho) * (g * g),
               f"{{rho}}·{{ad_v_old}} + (1 {MINUS} {{rho}})·{{{gk}}}^{{2}}", _at(sa and sa.square_avg, i))
    dx = c.line("dx", "Δx", np.sqrt(u_old + eps) / np.sqrt(v + eps) * g,
                f"√({{ad_u_old}} + {{eps}}) / √({{ad_v}} + {{eps}})·{{{gk}}}")
    c.line("ad_u", "u", rho * u_old + (1.0 - rho) * (dx * dx),
           f"{{rho}}·{{ad_u_old}} + (1 {MINUS} {{rho}})·{{dx}}^{{2}}", _at(sa and sa.acc_delta, i))
    return c.line("dw", "Δw", -lr * dx, f"{MINUS}{{lr}}·{{dx}}")


_BUILDERS = {
    "gd": _sgd, "momentum": _sgd, "nesterov": _sgd, "rmsprop": _rmsprop, "adam": _adam,
    "adamax": _adamax, "adagrad": _adagrad, "adadelta": _adadelta,
}


# -- from a run's record ------------------------------------------------------------------------
def setup_of(run: Any, record: StepRecord) -> Setup:
    """The Setup (optimizer, schedule, regularization) that made ``record``: the one in force
    at the update before it, which may differ from the run's current one after a live change."""
    if run.history.head_step >= record.before.step:
        try:
            return run.history.checkpoint_before(record.before.step).setup
        except ValueError:
            pass
    return run.setup


def explain_record(run: Any, record: StepRecord, index: int) -> Explanation:
    """``explain_update`` for flat parameter ``index`` of ``record`` (a record of ``run``)."""
    opt = setup_of(run, record).optimizer
    return explain_update(
        opt.name, opt.hyper, record.lr, record.grad[index], record.theta_before[index],
        record.before.opt_state, record.after.opt_state, index,
        recorded_delta=record.delta[index], recorded_w_new=record.theta_after[index],
    )


@dataclass(frozen=True)
class GradientCheck:
    """Backprop's gradient of one parameter against a central finite difference of the loss."""

    backprop: float
    numeric: float
    rel_diff: float
    h: float


def gradient_check(run: Any, batch: np.ndarray, index: int, h: float = 1e-6,
                   theta: np.ndarray | None = None, setup: Setup | None = None) -> GradientCheck:
    """Compare ∂L/∂θ_index from backprop with (L(θ + h·e) − L(θ − h·e)) / 2h on the same batch.

    ``rel_diff = |a − b| / max(|a|, |b|)`` (0 when both are 0): about 1e-8 or less when backprop
    is right; larger near a kink (ReLU at 0, L1 at 0), where the slope is not defined."""
    theta = run.theta if theta is None else theta
    setup = setup or run.setup
    x, y = setup.x[batch], setup.y[batch]

    _, _, grad = objective(setup, theta, x, y)
    probe = np.array(theta, dtype=np.float64)
    probe[index] = theta[index] + h
    up = objective(setup, probe, x, y)[0]
    probe[index] = theta[index] - h
    down = objective(setup, probe, x, y)[0]
    # divide by the actual distance between the two points (θ ± h is rounded)
    numeric = (up - down) / ((theta[index] + h) - (theta[index] - h))
    a, b = float(grad[index]), float(numeric)
    scale = max(abs(a), abs(b))
    return GradientCheck(a, b, abs(a - b) / scale if scale > 0 else 0.0, h)


def check_record(run: Any, record: StepRecord, index: int, h: float = 1e-6, setup: Setup | None = None) -> GradientCheck:
    """``gradient_check`` at the weights and on the batch of ``record`` (``setup``: the one that
    made it, if already known; reading it from the run's history needs the run to be idle)."""
    return gradient_check(run, record.batch, index, h, record.theta_before, setup or setup_of(run, record))


# -- the phases of one step ----------------------------------------------------------------------
PHASES: tuple[str, ...] = ("forward", "loss", "backward", "update")


@dataclass(frozen=True)
class StepPhases:
    """What happened inside update ``step``, for showing it one phase at a time.

    The forward pass is shown for one example, the batch's first (``example``, an index into
    the training set): a single point the student can find on the data plot, with one value
    per neuron. A batch mean of activations would describe no actual input (tanh units
    average out towards 0). The loss is the batch's, as the update uses it. The backward pass
    is shown per neuron as ∂L/∂z summed over the batch, which is exactly that neuron's bias
    gradient, the number the update uses.

    Layers are numbered as in the network view: 0 = input features, 1.. hidden, last = output.
    ``activations[l]`` is the example's value at layer l (the output after the output function);
    ``neuron_grads[l]`` is ∂L/∂z at layer l summed over the batch (``None`` for layer 0);
    ``batch_activations`` and ``batch_deltas`` hold every example (rows) for the same layers.
    """

    step: int
    batch: np.ndarray
    example: int
    point: np.ndarray
    target: Any
    activations: tuple[np.ndarray, ...]
    batch_activations: tuple[np.ndarray, ...]
    example_loss: float
    loss: float
    data_loss: float
    neuron_grads: tuple[np.ndarray | None, ...]
    batch_deltas: tuple[np.ndarray | None, ...]
    grads: dict[str, np.ndarray]
    updates: dict[str, np.ndarray]
    params_before: dict[str, np.ndarray]
    params_after: dict[str, np.ndarray]
    lr: float

    @property
    def layers(self) -> int:
        return len(self.activations)


def phases(run: Any, record: StepRecord) -> StepPhases:
    """Forward pass, loss, backward pass and update of ``record``, recomputed at its weights
    on its batch with its setup (the same code as training, so the loss is the record's)."""
    setup = setup_of(run, record)
    net = setup.network
    x, y = setup.x[record.batch], setup.y[record.batch]
    theta = record.theta_before
    zs, acts = net.forward(theta, x)
    _, dz, out = net.head.value_and_grad(zs[-1], y)
    _, deltas = net.backward(theta, zs, acts, dz)
    example_loss = net.head.value_and_grad(zs[-1][:1], y[:1])[0]
    batch_acts = tuple(acts) + (out,)
    return StepPhases(
        step=record.step,
        batch=record.batch,
        example=int(record.batch[0]),
        point=np.asarray(run.data.x_train[record.batch[0]]),
        target=y[0],
        activations=tuple(a[0] for a in batch_acts),
        batch_activations=batch_acts,
        example_loss=float(example_loss),
        loss=record.loss,
        data_loss=record.data_loss,
        neuron_grads=(None,) + tuple(column_sums(d) for d in deltas),
        batch_deltas=(None,) + tuple(deltas),
        grads=record.grads,
        updates=record.update,
        params_before=record.params_before,
        params_after=record.params_after,
        lr=record.lr,
    )
