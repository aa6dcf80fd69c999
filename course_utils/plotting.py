"""One plot theme for the whole course, with a bundled Chinese font.

Trainees' laptops and CI machines often have no CJK system font; matplotlib
then draws Chinese titles as empty boxes and warns "Glyph ... missing". The
package ships "Course Sans SC" (a GB2312 subset of Noto Sans CJK SC, SIL Open
Font License 1.1, licence text in ``course_utils/fonts/OFL.txt``) and
registers it here. Latin text keeps the theme's default sans-serif face; every
glyph it lacks falls back per glyph to the bundled font (matplotlib >= 3.6).

Usage, once at the top of a notebook::

    from course_utils.plotting import setup
    setup()

Colours: ``PALETTE`` (a colour-blind-safe seaborn palette) and the semantic
colours ``GOOD`` (blue), ``BAD`` (orange-red), ``NEUTRAL`` (grey) defined once in
:mod:`course_utils.viz.theme`; numbers are written with :mod:`course_utils.viz.fmt`.
"""
from __future__ import annotations

from pathlib import Path

import matplotlib as mpl
from matplotlib import font_manager

FONT_FILE: Path = Path(__file__).resolve().parent / "fonts" / "CourseSansSC-Regular.otf"
#: Family name of the bundled CJK font.
CJK_FAMILY: str = "Course Sans SC"

PALETTE: str = "colorblind"
from course_utils.viz.theme import BAD, GOOD, NEUTRAL  # noqa: E402,F401  (one colour meaning)

_registered = False


def register_font() -> str:
    """Register the bundled CJK font with matplotlib; return its family name.

    Safe to call many times.

    >>> register_font()
    'Course Sans SC'
    """
    global _registered
    if not _registered:
        font_manager.fontManager.addfont(str(FONT_FILE))
        _registered = True
    return CJK_FAMILY


def apply_fonts() -> None:
    """Point matplotlib's font settings at the default sans face + the CJK font.

    ``font.family`` lists both families so that matplotlib falls back glyph by
    glyph: Latin from DejaVu Sans, Chinese from the bundled font. The minus
    sign is drawn as a hyphen-minus, which every font has.
    """
    family = register_font()
    mpl.rcParams["font.family"] = ["sans-serif", family]
    mpl.rcParams["font.sans-serif"] = ["DejaVu Sans", family]
    mpl.rcParams["axes.unicode_minus"] = False
    # The bundled face is Regular only: ask for normal weight everywhere so
    # no bold lookup misses it.
    mpl.rcParams["axes.titleweight"] = "normal"
    mpl.rcParams["figure.titleweight"] = "normal"
    mpl.rcParams["axes.labelweight"] = "normal"


def setup(context: str = "notebook", font_scale: float = 1.0) -> None:
    """Apply the course theme: seaborn style, palette, fonts, figure size.

    Call once per notebook, before plotting. ``sns.set_theme`` resets font
    settings, so the fonts are applied after it.

    Args:
        context: seaborn context ("notebook", "talk" for projectors).
        font_scale: multiplier for all font sizes.

    >>> setup()
    >>> import matplotlib as mpl
    >>> mpl.rcParams["axes.unicode_minus"]
    False
    """
    import seaborn as sns

    sns.set_theme(context=context, style="whitegrid", palette=PALETTE, font_scale=font_scale)
    apply_fonts()
    mpl.rcParams["figure.figsize"] = (8.0, 4.5)
    mpl.rcParams["figure.dpi"] = 100
    mpl.rcParams["savefig.bbox"] = "tight"
    mpl.rcParams["axes.spines.top"] = False
    mpl.rcParams["axes.spines.right"] = False


def yuan(value: float, unit: str = "万") -> str:
    """Format an amount in CNY (kept for old notebooks; see :func:`course_utils.viz.fmt.money`).

    Args:
        value: amount in yuan (CNY).
        unit: "万" (10,000 yuan), "元" (yuan), "亿" (100 million yuan) or "auto".

    >>> yuan(503_210)
    '50.3万元'
    >>> yuan(1234.5, unit="元")
    '1,235元'
    """
    from course_utils.viz.fmt import money

    units = {"万": "万元", "元": "元", "亿": "亿元", "auto": "auto"}
    if unit not in units:
        raise ValueError(f"unit must be 万, 元, 亿 or auto, not {unit!r}")
    return money(value, units[unit])


def percent(value: float, digits: int = 1) -> str:
    """Format a fraction as a percentage string (one decimal, as everywhere in the course).

    >>> percent(0.1834)
    '18.3%'
    """
    from course_utils.viz.fmt import percent as _percent

    return _percent(value, digits)
