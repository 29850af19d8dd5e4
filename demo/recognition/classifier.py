"""Small classifiers over fixed-length descriptors, trained by L-BFGS (`minimise`).

Two models, both arrays in and arrays out, knowing nothing about actions:
- `Softmax`: multinomial logistic regression with L2. Kept for small inputs
  (the ten numbers of kinematic goal evidence).
- `ShallowNet`: one hidden layer of tanh units under a softmax, for the
  action classes: on the window descriptors it generalises to unseen people
  better than the plain softmax (docs/recognition.md, "A hidden layer"),
  trains from a handful of examples in seconds and predicts with two small
  matrix products. One hidden layer with a fixed seed: no deep network, and
  the same library always gives the same model.

Both fold their input standardisation into the first layer (one product per
frame) and give `local_weights`: how each standardised input moves each
class's logit at a point, which demo/recognition/why.py turns into an explanation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def _fold(weights: np.ndarray, bias: np.ndarray, mean: np.ndarray, scale: np.ndarray):
    """A first layer that takes raw inputs: the standardisation folded into its weights."""
    return ((weights / scale[:, None]).astype(np.float64),
            (bias - (mean / scale) @ weights).astype(np.float64))


class _Classes:
    """What every model here offers: logits, and class probabilities from them."""

    def logits(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def proba(self, x: np.ndarray) -> np.ndarray:
        z = self.logits(x)
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        return p / p.sum(axis=1, keepdims=True)


@dataclass
class Softmax(_Classes):
    mean: np.ndarray   # (F,) standardisation
    scale: np.ndarray  # (F,)
    weights: np.ndarray  # (F, K)
    bias: np.ndarray   # (K,)

    def __post_init__(self) -> None:
        self._w, self._b = _fold(self.weights, self.bias, self.mean, self.scale)

    def logits(self, x: np.ndarray) -> np.ndarray:
        return np.atleast_2d(x) @ self._w + self._b

    def local_weights(self, x: np.ndarray) -> np.ndarray:
        """(F, K): the same everywhere for a linear model."""
        return self.weights.astype(np.float64)


@dataclass
class ShallowNet(_Classes):
    mean: np.ndarray      # (F,) standardisation
    scale: np.ndarray     # (F,)
    hidden_w: np.ndarray  # (F, H)
    hidden_b: np.ndarray  # (H,)
    weights: np.ndarray   # (H, K)
    bias: np.ndarray      # (K,)

    def __post_init__(self) -> None:
        self._w1, self._b1 = _fold(self.hidden_w, self.hidden_b, self.mean, self.scale)
        self._w2 = self.weights.astype(np.float64)
        self._b2 = self.bias.astype(np.float64)

    def logits(self, x: np.ndarray) -> np.ndarray:
        return np.tanh(np.atleast_2d(x) @ self._w1 + self._b1) @ self._w2 + self._b2

    def local_weights(self, x: np.ndarray) -> np.ndarray:
        """(F, K): the gradient of each logit by each standardised input at `x`."""
        h = np.tanh(np.asarray(x, np.float64) @ self._w1 + self._b1)
        return (self.hidden_w.astype(np.float64) * (1 - h * h)) @ self._w2


# L-BFGS's stopping rules and memory: scipy's defaults.
MEMORY = 10
FTOL = 2.2e-9
GTOL = 1e-5
Curvature = list[tuple[np.ndarray, np.ndarray, float]]  # (s, y, 1 / y.s), oldest first


def _direction(grad: np.ndarray, steps: Curvature) -> np.ndarray:
    """The quasi-Newton step direction: the two-loop recursion (Nocedal and Wright, algorithm 7.4)."""
    q = grad.copy()
    alphas = []
    for s, y, rho in reversed(steps):
        a = rho * (s @ q)
        q -= a * y
        alphas.append(a)
    if steps:
        s, y, _ = steps[-1]
        q *= (s @ y) / (y @ y)
    else:
        q /= max(1.0, float(np.linalg.norm(grad)))  # a first step no longer than 1
    for (s, y, rho), a in zip(steps, reversed(alphas), strict=True):
        q += (a - rho * (y @ q)) * s
    return -q


def _backtrack(loss, theta: np.ndarray, value: float, direction: np.ndarray, slope: float):
    """(new theta, its value, its gradient): halve the step until it lowers the loss enough (Armijo)."""
    size = 1.0
    while True:
        new = theta + size * direction
        new_value, new_grad = loss(new)
        if new_value <= value + 1e-4 * size * slope or size < 1e-10:
            return new, new_value, new_grad
        size *= 0.5


def minimise(loss, theta: np.ndarray, max_iter: int) -> np.ndarray:
    """Limited-memory BFGS (Nocedal and Wright, algorithms 7.4 and 7.5) with a backtracking line search.

    `loss(theta)` returns (value, gradient). Written here rather than scipy's L-BFGS-B
    because that one's bound-handling bookkeeping took 60% of training time with the
    class network's 51,000 parameters (a new class must be usable in seconds)."""
    value, grad = loss(theta)
    steps: Curvature = []
    for _ in range(max_iter):
        direction = _direction(grad, steps)
        slope = float(grad @ direction)
        if slope >= 0:  # not downhill (rounding): forget the curvature and follow the gradient
            steps.clear()
            direction = -grad / max(1.0, float(np.linalg.norm(grad)))
            slope = float(grad @ direction)
        new, new_value, new_grad = _backtrack(loss, theta, value, direction, slope)
        s, y = new - theta, new_grad - grad
        sy = float(s @ y)
        if sy > 1e-10:  # only curvature that keeps the approximation positive definite
            steps.append((s, y, 1.0 / sy))
            if len(steps) > MEMORY:
                steps.pop(0)
        settled = value - new_value <= FTOL * max(abs(value), abs(new_value), 1.0)
        theta, value, grad = new, new_value, new_grad
        if settled or np.abs(grad).max() < GTOL:
            break
    return theta


