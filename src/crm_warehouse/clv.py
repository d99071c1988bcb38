"""Customer lifetime value: the BG/NBD model of repeat purchases and the Gamma-Gamma
model of spend per transaction, with NumPy and SciPy only.

References:
- P. S. Fader, B. G. S. Hardie and K. L. Lee (2005), "'Counting your customers' the
  easy way: an alternative to the Pareto/NBD model", Marketing Science 24(2), 275-284
  (BG/NBD; equation numbers below are that paper's).
- P. S. Fader and B. G. S. Hardie (2013), "The Gamma-Gamma model of monetary value",
  http://brucehardie.com/notes/025/.

Data (``summarise``): a customer's transactions are the distinct days with a purchase
(several purchases on one day are one transaction whose value is their sum). Time is
measured in weeks (days / 7) from the customer's first transaction:

- ``frequency`` x: the number of REPEAT transactions (transactions after the first);
- ``recency`` t_x: weeks from the first to the last transaction (0 when x = 0);
- ``age`` T: weeks from the first transaction to the end of the calibration period;
- ``repeat_value``: the average value of the repeat transactions (NaN when x = 0).
  The first transaction's value is left out, as in Fader & Hardie (2013): the first
  purchase of an acquisition cohort often differs in kind from the ones after it.

BG/NBD: while alive, a customer buys at Poisson rate lambda ~ Gamma(r, alpha); after
each transaction they drop out with probability p ~ Beta(a, b). Gamma-Gamma: the value
of each transaction is Gamma(p, nu) with nu ~ Gamma(q, gamma) across customers,
independent of the purchase process.

Numerics: the log-likelihood is written with ``gammaln``/``betaln`` and ``logaddexp``
for its two-term sum; every term that depends on one quantity only (x, T or t_x) is
computed once per distinct value, so a fit on a million customers costs a few array
passes per iteration; the gradient is analytic. The conditional expectation (eq. 10)
uses Euler's transformation of the hypergeometric function,

    ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; z)
        = (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z),   z = t/(alpha+T+t),

whose first two parameters do not grow with x (the series stays well conditioned for
heavy buyers, where the original form overflows).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from scipy.optimize import minimize
from scipy.special import betaln, digamma, expit, gammaln, hyp2f1

DAYS_PER_WEEK = 7.0
WEEKS_PER_YEAR = 52


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Summary:
    """The (x, t_x, T) summary of each customer, aligned on ``customers`` (sorted)."""

    customers: np.ndarray
    frequency: np.ndarray  # x: repeat transactions (int64)
    recency_days: np.ndarray  # first to last transaction, days (int64)
    age_days: np.ndarray  # first transaction to the calibration end, days (int64)
    first_day: np.ndarray  # first transaction, datetime64[D]
    last_day: np.ndarray  # last transaction, datetime64[D]
    repeat_value: np.ndarray  # average repeat-transaction value; NaN when x = 0

    @property
    def recency(self) -> np.ndarray:
        """t_x in weeks."""
        return self.recency_days / DAYS_PER_WEEK

    @property
    def age(self) -> np.ndarray:
        """T in weeks."""
        return self.age_days / DAYS_PER_WEEK

    def __len__(self) -> int:
        return len(self.customers)


def summarise(
    customers: Sequence | np.ndarray,
    days: Sequence | np.ndarray,
    calibration_end: object,
    values: Sequence | np.ndarray | None = None,
) -> Summary:
    """Build each customer's (x, t_x, T) and average repeat-transaction value from
    purchases: one entry per purchase (customer key, purchase date, value). Purchases
    after ``calibration_end`` are ignored; purchases on one day merge into one
    transaction (values summed). Customer keys may be of any sortable type; integer
    keys are fastest."""
    end = np.datetime64(calibration_end, "D")
    day = np.asarray(days, dtype="datetime64[D]")
    keys = np.asarray(customers)
    amount = np.zeros(len(day)) if values is None else np.asarray(values, dtype=np.float64)
    if not (len(keys) == len(day) == len(amount)):
        raise ValueError("customers, days and values must have the same length")
    keep = day <= end
    keys, day, amount = keys[keep], day[keep], amount[keep]
    if len(keys) == 0:
        empty_i = np.zeros(0, dtype=np.int64)
        empty_d = np.zeros(0, dtype="datetime64[D]")
        return Summary(keys[:0], empty_i, empty_i, empty_i, empty_d, empty_d, np.zeros(0))
    uniq, code = np.unique(keys, return_inverse=True)
    day_number = day.astype(np.int64)
    order = np.lexsort((day_number, code))
    code, day_number, amount = code[order], day_number[order], amount[order]
    # one transaction per (customer, day)
    new_txn = np.ones(len(code), dtype=bool)
    new_txn[1:] = (code[1:] != code[:-1]) | (day_number[1:] != day_number[:-1])
    starts = np.flatnonzero(new_txn)
    t_code = code[starts]
    t_day = day_number[starts]
    t_value = np.add.reduceat(amount, starts)
    # per customer
    new_cust = np.ones(len(t_code), dtype=bool)
    new_cust[1:] = t_code[1:] != t_code[:-1]
    c_start = np.flatnonzero(new_cust)
    c_end = np.append(c_start[1:], len(t_code)) - 1
    n_txn = c_end - c_start + 1
    first = t_day[c_start]
    last = t_day[c_end]
    total = np.add.reduceat(t_value, c_start)
    frequency = n_txn - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        repeat_value = np.where(frequency > 0, (total - t_value[c_start]) / frequency, np.nan)
    return Summary(
        customers=uniq,
        frequency=frequency.astype(np.int64),
        recency_days=(last - first).astype(np.int64),
        age_days=(end.astype(np.int64) - first).astype(np.int64),
        first_day=first.astype("datetime64[D]"),
        last_day=last.astype("datetime64[D]"),
        repeat_value=repeat_value,
    )


# ------------------------------------------------------------------------- BG/NBD


@dataclass(frozen=True)
class BgNbdParams:
    r: float
    alpha: float
    a: float
    b: float

    def as_dict(self) -> dict[str, float]:
        return {"r": self.r, "alpha": self.alpha, "a": self.a, "b": self.b}


@dataclass(frozen=True)
class Fit:
    """A maximum-likelihood fit: parameters, log-likelihood at them, customers used."""

    params: BgNbdParams | GammaGammaParams
    log_likelihood: float
    customers: int
    converged: bool
    iterations: int
    message: str


def _dot(a: np.ndarray, b: np.ndarray) -> float:
    """Sum of a * b without BLAS: np.dot on a vector wakes OpenBLAS's threads, which on a
    busy 2-core machine turned a 1 ms likelihood evaluation into 50 ms."""
    return float(np.sum(np.multiply(a, b)))


def _as_float(*arrays: object) -> list[np.ndarray]:
    return [np.asarray(a, dtype=np.float64) for a in arrays]


def _group_rows(*columns: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Distinct rows of equal-length 1-d arrays (sorted) and the index of each input
    row's distinct row (a lexsort: much faster than np.unique(axis=0))."""
    n = len(columns[0])
    if n == 0:
        return [c[:0] for c in columns], np.zeros(0, dtype=np.int64)
    order = np.lexsort(columns[::-1])
    ordered = [c[order] for c in columns]
    new = np.zeros(n, dtype=bool)
    new[0] = True
    for c in ordered:
        new[1:] |= c[1:] != c[:-1]
    inverse = np.empty(n, dtype=np.int64)
    inverse[order] = np.cumsum(new) - 1
    return [c[new] for c in ordered], inverse


