"""Synthetic, masked personal data: names like ``张**`` and phones like ``138****1234``.

Nothing here is real: surnames come from a list of common Chinese surnames, the
given name is never generated (only its length, shown as ``*``), and the visible
phone digits are random.
"""
from __future__ import annotations

import numpy as np

#: Common surnames (weights roughly follow their frequency; clearly not a register).
SURNAMES = np.array(list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"))
_SURNAME_W = np.linspace(3.0, 0.6, len(SURNAMES))
_SURNAME_W = _SURNAME_W / _SURNAME_W.sum()

#: Mobile prefixes used for the visible first three digits.
PHONE_PREFIXES = np.array(["130", "131", "132", "133", "135", "136", "137", "138", "139",
                           "150", "151", "152", "155", "156", "157", "158", "159",
                           "177", "180", "181", "182", "185", "186", "187", "188", "189",
                           "198", "199"])


def masked_names(n: int, rng: np.random.Generator) -> np.ndarray:
    """Return ``n`` masked names: a surname followed by one or two ``*``.

    >>> masked_names(2, np.random.default_rng(0)).tolist()  # doctest: +SKIP
    ['张**', '李*']
    """
    sur = rng.choice(SURNAMES, size=n, p=_SURNAME_W)
    stars = np.where(rng.random(n) < 0.75, "**", "*")
    return np.char.add(sur.astype(str), stars).astype(object)


def masked_phones(n: int, rng: np.random.Generator) -> np.ndarray:
    """Return ``n`` masked mobile numbers like ``138****1234`` (random visible digits).

    >>> masked_phones(1, np.random.default_rng(0))[0][3:7]
    '****'
    """
    pre = rng.choice(PHONE_PREFIXES, size=n)
    last = rng.integers(0, 10000, size=n)
    tails = np.char.zfill(last.astype(str), 4)
    return np.char.add(np.char.add(pre.astype(str), "****"), tails).astype(object)