@dataclass
class _Problem:
    """Standardised inputs, one-hot targets and normalised sample weights."""

    mean: np.ndarray
    scale: np.ndarray
    xs: np.ndarray
    onehot: np.ndarray
    w: np.ndarray

    @classmethod
    def of(cls, x, y, n_classes: int, sample_weight) -> _Problem:
        x = np.asarray(x, np.float64)
        mean = x.mean(axis=0)
        scale = x.std(axis=0) + 1e-6
        w = np.ones(len(x)) if sample_weight is None else np.asarray(sample_weight, np.float64)
        return cls(mean, scale, (x - mean) / scale, np.eye(n_classes)[y], w / w.sum())

    def cross_entropy(self, z: np.ndarray) -> tuple[float, np.ndarray]:
        """Weighted cross-entropy of logits `z` and its gradient by `z`."""
        z = z - z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        value = -(self.w * (self.onehot * logp).sum(axis=1)).sum()
        return value, (np.exp(logp) - self.onehot) * self.w[:, None]


SOFTMAX_STEPS = 300  # L-BFGS steps for a Softmax: small problems, run to convergence


@dataclass(frozen=True)
class NetShape:
    """A ShallowNet's size, regularisation and training."""

    hidden: int = 64
    l2: float = 3e-3
    # On both halves of BIISC 100, 200 and 400 L-BFGS steps gave the same accuracy
    # (docs/recognition.md, "A hidden layer"); more only cost time.
    steps: int = 100
    seed: int = 0


def fit(x: np.ndarray, y: np.ndarray, n_classes: int, l2: float = 1e-2,
        sample_weight: np.ndarray | None = None) -> Softmax:
    pb = _Problem.of(x, y, n_classes, sample_weight)
    f = pb.xs.shape[1]

    def loss(theta: np.ndarray):
        wt = theta[:f * n_classes].reshape(f, n_classes)
        value, g = pb.cross_entropy(pb.xs @ wt + theta[f * n_classes:])
        grad = np.concatenate([(pb.xs.T @ g + 2 * l2 * wt).ravel(), g.sum(axis=0)])
        return value + l2 * (wt ** 2).sum(), grad

    theta = minimise(loss, np.zeros(f * n_classes + n_classes), SOFTMAX_STEPS)
    return Softmax(pb.mean.astype(np.float32), pb.scale.astype(np.float32),
                   theta[:f * n_classes].reshape(f, n_classes).astype(np.float32),
                   theta[f * n_classes:].astype(np.float32))


def fit_net(x: np.ndarray, y: np.ndarray, n_classes: int, sample_weight: np.ndarray | None = None,
            shape: NetShape | None = None) -> ShallowNet:
    """Train a ShallowNet of `shape` (None: NetShape's defaults)."""
    shape = shape or NetShape()
    pb = _Problem.of(x, y, n_classes, sample_weight)
    f, h, k, l2 = pb.xs.shape[1], shape.hidden, n_classes, shape.l2
    cut = np.cumsum([f * h, h, h * k])

    def unpack(theta: np.ndarray):
        w1, b1, w2, b2 = np.split(theta, cut)
        return w1.reshape(f, h), b1, w2.reshape(h, k), b2

    # The two large products in single precision: three times faster, and L-BFGS
    # still converges to the same accuracy (a class is usable seconds after adding it).
    xs32 = pb.xs.astype(np.float32)

    def loss(theta: np.ndarray):
        w1, b1, w2, b2 = unpack(theta)
        a = np.tanh(xs32 @ w1.astype(np.float32) + b1).astype(np.float64)
        value, g = pb.cross_entropy(a @ w2 + b2)
        back = (g @ w2.T) * (1 - a * a)
        grad = np.concatenate([((xs32.T @ back.astype(np.float32)) + 2 * l2 * w1).ravel(), back.sum(axis=0),
                               (a.T @ g + 2 * l2 * w2).ravel(), g.sum(axis=0)])
        return value + l2 * ((w1 ** 2).sum() + (w2 ** 2).sum()), grad

    rng = np.random.default_rng(shape.seed)
    theta0 = np.concatenate([rng.normal(0, 1 / np.sqrt(f), f * h), np.zeros(h),
                             rng.normal(0, 1 / np.sqrt(h), h * k), np.zeros(k)])
    theta = minimise(loss, theta0, shape.steps)
    w1, b1, w2, b2 = (a.astype(np.float32) for a in unpack(theta))
    return ShallowNet(pb.mean.astype(np.float32), pb.scale.astype(np.float32), w1, b1, w2, b2)