def bgnbd_customer_log_likelihood(
    params: BgNbdParams, frequency: object, recency: object, age: object
) -> np.ndarray:
    """Each customer's log-likelihood (FHL 2005 eq. 6):

    L = B(a, b+x)/B(a, b) * Gamma(r+x) alpha^r / (Gamma(r) (alpha+T)^(r+x))
        + [x > 0] B(a+1, b+x-1)/B(a, b) * Gamma(r+x) alpha^r / (Gamma(r) (alpha+t_x)^(r+x))
    """
    x, t_x, t = _as_float(frequency, recency, age)
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    base = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + betaln(a, b + x) - betaln(a, b)
    term_t = -(r + x) * np.log(alpha + t)
    with np.errstate(divide="ignore", invalid="ignore"):
        term_tx = np.where(
            x > 0,
            np.log(a) - np.log(np.where(x > 0, b + x - 1, 1.0)) - (r + x) * np.log(alpha + t_x),
            -np.inf,
        )
    return base + np.logaddexp(term_t, term_tx)


class _BgNbdData:
    """Customers grouped by distinct (x, t_x, T), with each distinct x, t_x and T
    indexed so that terms depending on one of them are computed once per value."""

    def __init__(self, x: np.ndarray, t_x: np.ndarray, t: np.ndarray, weights: np.ndarray):
        (gx, gtx, gt), inverse = _group_rows(x, t_x, t)
        counts = np.bincount(inverse, weights=weights, minlength=len(gx))
        self.weights = counts
        self.total = float(counts.sum())
        self.ux, self.xi = np.unique(gx, return_inverse=True)
        self.ut, self.ti = np.unique(gtx, return_inverse=True)
        self.uT, self.Ti = np.unique(gt, return_inverse=True)
        self.x = gx
        self.repeat = self.x > 0
        self.rows = len(gx)

    def negative_ll_and_gradient(self, log_params: np.ndarray) -> tuple[float, np.ndarray]:
        r, alpha, a, b = np.exp(log_params)
        ux, x, w = self.ux, self.x, self.weights
        # terms by distinct x
        base_x = gammaln(r + ux) - gammaln(r) + betaln(a, b + ux) - betaln(a, b)
        bx1 = np.where(ux > 0, b + ux - 1, 1.0)
        log_a_bx1 = np.log(a) - np.log(bx1)
        # terms by distinct T and t_x
        log_at = np.log(alpha + self.uT)
        log_atx = np.log(alpha + self.ut)
        rx = r + x
        term_t = -rx * log_at[self.Ti]
        term_tx = np.where(self.repeat, log_a_bx1[self.xi] - rx * log_atx[self.ti], -np.inf)
        ll = base_x[self.xi] + r * np.log(alpha) + np.logaddexp(term_t, term_tx)
        value = -float(_dot(w, ll))
        # weights of the two likelihood terms (softmax), w_t + w_tx = 1
        w_tx = np.where(self.repeat, expit(term_tx - term_t), 0.0)
        w_t = 1.0 - w_tx
        # partial derivatives of each row's log-likelihood
        d_r = (
            (digamma(r + ux) - digamma(r))[self.xi]
            + np.log(alpha)
            - w_t * log_at[self.Ti]
            - w_tx * log_atx[self.ti]
        )
        d_alpha = r / alpha - rx * (
            w_t / (alpha + self.uT[self.Ti]) + w_tx / (alpha + self.ut[self.ti])
        )
        d_a = (digamma(a + b) - digamma(a + b + ux))[self.xi] + w_tx / a
        d_b = (digamma(b + ux) - digamma(a + b + ux) - digamma(b) + digamma(a + b))[
            self.xi
        ] - w_tx / bx1[self.xi]
        grad = np.array(
            [
                -_dot(w, d_r) * r,
                -_dot(w, d_alpha) * alpha,
                -_dot(w, d_a) * a,
                -_dot(w, d_b) * b,
            ]
        )
        return value, grad


