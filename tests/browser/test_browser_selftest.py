"""The suite fails when a widget exercise breaks: proven on broken copies.

A check that cannot fail proves nothing, so :func:`browserkit.check_widget_exercise`
is run on deliberately broken notebooks (generated with nbformat in a temporary
copy, never committed) and must report each breakage:

* Lecture 1's real exercise notebook with its render function raising;
* a demo notebook with one exercise per further breakage: the controls
  disconnected from the redraw callback, widgets not displayed at all (only a
  static picture is left), and kernel widgets with a version the front end
  does not have -- followed by an intact exercise, which must pass
  (``test_browser_lab.py::test_demo_widget_exercise_in_lab``: the control group);
* the Chinese-rendering check on a Chromium that has no Chinese font (forced with
  a fontconfig file listing one Latin font): every Chinese character and the
  emoji icon must be reported as tofu -- and the same page passes in the
  suite's Chromium (the control), while a page without Chinese never passes;
* the link check on a notebook with a missing target and a link above the root.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import nbformat
import nbformat.v4
import pytest

import browserkit as bk
import fixture_notebooks as fx
from fixture_notebooks import DEMO_LAYOUT, DEMO_REL

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

WIDGET_NOTEBOOKS = bk.discover_widget_notebooks(bk.EXERCISES_DIR)
#: The notebook already ran and its intact exercise renders in the same page
#: (see the control test), so a breakage shows well within this (s).
SELFTEST_TIMEOUT = 6.0


@pytest.fixture(scope="module")
def broken_lecture(lab_root):
    """A copy of the first exercise notebook with widgets, its render function raising."""
    if WIDGET_NOTEBOOKS:
        source = WIDGET_NOTEBOOKS[0]
        nb = nbformat.read(str(source), as_version=4)
    else:  # no lecture yet: the plain demo exercise
        source, nb = lab_root / "demo.ipynb", fx.demo_notebook()
    nb = fx.broken_copy(nb, "render_raises")
    rel = f"selftest/{source.stem}__render_raises.ipynb"
    fx.write(nb, lab_root / rel)
    return rel


def test_render_error_is_reported(broken_lecture, lab_notebooks, lab_root, artifacts,
                                  shoot_on_failure):
    page, _ = lab_notebooks(broken_lecture)
    shoot_on_failure(page)
    reports = bk.check_cells(page, lab_root / broken_lecture, "selftest__render_raises",
                             artifacts, fail_fast=True)  # the error box shows at once
    print(bk.summarise(reports))
    assert reports and not reports[0].ok, bk.summarise(reports)
    assert any("engine error box" in p for p in reports[0].problems), reports[0].summary()


@pytest.mark.parametrize("breakage, expected", [
    ("callback_disconnected", "output did not change"),
    ("not_rendered", "no widget controls rendered"),
    ("version_mismatch", "no widget controls rendered"),
])
def test_breakage_is_reported(breakage, expected, lab_notebooks, lab_root, artifacts,
                              shoot_on_failure):
    page, _ = lab_notebooks(DEMO_REL)
    shoot_on_failure(page)
    report = bk.check_widget_exercise(page, bk.lab_cell(page, DEMO_LAYOUT[breakage]),
                                      f"selftest__{breakage}", artifacts, fail_fast=True,
                                      timeout=SELFTEST_TIMEOUT, probe=1.5)
    print(report.summary())
    assert not report.ok, report.summary()
    assert any(expected in p for p in report.problems), report.summary()


# --------------------------------------------------------------------------
# The Chinese-rendering check fails when the fonts are missing
# --------------------------------------------------------------------------
#: What the suite's pages show: Markdown prose, a widget label, a code comment
#: and the engine's feedback boxes with their icons (an emoji one as well).
RENDER_PAGE = """<!doctype html><html lang="zh-CN"><body style="font-family: system-ui, sans-serif">
<h2>一、客户流失预警 · Churn early warning</h2>
<p>客户流失率 (churn rate) 从 15% 升到 20%。</p>
<label class="widget-label">2021 年</label>
<pre style="font-family: monospace"># 参数 (parameters)：随机种子</pre>
<div class="course-feedback course-correct"><div>√ <b>正确</b></div><div>答对了！</div></div>
<div class="course-feedback course-incorrect"><div>× <b>还不对</b></div><div>数值偏大。</div></div>
<div class="course-feedback course-not_attempted"><div>… <b>尚未作答</b></div></div>
<p id="emoji">✅ 正确</p>
</body></html>"""


@pytest.fixture(scope="module")
def tofu_browser(chromium_path, playwright_session, tmp_path_factory):
    """Chromium that sees ONE Latin-only font (DejaVu Sans from matplotlib), no CJK font.

    fontconfig (which Chromium uses on Linux) reads the configuration named by
    FONTCONFIG_FILE: a machine without a Chinese font, exactly as Debian's
    Chromium was before the course installed one.
    """
    import sys

    if not sys.platform.startswith("linux"):
        pytest.skip("forcing a font-less Chromium uses fontconfig (Linux only)")
    import matplotlib

    d = tmp_path_factory.mktemp("latin_fonts")
    fonts = d / "fonts"
    fonts.mkdir()
    shutil.copy2(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf", fonts)
    conf = d / "fonts.conf"
    conf.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
                    f"<fontconfig><dir>{fonts}</dir><cachedir>{d / 'cache'}</cachedir>"
                    "</fontconfig>\n", encoding="utf-8")
    env = dict(os.environ, FONTCONFIG_FILE=str(conf))
    env.pop("FONTCONFIG_PATH", None)
    b = playwright_session.chromium.launch(executable_path=chromium_path, headless=True,
                                           args=bk.CHROMIUM_ARGS, env=env, timeout=60_000)
    try:
        yield b
    finally:
        b.close()


def test_rendering_check_reports_tofu_without_a_chinese_font(tofu_browser, artifacts):
    page = bk.new_page(tofu_browser)
    try:
        page.set_content(RENDER_PAGE)
        bk.screenshot(page, artifacts / "selftest__no_cjk_font.png")
        report = bk.check_text_rendering(page, where="selftest without CJK font", min_icons=3)
    finally:
        page.context.close()
    print(report.summary())
    assert not report.ok
    tofu = {t["ch"] for t in report.tofu}
    assert {"客", "流", "失", "率", "参", "数", "正", "确"} <= tofu, tofu  # prose, code, boxes
    assert "✅" in tofu and "√" not in tofu and "×" not in tofu  # DejaVu has √ and ×
    assert any("fonts-wqy-microhei" in p for p in report.problems), report.problems


def test_rendering_check_passes_with_the_installed_chinese_font(browser):
    """Control: the same Chinese page (without the emoji) in the suite's Chromium."""
    page = bk.new_page(browser)
    try:
        page.set_content(RENDER_PAGE.replace('<p id="emoji">✅ 正确</p>', ""))
        report = bk.check_text_rendering(page, where="selftest with CJK font", min_icons=3)
    finally:
        page.context.close()
    print(report.summary())
    assert report.ok, report.summary()
    assert report.cjk_chars >= 20 and [i["icon"] for i in report.icons] == ["√", "×", "…"]
    assert report.fonts, "Chrome reported no platform font for the Chinese text"


def test_rendering_check_is_never_vacuous(browser):
    page = bk.new_page(browser)
    try:
        page.set_content("<p>churn rate 20%</p><p style='display:none'>隐藏的中文</p>")
        report = bk.check_text_rendering(page, where="selftest without Chinese", min_icons=1)
    finally:
        page.context.close()
    assert not report.ok
    assert any("no Chinese text found" in p for p in report.problems), report.problems
    assert any("feedback box" in p for p in report.problems), report.problems


# --------------------------------------------------------------------------
# The link check fails on a broken link
# --------------------------------------------------------------------------
def test_link_check_reports_broken_links(lab, lab_root):
    """A notebook with a good link, a link to a missing file and one above the root."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(
        "[好](../exercises/L1_exercises.ipynb) [缺](../exercises/L9_missing.ipynb) "
        "[外](../../outside.ipynb) [网](https://example.org) [锚](#top)")]
    rel = "selftest/links.ipynb"
    fx.write(nb, lab_root / rel)
    problems, checked = bk.broken_links(lab, lab_root, [rel])
    assert checked == 3, problems
    assert len(problems) == 2, problems
    assert any("L9_missing.ipynb" in p and "404" in p for p in problems), problems
    assert any("outside the served folder" in p for p in problems), problems
