"""Expected numbers of tests/models/test_logistic.cpp, from scikit-learn.

    /usr/bin/python3 tests/models/logistic_reference.py

(Debian's python3-sklearn.) Builds the test's tables with the same formulas as
table() there, fits scikit-learn's logistic regression and prints the
coefficients, intercepts, the probabilities of the table's first rows and the
iterations as C++ constants. The test pastes them; run this again when a table
changes.

Debian's scikit-learn is 1.2, whose lbfgs solver tests tol against the gradient
of sum(sample_weight * loss) + ||w||^2 / (2C). scikit-learn >= 1.4 divides that
objective by sum(sample_weight) before handing it to scipy's L-BFGS-B, with
options maxls=50 and ftol=64 eps: the same optimum, a looser stop. hone follows
>= 1.4, so the defaults are compared with that run, reproduced by lbfgs_run()
from scikit-learn's own loss (LinearModelLoss) and >= 1.4's options; the
others with LogisticRegression itself.
"""
import numpy as np
from scipy import optimize
from sklearn._loss.loss import HalfBinomialLoss, HalfMultinomialLoss
from sklearn.linear_model import LogisticRegression
from sklearn.linear_model._linear_loss import LinearModelLoss
from sklearn.utils.class_weight import compute_class_weight


def table(rows, classes, skew=0.0):
    """rows x 3 features in steps of 1/8 (exact in float32); labels from noisy
    linear scores, class 0's score raised by `skew`."""
    x = np.array([[((i * (3 + 2 * j) * 7 + 5 * j + 11) % 33 - 16) / 8.0 for j in range(3)] for i in range(rows)])
    w = np.array([[1.0, -1.5, 0.5], [-0.5, 1.0, 1.5], [1.5, 0.5, -1.0]])
    noise = np.array([[((i * 37 + k * 17) % 11 - 5) / 2.0 for k in range(3)] for i in range(rows)])
    scores = x @ w.T + noise
    scores[:, 0] += skew
    y = scores[:, 0] > scores[:, 1] if classes == 2 else scores.argmax(axis=1)
    return x, y.astype(int)


class Fitted:
    """What show() prints, from scikit-learn >= 1.4's lbfgs path on (x, y)."""

    def __init__(self, x, y, class_weight=None, C=1.0, tol=1e-4, max_iter=100):
        n, d = x.shape
        classes = np.unique(y)
        multinomial = len(classes) > 2
        loss = LinearModelLoss(base_loss=HalfMultinomialLoss(n_classes=len(classes)) if multinomial
                               else HalfBinomialLoss(), fit_intercept=True)
        sw = np.ones(n)
        if class_weight is not None:
            sw *= compute_class_weight(class_weight, classes=classes, y=y)[np.searchsorted(classes, y)]
        sw_sum = sw.sum()
        vectors = len(classes) if multinomial else 1
        target = np.searchsorted(classes, y).astype(float)
        w0 = np.zeros((vectors, d + 1), order="F").ravel(order="F")
        res = optimize.minimize(loss.loss_gradient, w0, method="L-BFGS-B", jac=True,
                                args=(x, target, sw / sw_sum, 1.0 / (C * sw_sum), 1),
                                options={"maxiter": max_iter, "maxls": 50, "gtol": tol,
                                         "ftol": 64 * np.finfo(float).eps})
        w = res.x.reshape((vectors, -1), order="F")
        self.coef_, self.intercept_, self.n_iter_ = w[:, :-1], w[:, -1], np.array([res.nit])
        self.multinomial = multinomial

    def predict_proba(self, x):
        z = x @ self.coef_.T + self.intercept_
        if not self.multinomial:
            p = 1 / (1 + np.exp(-z[:, 0]))
            return np.c_[1 - p, p]
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)


def show(name, model, x, rows=4):
    print(f"const std::vector<std::vector<double>> {name}_coef = {{")
    for c in model.coef_:
        print("    {" + ", ".join(f"{v:.10g}" for v in c) + "},")
    print("};")
    print(f"const std::vector<double> {name}_intercept = {{" + ", ".join(f"{v:.10g}" for v in model.intercept_) + "};")
    proba = model.predict_proba(x[:rows])
    print(f"const std::vector<double> {name}_proba = {{" + ", ".join(f"{v:.10g}" for v in proba.ravel()) + "};")
    if isinstance(model, Fitted):  # the same L-BFGS run: the same iterations
        print(f"const std::vector<int> {name}_iterations = {{" + ", ".join(str(v) for v in model.n_iter_) + "};")


def main():
    x2, y2 = table(40, 2)
    x3, y3 = table(45, 3)
    xs, ys = table(60, 3, skew=2.0)
    print("// class counts:", np.bincount(y2).tolist(), np.bincount(y3).tolist(), np.bincount(ys).tolist())
    # scikit-learn >= 1.4's LogisticRegression() and LogisticRegression(class_weight='balanced').
    show("binary", Fitted(x2, y2), x2)
    show("three", Fitted(x3, y3), x3)
    show("balanced", Fitted(xs, ys, class_weight="balanced"), xs)
    # Debian's 1.2 LogisticRegression(), which tests tol on the undivided gradient.
    show("debian_binary", LogisticRegression().fit(x2, y2), x2)
    show("debian_three", LogisticRegression().fit(x3, y3), x3)
    # Fitted to the optimum (tol far below the default) on both sides.
    tight = dict(tol=1e-10, max_iter=10000)
    show("unpenalized", LogisticRegression(penalty=None, **tight).fit(x2, y2), x2)
    show("no_intercept", LogisticRegression(fit_intercept=False, C=0.5, **tight).fit(x3, y3), x3)
    show("ovr", LogisticRegression(multi_class="ovr", **tight).fit(x3, y3), x3)
    show("multinomial_binary", LogisticRegression(multi_class="multinomial", **tight).fit(x2, y2), x2)


if __name__ == "__main__":
    main()
