"""A small multinomial logistic regression (softmax) with L2, trained in closed loop by L-BFGS.

Chosen over DTW nearest-neighbour and kernel methods on evidence (see
docs/recognition.md): on fixed-length window descriptors it is the most
accurate on unseen people, trains in well under a second from a handful of
examples, and predicts with one matrix product. Arrays in, arrays out; it
knows nothing about actions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize


@dataclass
class Softmax:
    mean: np.ndarray   # (F,) standardisation
    scale: np.ndarray  # (F,)
    weights: np.ndarray  # (F, K)
    bias: np.ndarray   # (K,)

    def __post_init__(self) -> None:
        # Standardisation folded into the weights: one product per prediction (every frame).
        self._w = (self.weights / self.scale[:, None]).astype(np.float64)
        self._b = (self.bias - (self.mean / self.scale) @ self.weights).astype(np.float64)

    def logits(self, x: np.ndarray) -> np.ndarray:
        return np.atleast_2d(x) @ self._w + self._b

    def proba(self, x: np.ndarray) -> np.ndarray:
        z = self.logits(x)
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        return p / p.sum(axis=1, keepdims=True)

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {"mean": self.mean, "scale": self.scale, "weights": self.weights, "bias": self.bias}


def fit(x: np.ndarray, y: np.ndarray, n_classes: int, l2: float = 1e-2,
        sample_weight: np.ndarray | None = None, max_iter: int = 300) -> Softmax:
    x = np.asarray(x, np.float64)
    mean = x.mean(axis=0)
    scale = x.std(axis=0) + 1e-6
    xs = (x - mean) / scale
    n, f = xs.shape
    onehot = np.eye(n_classes)[y]
    w = np.ones(n) if sample_weight is None else np.asarray(sample_weight, np.float64)
    w = w / w.sum()

    def loss(theta: np.ndarray):
        wt = theta[:f * n_classes].reshape(f, n_classes)
        b = theta[f * n_classes:]
        z = xs @ wt + b
        z -= z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        p = np.exp(logp)
        value = -(w * (onehot * logp).sum(axis=1)).sum() + l2 * (wt ** 2).sum()
        g = (p - onehot) * w[:, None]
        grad = np.concatenate([(xs.T @ g + 2 * l2 * wt).ravel(), g.sum(axis=0)])
        return value, grad

    theta0 = np.zeros(f * n_classes + n_classes)
    res = minimize(loss, theta0, jac=True, method="L-BFGS-B", options={"maxiter": max_iter})
    theta = res.x
    return Softmax(mean.astype(np.float32), scale.astype(np.float32),
                   theta[:f * n_classes].reshape(f, n_classes).astype(np.float32),
                   theta[f * n_classes:].astype(np.float32))
