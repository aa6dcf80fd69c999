"""The course theme renders Chinese with the bundled font and no glyph warnings."""
from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from course_utils import plotting  # noqa: E402


def _render(fig) -> None:
    fig.canvas.draw()
    plt.close(fig)


def test_font_and_licence_are_shipped():
    assert plotting.FONT_FILE.exists()
    assert plotting.FONT_FILE.stat().st_size < 6_000_000
    licence = (plotting.FONT_FILE.parent / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence


def test_chinese_plot_has_no_missing_glyph_warnings():
    plotting.setup()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig, ax = plt.subplots()
        ax.plot([2021, 2022, 2023], [-0.15, 0.18, 0.20], label="客户流失率 (churn rate)")
        ax.set_title("客户流失率逐年上升：产品调整与市场变化")
        ax.set_xlabel("年份")
        ax.set_ylabel("流失率 ¥ ≥90 70–89 −5")
        ax.legend(title="图例")
        ax.annotate("手续费调整", xy=(2022, 0.18))
        _render(fig)
    glyph = [w for w in caught if "missing from" in str(w.message) or "Glyph" in str(w.message)]
    assert glyph == [], [str(w.message) for w in glyph]


def test_chinese_text_resolves_to_bundled_font():
    plotting.setup()
    prop = font_manager.FontProperties(family=plotting.CJK_FAMILY)
    path = font_manager.findfont(prop, fallback_to_default=False)
    assert path.endswith("CourseSansSC-Regular.otf")


def test_setup_turns_unicode_minus_off_and_keeps_cjk_family():
    plotting.setup(context="talk")
    assert matplotlib.rcParams["axes.unicode_minus"] is False
    assert plotting.CJK_FAMILY in matplotlib.rcParams["font.family"]


def test_font_covers_course_vocabulary():
    """Every character the course's labels use is in the subset (GB2312 + extras)."""
    from fontTools.ttLib import TTFont

    cmap = TTFont(plotting.FONT_FILE)["cmap"].getBestCmap()
    vocab = "客户流失率高价值中低满意度忠诚重要挽留发展保持一般沉睡理财偏好外呼意向级留学金融￥¥≥≤–—·…％"
    missing = [c for c in vocab if ord(c) not in cmap]
    assert missing == []


@pytest.mark.parametrize("value,unit,text", [(503_210, "万", "50.3万元"), (2e8, "亿", "2.00亿元"),
                                             (1234.5, "元", "1,235元"), (8_000, "auto", "8,000元")])
def test_yuan_formats(value, unit, text):
    assert plotting.yuan(value, unit) == text


def test_yuan_rejects_unknown_unit():
    with pytest.raises(ValueError, match="unit"):
        plotting.yuan(1, unit="USD")


_STATE = r"""
import json, sys
import matplotlib
matplotlib.use("Agg")
from course_utils import plotting
if sys.argv[1] == "seaborn":            # what setup() did when it imported seaborn
    import seaborn as sns
    sns.set_theme(context="notebook", style="whitegrid", palette=plotting.PALETTE, font_scale=1.0)
    plotting.apply_fonts()
    for k, v in {"figure.figsize": (8.0, 4.5), "figure.dpi": 100, "savefig.bbox": "tight",
                 "axes.spines.top": False, "axes.spines.right": False}.items():
        matplotlib.rcParams[k] = v
else:
    plotting.setup()
rc = {k: repr(v) for k, v in matplotlib.rcParams.items()}
codes = {c: matplotlib.colors.to_rgba(c) for c in "bgrmyck"}
print(json.dumps({"rc": rc, "codes": codes, "seaborn": "seaborn" in sys.modules,
                  "scipy": "scipy.stats" in sys.modules}))
"""


def test_setup_without_seaborn_sets_exactly_what_seaborn_set():
    """setup() writes seaborn's theme out (no seaborn/scipy import): every rcParam and colour
    code equals what seaborn.set_theme gave, except image.cmap (seaborn's 'rocket' exists
    only after importing seaborn; course charts always name their colour map)."""
    import json
    import subprocess
    import sys

    def state(how):
        out = subprocess.run([sys.executable, "-c", _STATE, how], capture_output=True, text=True,
                             check=True, cwd=str(plotting.FONT_FILE.parents[2]))
        return json.loads(out.stdout)

    fast, ref = state("fast"), state("seaborn")
    assert not fast["seaborn"] and not fast["scipy"], "setup() imported seaborn or scipy.stats"
    assert ref["rc"]["image.cmap"] == "'rocket'" and fast["rc"]["image.cmap"] == "'viridis'"
    diff = {k: (fast["rc"].get(k), v) for k, v in ref["rc"].items()
            if k != "image.cmap" and fast["rc"].get(k) != v}
    assert diff == {}
    assert fast["codes"] == ref["codes"]


def test_setup_other_context_scales_the_fonts_and_the_default_restores_them():
    plotting.setup(context="talk", font_scale=1.2)
    assert matplotlib.rcParams["font.size"] > 12 * 1.2
    plotting.setup()
    assert matplotlib.rcParams["font.size"] == 12.0
