"""What the hyperparameter panel offers: the label and tooltip of every optimizer, schedule,
init, activation, regularization and loss, and the preset numbers of its number combos.

Kept apart from the panel because the run toolbar (quick_settings) shows the same optimizer
labels and learning-rate presets.
"""
from __future__ import annotations

OPTIMIZER_LABELS: dict[str, str] = {
    "gd": "Gradient descent", "momentum": "Momentum", "nesterov": "Nesterov", "rmsprop": "RMSprop",
    "adam": "Adam", "adamax": "Adamax", "adagrad": "Adagrad", "adadelta": "Adadelta",
}
SCHEDULE_LABELS: dict[str, str] = {
    "constant": "Constant", "step": "Step decay", "exponential": "Exponential decay",
    "inverse_time": "Inverse time decay", "cosine": "Cosine annealing",
}
SCHEDULE_RULES: dict[str, str] = {
    "constant": "lr at every update",
    "step": "lr · gamma^(t // step_size): drops by gamma every step_size updates",
    "exponential": "lr · gamma^t: shrinks a little at every update",
    "inverse_time": "lr / (1 + decay_rate · t / decay_steps)",
    "cosine": "glides from lr to lr_min along half a cosine over t_max updates, then stays",
}
INIT_LABELS: dict[str, str] = {
    "playground": "TF Playground uniform ±0.5", "xavier": "Xavier/Glorot", "he": "He",
    "zeros": "Zeros",
}
INIT_TIPS: dict[str, str] = {
    "playground": "Weights uniform in ±0.5, biases 0.1 (TensorFlow Playground's choice)",
    "xavier": "Weights uniform in ±√(6 / (fan_in + fan_out)), biases 0: suits tanh and sigmoid",
    "he": "Weights normal with variance 2 / fan_in, biases 0: suits ReLU",
    "zeros": "Everything 0: every neuron of a layer stays the same (a lesson in symmetry)",
}
ACTIVATION_LABELS: dict[str, str] = {
    "tanh": "Tanh", "relu": "ReLU", "sigmoid": "Sigmoid", "linear": "Linear",
    "leaky_relu": "Leaky ReLU", "elu": "ELU", "swish": "Swish", "softplus": "Softplus",
}
REGULARIZATION_LABELS: dict[str, str] = {"none": "None", "l1": "L1", "l2": "L2"}
LR_PRESETS = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10)
REG_RATE_PRESETS = (0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10)

# per problem kind: loss name -> (label, valid for that kind, tooltip); in brackets the output
# neuron's activation that goes with the loss
LOSS_CHOICES: dict[str, dict[str, tuple[str, bool, str]]] = {
    "binary": {
        "auto": ("auto (squared error, tanh)", True,
                 "Squared error with a tanh output in [−1, 1], as TensorFlow Playground"),
        "squared": ("squared error (tanh)", True, "½ (output − label)² with a tanh output"),
        "cross_entropy": ("cross-entropy (sigmoid)", True,
                          "Log loss with a sigmoid output: the probability of the blue class")},
    "multiclass": {
        "auto": ("auto (cross-entropy, softmax)", True,
                 "Cross-entropy with a softmax output: one probability per class"),
        "squared": ("squared error", False, "3-class data needs cross-entropy"),
        "cross_entropy": ("cross-entropy (softmax)", True,
                          "Cross-entropy with a softmax output: one probability per class")},
    "regression": {
        "auto": ("auto (squared error, linear)", True,
                 "Squared error with a linear output: any real number"),
        "squared": ("squared error (linear)", True, "½ (output − target)² with a linear output"),
        "cross_entropy": ("cross-entropy", False, "Regression needs squared error")},
}
