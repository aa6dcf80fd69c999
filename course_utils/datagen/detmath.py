"""Deterministic math for the generator: same bits on every CPU, OS and numpy build.

Why this module exists
----------------------
numpy picks SIMD kernels at run time. Its transcendental ufuncs (``np.exp``,
``np.log``, ``np.log1p``, ``**`` with a float exponent, ``np.tanh`` ...) give
results that differ in the last bit between the AVX-512, AVX2 and baseline
paths (measured here: ``np.exp`` differs in 4.7 % of the elements between
AVX-512 and AVX2). The random distributions of ``numpy.random.Generator``
(``lognormal``, ``gumbel``, ``exponential``, ``gamma``, ``uniform``,
``normal`` with loc/scale) call the C library's ``exp``/``log`` or compute
``loc + scale * x`` in C, which a compiler may fuse into one FMA instruction
(Apple's clang does by default): their last bits can differ between machines too.

This module builds the functions the generator needs from operations that IEEE
754 requires to be correctly rounded -- ``+ - * /``, ``sqrt``, ``floor`` --
plus the exact ``frexp``/``ldexp``, each applied as a separate numpy ufunc (so
nothing is fused). The polynomials are fdlibm's (Sun Microsystems, freely
redistributable), accurate to about 1 ulp. Random draws start from the
bit-exact primitives ``rng.random()`` (53 random bits times 2**-53),
``rng.integers()`` and ``rng.standard_normal()`` (ziggurat: table look-ups and
one multiplication; only its rare far tail, about 3 draws in 10,000, calls the C
library's ``log1p``, whose last bit could in theory differ between C libraries).

Discrete draws (``rng.poisson``, ``rng.binomial``, ``rng.choice``) stay with
numpy: a last-bit difference inside them could change an outcome only when a
uniform number falls within one ulp of a threshold (probability about 1e-16).

>>> float(exp(1.0)), float(log(10.0))      # math.e = 2.718281828459045: within 1 ulp
(2.7182818284590455, 2.302585092994046)
>>> float(log1p(1e-10)), float(power(2.0, 0.5))
(9.999999999500001e-11, 1.414213562373095)
"""
from __future__ import annotations

import functools

import numpy as np

__all__ = ["exp", "log", "log1p", "power", "sigmoid",
           "uniform", "normal", "lognormal", "gumbel", "exponential", "gamma"]

# fdlibm constants (e_exp.c, e_log.c)
_LN2_HI = 6.93147180369123816490e-01      # ln 2, upper bits (n * _LN2_HI is exact for |n| < 2**11)
_LN2_LO = 1.90821492927058770002e-10      # ln 2 - _LN2_HI
_INV_LN2 = 1.44269504088896338700e+00
_P1, _P2, _P3, _P4, _P5 = (1.66666666666666019037e-01, -2.77777777770155933842e-03,
                           6.61375632143793436117e-05, -1.65339022054652515390e-06,
                           4.13813679705723846039e-08)
_LG1, _LG2, _LG3, _LG4, _LG5, _LG6, _LG7 = (
    6.666666666666735130e-01, 3.999999999940941908e-01, 2.857142874366239149e-01,
    2.222219843214978396e-01, 1.818357216161805012e-01, 1.531383769920937332e-01,
    1.479819860511658591e-01)
_SQRT_HALF = 0.70710678118654752440
_EXP_MAX = 709.782712893383973096        # above: overflow to inf
_EXP_MIN = -745.13321910194110842        # below: underflow to 0


#: Elements per block: large arrays are processed in blocks so that the dozen
#: temporaries of a function stay small (memory) and in cache (speed).
BLOCK = 1 << 16


def _arr(x) -> np.ndarray:
    return np.asarray(x, dtype=np.float64)


def _out(res: np.ndarray, x) -> np.ndarray | float:
    return res if np.ndim(x) else np.float64(res)


def _blockwise(fn):
    """Apply the elementwise ``fn`` block by block (same result, bounded temporaries)."""
    @functools.wraps(fn)
    def run(x):
        a = _arr(x)
        if a.size <= BLOCK:
            return fn(a) if a.ndim else np.float64(fn(a))
        flat = np.ascontiguousarray(a).reshape(-1)
        out = np.empty(flat.shape[0])
        for i in range(0, flat.shape[0], BLOCK):
            out[i:i + BLOCK] = fn(flat[i:i + BLOCK])
        return out.reshape(a.shape)
    return run


