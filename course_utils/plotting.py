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


#: What ``seaborn.set_theme(context="notebook", style="whitegrid", palette="colorblind")`` puts
#: into ``rcParams``, written out so that :func:`setup` need not import seaborn: seaborn imports
#: ``scipy.stats``, about 1.2 s of a notebook's start when nothing else needs SciPy (0.2 s when
#: scikit-learn has loaded it). ``tests/test_plotting.py`` checks it against seaborn itself.
#: One difference: ``image.cmap`` keeps matplotlib's default, because seaborn's "rocket" map
#: exists only once seaborn is imported; every course chart names its colour map.
_THEME_RC: dict = {
    # seaborn.axes_style("whitegrid")
    "figure.facecolor": "white", "axes.labelcolor": ".15", "xtick.direction": "out",
    "ytick.direction": "out", "xtick.color": ".15", "ytick.color": ".15", "axes.axisbelow": True,
    "grid.linestyle": "-", "text.color": ".15", "font.family": ["sans-serif"],
    "font.sans-serif": ["Arial", "DejaVu Sans", "Liberation Sans", "Bitstream Vera Sans", "sans-serif"],
    "lines.solid_capstyle": "round", "patch.edgecolor": "w", "patch.force_edgecolor": True,
    "xtick.top": False, "ytick.right": False, "axes.grid": True, "axes.facecolor": "white",
    "axes.edgecolor": ".8", "grid.color": ".8", "axes.spines.left": True, "axes.spines.bottom": True,
    "axes.spines.right": True, "axes.spines.top": True, "xtick.bottom": False, "ytick.left": False,
    # seaborn.plotting_context("notebook", font_scale=1)
    "axes.linewidth": 1.25, "grid.linewidth": 1, "lines.linewidth": 1.5, "lines.markersize": 6,
    "patch.linewidth": 1, "xtick.major.width": 1.25, "ytick.major.width": 1.25, "xtick.minor.width": 1,
    "ytick.minor.width": 1, "xtick.major.size": 6, "ytick.major.size": 6, "xtick.minor.size": 4,
    "ytick.minor.size": 4, "font.size": 12.0, "axes.labelsize": 12.0, "axes.titlesize": 12.0,
    "xtick.labelsize": 11.0, "ytick.labelsize": 11.0, "legend.fontsize": 11.0,
    "legend.title_fontsize": 12.0,
}
#: seaborn's "colorblind" palette (the colour cycle) ...
_PALETTE_HEX: tuple[str, ...] = ("#0173b2", "#de8f05", "#029e73", "#d55e00", "#cc78bc", "#ca9161",
                                 "#fbafe4", "#949494", "#ece133", "#56b4e9")
#: ... and the single-letter colour codes it maps ("b" = its blue, ..., "k" = near-black).
_COLOR_CODES: dict[str, str | tuple] = {"b": "#0173b2", "g": "#029e73", "r": "#d55e00", "m": "#cc78bc",
                                        "y": "#ece133", "c": "#56b4e9", "k": (0.1, 0.1, 0.1)}


def _apply_theme(context: str, font_scale: float) -> None:
    """seaborn's ``set_theme(context, "whitegrid", "colorblind", font_scale)``; without
    importing seaborn for the course's own setting (context "notebook", scale 1)."""
    if context == "notebook" and float(font_scale) == 1.0:
        from cycler import cycler
        from matplotlib.colors import colorConverter, to_rgb

        mpl.rcParams.update(_THEME_RC)
        mpl.rcParams["axes.prop_cycle"] = cycler("color", [to_rgb(c) for c in _PALETTE_HEX])
        for code, colour in _COLOR_CODES.items():     # item by item: clears matplotlib's cache
            colorConverter.colors[code] = to_rgb(colour)
        return
    import seaborn as sns

    sns.set_theme(context=context, style="whitegrid", palette=PALETTE, font_scale=font_scale)


def setup(context: str = "notebook", font_scale: float = 1.0) -> None:
    """Apply the course theme: seaborn's whitegrid style, palette, fonts, figure size.

    Call once per notebook, before plotting. The theme resets font settings, so the
    fonts are applied after it. The default context needs no seaborn import (see
    ``_THEME_RC``); another context or scale imports seaborn.

    Args:
        context: seaborn context ("notebook", "talk" for projectors).
        font_scale: multiplier for all font sizes.

    >>> setup()
    >>> import matplotlib as mpl
    >>> mpl.rcParams["axes.unicode_minus"]
    False
    """
    _apply_theme(context, font_scale)
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