def _bgnbd_start(x: np.ndarray, t: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Starting values: r = 1 and alpha matching the mean repeat rate (r / alpha =
    repeat transactions per week of observation), a = 1, b = 2 (a mean dropout
    probability of 1/3 per transaction)."""
    exposure = float(_dot(w, t))
    rate = float(_dot(w, x)) / exposure if exposure > 0 else 0.0
    alpha = 1.0 / rate if rate > 0 else 1.0
    return np.log([1.0, min(max(alpha, 1e-3), 1e4), 1.0, 2.0])


def _minimize(fun, start: np.ndarray) -> object:
    result = minimize(
        fun,
        start,
        jac=True,
        method="L-BFGS-B",
        bounds=[(-12.0, 12.0)] * len(start),
        options={"maxiter": 2000, "ftol": 1e-15, "gtol": 1e-9},
    )
    return result


def fit_bgnbd(
    frequency: object,
    recency: object,
    age: object,
    weights: object | None = None,
    start: BgNbdParams | None = None,
) -> Fit:
    """Maximum-likelihood BG/NBD fit (L-BFGS-B on the log-parameters with the analytic
    gradient). ``weights`` counts customers per row (e.g. for pre-grouped data)."""
    x, t_x, t = _as_float(frequency, recency, age)
    if len(x) == 0:
        raise ValueError("no customers to fit the BG/NBD model on")
    if np.any(x < 0) or np.any(t_x < 0) or np.any(t_x > t + 1e-9) or np.any((x == 0) & (t_x != 0)):
        raise ValueError("need x >= 0, 0 <= t_x <= T, and t_x = 0 when x = 0")
    w = np.ones(len(x)) if weights is None else np.asarray(weights, dtype=np.float64)
    if not np.any(x > 0):
        raise ValueError("no repeat transactions: the BG/NBD model cannot be identified")
    data = _BgNbdData(x, t_x, t, w)
    scale = 1.0 / data.total

    def fun(theta: np.ndarray) -> tuple[float, np.ndarray]:
        value, grad = data.negative_ll_and_gradient(theta)
        return value * scale, grad * scale

    theta0 = (
        np.log([start.r, start.alpha, start.a, start.b])
        if start is not None
        else _bgnbd_start(data.x, data.uT[data.Ti], data.weights)
    )
    result = _minimize(fun, theta0)
    r, alpha, a, b = np.exp(result.x)
    params = BgNbdParams(float(r), float(alpha), float(a), float(b))
    return Fit(
        params=params,
        log_likelihood=-float(data.negative_ll_and_gradient(result.x)[0]),
        customers=round(data.total),
        converged=bool(result.success),
        iterations=int(result.nit),
        message=str(result.message),
    )


def p_alive(params: BgNbdParams, frequency: object, recency: object, age: object) -> np.ndarray:
    """P(alive | x, t_x, T) (FHL 2005 eq. 11 / appendix):
    1 / (1 + [x > 0] a / (b + x - 1) * ((alpha + T) / (alpha + t_x))^(r + x)).
    A customer without repeat transactions (x = 0) is alive with probability 1: in the
    BG/NBD model a customer can only drop out right after a transaction."""
    x, t_x, t = _as_float(frequency, recency, age)
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    with np.errstate(divide="ignore", invalid="ignore"):
        log_odds = (
            np.log(a)
            - np.log(np.where(x > 0, b + x - 1, 1.0))
            + (r + x) * (np.log(alpha + t) - np.log(alpha + t_x))
        )
    return np.where(x > 0, expit(-log_odds), 1.0)


def _expected_if_alive(params: BgNbdParams, t: object, frequency: object, age: object) -> object:
    """The numerator of eq. 10 = E[Y(t) | x, t_x, T] / P(alive): expected transactions
    in (T, T + t] of a customer known to be alive at T (depends on x and T only)."""
    t_, x, age_ = _as_float(t, frequency, age)
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    z = t_ / (alpha + age_ + t_)
    hyp = hyp2f1(a + b - 1 - r, a - 1, a + b + x - 1, z)
    return (a + b + x - 1) / (a - 1) * (1.0 - np.power(1.0 - z, a - 1) * hyp)


def conditional_expected_purchases(
    params: BgNbdParams, t: object, frequency: object, recency: object, age: object
) -> np.ndarray:
    """E[Y(t) | x, t_x, T]: expected transactions in the next t weeks (FHL 2005 eq. 10),
    = P(alive) * (a+b+x-1)/(a-1) * [1 - ((alpha+T)/(alpha+T+t))^(r+x)
      2F1(r+x, b+x; a+b+x-1; t/(alpha+T+t))]."""
    return np.asarray(
        _expected_if_alive(params, t, frequency, age) * p_alive(params, frequency, recency, age)
    )


def expected_purchases(params: BgNbdParams, t: object) -> np.ndarray:
    """E[X(t)]: expected repeat transactions in the first t weeks after a customer's
    first transaction (FHL 2005 eq. 9) = the conditional expectation at x = t_x = T = 0."""
    return np.asarray(_expected_if_alive(params, t, 0.0, 0.0))


def expected_purchases_grid(
    params: BgNbdParams, horizons: Sequence[float], frequency: object, age: object
) -> tuple[np.ndarray, np.ndarray]:
    """E[Y(t) | alive at T] for each horizon t and each customer, computed once per
    distinct (x, T): returns (matrix of shape (distinct pairs, len(horizons)), index of
    each customer's row)."""
    x, age_ = _as_float(frequency, age)
    (px, page), inverse = _group_rows(x, age_)
    h = np.asarray(horizons, dtype=np.float64)
    grid = _expected_if_alive(params, h[None, :], px[:, None], page[:, None])
    return np.asarray(grid), inverse


# -------------------------------------------------------------------- Gamma-Gamma


@dataclass(frozen=True)
class GammaGammaParams:
    p: float
    q: float
    gamma: float

    def as_dict(self) -> dict[str, float]:
        return {"p": self.p, "q": self.q, "gamma": self.gamma}

    @property
    def population_mean(self) -> float:
        """E[Z] = p * gamma / (q - 1), the expected transaction value of a customer
        we know nothing about; infinite when q <= 1."""
        return self.p * self.gamma / (self.q - 1) if self.q > 1 else float("inf")


def gamma_gamma_customer_log_likelihood(
    params: GammaGammaParams, frequency: object, average_value: object
) -> np.ndarray:
    """Each customer's log-likelihood of their average transaction value z over x
    transactions (Fader & Hardie 2013, eq. 3):
    f(z | p, q, gamma, x) = Gamma(px+q) / (Gamma(px) Gamma(q)) * gamma^q z^(px-1) x^(px)
                            / (gamma + x z)^(px+q)."""
    x, z = _as_float(frequency, average_value)
    p, q, g = params.p, params.q, params.gamma
    px = p * x
    return (
        gammaln(px + q)
        - gammaln(px)
        - gammaln(q)
        + q * np.log(g)
        + (px - 1) * np.log(z)
        + px * np.log(x)
        - (px + q) * np.log(g + x * z)
    )


def _gamma_gamma_objective(x: np.ndarray, z: np.ndarray):
    """Mean negative log-likelihood of the Gamma-Gamma model over customers with x >= 1
    and z > 0, and its analytic gradient, as a function of the log-parameters. The
    terms in gamma functions depend on x only and are computed once per distinct x;
    per customer, one log and one division remain."""
    n = len(x)
    ux, xi = np.unique(x, return_inverse=True)
    nx = np.bincount(xi, minlength=len(ux)).astype(np.float64)
    log_z = np.log(z)
    sum_log_z = float(log_z.sum())
    sum_x_log_z = float(_dot(x, log_z))
    sum_x_log_x = float(_dot(nx, ux * np.log(ux)))
    xz = x * z

    def fun(theta: np.ndarray) -> tuple[float, np.ndarray]:
        p, q, g = np.exp(theta)
        pux = p * ux
        gxz = g + xz
        log_gxz = np.log(gxz)
        weight = p * x + q  # (p x + q) per customer
        ll = (
            float(_dot(nx, gammaln(pux + q) - gammaln(pux)))
            - n * gammaln(q)
            + n * q * np.log(g)
            + p * sum_x_log_z
            - sum_log_z
            + p * sum_x_log_x
            - float(_dot(weight, log_gxz))
        )
        psi_pxq = digamma(pux + q)
        d_p = (
            float(_dot(nx * ux, psi_pxq - digamma(pux)))
            + sum_x_log_z
            + sum_x_log_x
            - float(_dot(x, log_gxz))
        )
        d_q = float(_dot(nx, psi_pxq)) - n * digamma(q) + n * np.log(g) - float(log_gxz.sum())
        d_g = n * q / g - float(np.sum(weight / gxz))
        grad = -np.array([d_p * p, d_q * q, d_g * g]) / n
        return -ll / n, grad

    return fun


def fit_gamma_gamma(
    frequency: object,
    average_value: object,
    start: GammaGammaParams | None = None,
) -> Fit:
    """Maximum-likelihood Gamma-Gamma fit on customers with x >= 1 and a positive
    average repeat-transaction value (others are left out)."""
    x, z = _as_float(frequency, average_value)
    keep = (x >= 1) & np.isfinite(z) & (z > 0)
    x, z = x[keep], z[keep]
    if len(x) < 2:
        raise ValueError("fewer than 2 repeat customers: the Gamma-Gamma model cannot be fitted")
    fun = _gamma_gamma_objective(x, z)
    if start is not None:
        theta0 = np.log([start.p, start.q, start.gamma])
    else:
        # p = 1, q = 3 make E[Z] = gamma / 2: start gamma at twice the mean value
        theta0 = np.log([1.0, 3.0, 2.0 * float(z.mean())])
    result = _minimize(fun, theta0)
    p, q, g = np.exp(result.x)
    params = GammaGammaParams(float(p), float(q), float(g))
    return Fit(
        params=params,
        log_likelihood=float(gamma_gamma_customer_log_likelihood(params, x, z).sum()),
        customers=len(x),
        converged=bool(result.success),
        iterations=int(result.nit),
        message=str(result.message),
    )


def conditional_expected_value(
    params: GammaGammaParams, frequency: object, average_value: object
) -> np.ndarray:
    """E[Z | p, q, gamma, x, z_bar] = p (gamma + x z_bar) / (p x + q - 1) (Fader &
    Hardie 2013, eq. 5): a weighted mean of the population mean p gamma / (q - 1) and the
    customer's own average, the weight on the latter growing with x. For x = 0 it is the
    population mean (NaN when q <= 1, where that mean does not exist)."""
    x, z = _as_float(frequency, average_value)
    p, q, g = params.p, params.q, params.gamma
    z = np.where(x > 0, z, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = p * (g + x * z) / (p * x + q - 1)
    return np.where((p * x + q - 1) > 0, value, np.nan)


# ---------------------------------------------------------------------------- CLV


def weekly_discount_factors(annual_rate: float, horizon_weeks: int) -> np.ndarray:
    """Discount factor of week k = 1..H: (1 + annual_rate)^(-k / 52), i.e. a weekly rate
    (1 + annual_rate)^(1/52) - 1 compounded, each week's purchases valued at its end."""
    if annual_rate <= -1:
        raise ValueError("the annual discount rate must be above -100%")
    k = np.arange(1, horizon_weeks + 1, dtype=np.float64)
    return np.power(1.0 + annual_rate, -k / WEEKS_PER_YEAR)


@dataclass(frozen=True)
class Scores:
    """Per-customer scores, aligned with the inputs."""

    p_alive: np.ndarray
    expected_purchases: dict[int, np.ndarray]  # horizon in weeks -> E[Y(t) | x, t_x, T]
    expected_value: np.ndarray  # Gamma-Gamma conditional expected transaction value
    clv: np.ndarray  # E[Y(H)] * E[Z]
    clv_discounted: np.ndarray  # sum_k (E[Y(k)] - E[Y(k-1)]) * E[Z] * discount_k


def score(
    bgnbd: BgNbdParams,
    gamma_gamma: GammaGammaParams,
    frequency: object,
    recency: object,
    age: object,
    average_value: object,
    *,
    horizons: Sequence[int] = (4, 13, 52),
    clv_horizon_weeks: int = 52,
    annual_discount_rate: float = 0.10,
) -> Scores:
    """P(alive), expected purchases over each horizon, expected transaction value and
    CLV over ``clv_horizon_weeks``:

    - clv = E[Y(H) | x, t_x, T] * E[Z | x, z_bar];
    - clv_discounted = E[Z | x, z_bar] * sum_{k=1..H} (E[Y(k)] - E[Y(k-1)]) * d_k with
      d_k = (1 + annual rate)^(-k/52): the purchases expected in week k, valued at the
      end of week k.

    Expectations are computed once per distinct (x, T); P(alive) scales them per
    customer."""
    x, t_x, t = _as_float(frequency, recency, age)
    alive = p_alive(bgnbd, x, t_x, t)
    weeks = np.arange(1, clv_horizon_weeks + 1)
    all_horizons = np.unique(np.concatenate([np.asarray(horizons, dtype=np.float64), weeks]))
    grid, row = expected_purchases_grid(bgnbd, all_horizons, x, t)
    column = {float(h): i for i, h in enumerate(all_horizons)}
    expected = {int(h): grid[row, column[float(h)]] * alive for h in horizons}
    weekly = grid[:, [column[float(k)] for k in weeks]]
    increments = np.diff(weekly, axis=1, prepend=0.0)
    discount = weekly_discount_factors(annual_discount_rate, clv_horizon_weeks)
    discounted_if_alive = np.sum(increments * discount[None, :], axis=1)
    value = conditional_expected_value(gamma_gamma, x, average_value)
    purchases_h = weekly[row, -1] * alive
    return Scores(
        p_alive=alive,
        expected_purchases=expected,
        expected_value=value,
        clv=purchases_h * value,
        clv_discounted=discounted_if_alive[row] * alive * value,
    )


# ---------------------------------------------------------------------- simulation


def simulate_bgnbd(
    params: BgNbdParams, age: object, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Draw (x, t_x) for customers observed for ``age`` weeks after their first
    transaction, from the BG/NBD process itself (for tests and checks)."""
    t = np.asarray(age, dtype=np.float64)
    n = len(t)
    lam = rng.gamma(params.r, 1.0 / params.alpha, size=n)
    drop = rng.beta(params.a, params.b, size=n)
    x = np.zeros(n, dtype=np.int64)
    t_x = np.zeros(n)
    clock = np.zeros(n)
    active = np.ones(n, dtype=bool)
    while active.any():
        idx = np.flatnonzero(active)
        clock[idx] += rng.exponential(1.0, size=len(idx)) / lam[idx]
        bought = clock[idx] <= t[idx]
        done = idx[~bought]
        active[done] = False
        buyers = idx[bought]
        x[buyers] += 1
        t_x[buyers] = clock[buyers]
        dies = rng.random(len(buyers)) < drop[buyers]
        active[buyers[dies]] = False
    return x, t_x


def simulate_gamma_gamma(
    params: GammaGammaParams, frequency: object, rng: np.random.Generator
) -> np.ndarray:
    """Draw each customer's average value over x transactions (NaN when x = 0)."""
    x = np.asarray(frequency, dtype=np.int64)
    nu = rng.gamma(params.q, 1.0 / params.gamma, size=len(x))
    # the sum of x Gamma(p, nu) values is Gamma(p x, nu)
    total = rng.gamma(np.maximum(params.p * x, 1e-300), 1.0 / nu)
    return np.where(x > 0, total / np.maximum(x, 1), np.nan)


def as_of_date(relation: object) -> date:
    """The as-of date D of the build, from int_as_of_date (a dbt Python model's
    config is fixed at parse time, D only at run time)."""
    value = _pandas(relation)["as_of_date"].iloc[0]
    return value.date() if hasattr(value, "date") else value  # a pandas Timestamp or a date


def ordered_frame(relation: object, order_by: Sequence[str]) -> object:
    """A dbt Python model's input (a DuckDB relation of dbt-duckdb, or a Spark
    DataFrame) as a pandas DataFrame sorted by ``order_by``: an engine returns rows in
    any order, and the fits' floating-point sums depend on it, so two builds of the
    same inputs would differ in the last digits otherwise."""
    return _pandas(relation).sort_values(list(order_by), kind="stable", ignore_index=True)


def _pandas(relation: object) -> object:
    """A dbt Python model's input as a pandas DataFrame (dbt-duckdb: a DuckDB relation;
    Spark: a DataFrame)."""
    return relation.df() if hasattr(relation, "df") else relation.toPandas()