@_blockwise
def exp(x):
    """``e ** x`` (float64), bit-identical on every machine; error below 1 ulp.

    >>> exp(np.array([0.0, -1.0, 1000.0, -1000.0])).tolist()
    [1.0, 0.36787944117144233, inf, 0.0]
    """
    a = _arr(x)
    with np.errstate(invalid="ignore", over="ignore"):
        c = np.clip(a, -746.0, 710.0)                         # keeps ldexp in range
        k = np.floor(c * _INV_LN2 + 0.5)
        hi = c - k * _LN2_HI
        lo = k * _LN2_LO
        r = hi - lo
        t = r * r
        cc = r - t * (_P1 + t * (_P2 + t * (_P3 + t * (_P4 + t * _P5))))
        y = 1.0 - ((lo - (r * cc) / (2.0 - cc)) - hi)
        # two steps so that 2**k never overflows on its own (k up to 1024)
        half = np.floor(k * 0.5)
        res = np.ldexp(np.ldexp(y, half.astype(np.int64)), (k - half).astype(np.int64))
        res = np.where(a > _EXP_MAX, np.inf, np.where(a < _EXP_MIN, 0.0, res))
        res = np.where(np.isnan(a), np.nan, res)
    return _out(res, x)


@_blockwise
def log(x):
    """Natural logarithm (float64), bit-identical on every machine; ``log(0) = -inf``, ``log(<0) = nan``.

    >>> log(np.array([1.0, np.e, 0.0, -1.0])).tolist()
    [0.0, 1.0, -inf, nan]
    """
    a = _arr(x)
    with np.errstate(invalid="ignore", divide="ignore"):
        pos = np.isfinite(a) & (a > 0)
        m, e = np.frexp(np.where(pos, a, 1.0))              # a = m * 2**e, 0.5 <= m < 1
        low = m < _SQRT_HALF
        m = np.where(low, m * 2.0, m)                        # sqrt(1/2) <= m < sqrt(2)
        k = (e - low).astype(np.float64)
        f = m - 1.0                                          # exact (Sterbenz)
        hfsq = 0.5 * f * f
        s = f / (2.0 + f)
        z = s * s
        w = z * z
        t1 = w * (_LG2 + w * (_LG4 + w * _LG6))
        t2 = z * (_LG1 + w * (_LG3 + w * (_LG5 + w * _LG7)))
        r = t2 + t1
        res = k * _LN2_HI - ((hfsq - (s * (hfsq + r) + k * _LN2_LO)) - f)
        res = np.where(pos, res, np.where(a == 0, -np.inf, np.where(a == np.inf, np.inf, np.nan)))
    return _out(res, x)


@_blockwise
def log1p(x):
    """``log(1 + x)``, accurate also for tiny ``x``; bit-identical on every machine.

    >>> log1p(np.array([0.0, 1e-20, 1.0])).tolist()
    [0.0, 1e-20, 0.6931471805599453]
    """
    a = _arr(x)
    u = 1.0 + a
    with np.errstate(invalid="ignore", divide="ignore"):
        d = u - 1.0
        res = np.where(d == 0, a, log(u) * (a / np.where(d == 0, 1.0, d)))
        res = np.where(u == np.inf, np.inf, res)
    return _out(res, x)


def power(x, y):
    """``x ** y`` for ``x >= 0`` as ``exp(y * log(x))``; ``0 ** y = 0`` for ``y > 0``.

    Accurate to a few ulp (enough for the generator's shapes); bit-identical everywhere.

    >>> power(np.array([4.0, 0.0, 8.0]), 0.5).tolist()
    [2.0, 0.0, 2.82842712474619]
    """
    a, b = np.broadcast_arrays(_arr(x), _arr(y))
    with np.errstate(invalid="ignore", divide="ignore"):
        res = exp(b * log(a))
        res = np.where((a == 0) & (b > 0), 0.0, np.where(b == 0, 1.0, res))
    return res if (np.ndim(x) or np.ndim(y)) else np.float64(res)


def sigmoid(x):
    """Logistic function ``1 / (1 + e**-x)``.

    >>> float(sigmoid(0.0))
    0.5
    """
    return 1.0 / (1.0 + exp(-_arr(x)))


# ------------------------------------------------------------------ random draws
def uniform(rng: np.random.Generator, low, high, size=None):
    """Uniform on ``[low, high)`` as ``low + (high - low) * rng.random()`` (numpy ufuncs, not fused).

    Uses one ``rng.random()`` per value, like ``rng.uniform``.

    >>> float(uniform(np.random.default_rng(0), 5.0, 7.0)) < 7.0
    True
    """
    low, high = _arr(low), _arr(high)
    if size is None:
        size = np.broadcast_shapes(low.shape, high.shape)
    return low + (high - low) * rng.random(size)


def normal(rng: np.random.Generator, loc=0.0, scale=1.0, size=None):
    """Normal draws ``loc + scale * rng.standard_normal()`` (same stream use as ``rng.normal``).

    >>> normal(np.random.default_rng(0), 10.0, 0.0, 3).tolist()
    [10.0, 10.0, 10.0]
    """
    loc, scale = _arr(loc), _arr(scale)
    if size is None:
        size = np.broadcast_shapes(loc.shape, scale.shape)
    return loc + scale * rng.standard_normal(size)


def lognormal(rng: np.random.Generator, mean=0.0, sigma=1.0, size=None):
    """Log-normal draws ``exp(mean + sigma * Z)`` (same stream use as ``rng.lognormal``).

    >>> bool((lognormal(np.random.default_rng(0), 0.0, 0.5, 100) > 0).all())
    True
    """
    return exp(normal(rng, mean, sigma, size))


def exponential(rng: np.random.Generator, scale=1.0, size=None):
    """Exponential draws ``-scale * log(1 - U)`` (``1 - U`` is exact and > 0).

    >>> bool((exponential(np.random.default_rng(0), 2.0, 100) >= 0).all())
    True
    """
    scale = _arr(scale)
    if size is None:
        size = scale.shape
    return -scale * log(1.0 - rng.random(size))


def gumbel(rng: np.random.Generator, size=None, dtype=np.float64):
    """Standard Gumbel draws ``-log(-log(U))`` with ``U`` in (0, 1).

    ``dtype=np.float32`` draws 24-bit uniforms (half the random bits) and returns float32.

    >>> g = gumbel(np.random.default_rng(0), 10_000)
    >>> round(float(g.mean()), 1)     # Euler-Mascheroni constant 0.577...
    0.6
    """
    u = 1.0 - rng.random(size, dtype=dtype).astype(np.float64)   # (0, 1], exact
    # u == 1 (a zero draw) stands for the half-step below 1, so that -log(u) > 0
    half_step = 2.0 ** -25 if dtype == np.float32 else 2.0 ** -54
    e = np.maximum(-log(u), half_step)
    g = -log(e)
    return g.astype(dtype) if dtype != np.float64 else g


def gamma(rng: np.random.Generator, shape: float, scale=1.0, size=None):
    """Gamma draws for ``shape`` a positive multiple of 1/2 (1, 1.5, 2, 3 ...).

    Built from exponentials (sum of ``floor(shape)`` of them, by one log of their
    uniforms' product) plus, for a half-integer shape, ``Z**2 / 2``.

    >>> x = gamma(np.random.default_rng(0), 3.0, 1 / 3.0, 20_000)
    >>> round(float(x.mean()), 1), round(float(x.var()), 1)
    (1.0, 0.3)
    """
    k2 = shape * 2.0
    if k2 != np.floor(k2) or shape <= 0:
        raise ValueError(f"gamma shape must be a positive multiple of 0.5, got {shape}")
    scale = _arr(scale)
    if size is None:
        size = scale.shape
    n_exp = int(np.floor(shape))
    total = np.zeros(size)
    for start in range(0, n_exp, 8):             # a product of <= 8 uniforms never underflows
        prod = np.ones(size)
        for _ in range(start, min(n_exp, start + 8)):
            prod = prod * (1.0 - rng.random(size))
        total = total - log(prod)
    if k2 % 2:
        z = rng.standard_normal(size)
        total = total + 0.5 * (z * z)
    return scale * total
