"""The README's ``python3 course.py lab`` in a real browser, as a trainee meets it.

The JupyterLab of the whole suite is started through ``course.lab_steps`` --
the exact commands ``course.py lab`` runs (trust the lecture notebooks, then
``jupyter lab`` on the repository root with the start page as default URL) --
on a throwaway copy of the repository, with only ``--no-browser`` and a free
port added. The token is the one Jupyter generated. These tests:

* open the address Jupyter prints: the start page must come up, trusted, with
  its committed course map and readable Chinese (no missing-glyph boxes);
* follow every link on the start page (and check every relative link in the
  other notebooks' Markdown on the same server): no 404;
* click the start page's link to the Lecture 1 exercises, run the notebook and
  read a check's feedback box, whose icon must render too.

Screenshots: test-artifacts/browser/lab__start_page*.png, lab__L1_via_start_page.png.
"""
from __future__ import annotations

import time
import urllib.parse

import pytest

import browserkit as bk
import course

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

L1_EXERCISES = "exercises/L1_exercises.ipynb"


def _start_page(lab_session):
    page = lab_session.home()
    bk.open_notebook(page, lab_session.server, course.START_PAGE)  # in front (cheap if it is)
    return page


def test_lab_command_opens_the_start_page_trusted(lab_session, lab, artifacts, shoot_on_failure):
    page = lab_session.home()
    shoot_on_failure(page)
    assert urllib.parse.urlparse(page.url).path == f"/lab/tree/{course.START_PAGE}", page.url
    # Trusted: the server marks the code cells (their committed outputs show as built).
    nb = lab.api("GET", f"api/contents/{urllib.parse.quote(course.START_PAGE)}")["content"]
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code and all(c["metadata"].get("trusted") is True for c in code), \
        [c["metadata"] for c in code]
    # The committed course map shows without running anything.
    panel = bk.current_panel(page)
    assert "第一讲" in panel.inner_text() and len(bk.notebook_links(page)) >= 4
    shot = bk.screenshot(page, artifacts / "lab__start_page.png")
    report = bk.check_text_rendering(page, panel, where="start page")
    print(f"start page in {lab_session.home_s:.1f} s\n{report.summary()}\nscreenshot: {shot}")
    assert report.ok, report.summary()


def test_every_start_page_link_resolves(lab_session, lab, shoot_on_failure):
    page = _start_page(lab_session)
    shoot_on_failure(page)
    links = bk.notebook_links(page)
    files = [ln for ln in links if not ln["internal_anchor"] and not ln["raw"].startswith("#")]
    origin = lab.url.rstrip("/")
    assert len(files) >= 4, links  # the day-1 lectures and exercises at least
    problems, external = [], []
    for ln in files:
        if not ln["href"].startswith(origin):
            external.append(ln["href"])  # offline course: nothing to fetch; listed below
            continue
        status = page.request.get(ln["href"]).status
        if status != 200:
            problems.append(f"{ln['text']!r} ({ln['row'][:40]!r}) -> {ln['href']}: HTTP {status}")
    for ln in links:  # in-page anchors (heading links) must have their target
        if ln["raw"].startswith("#"):
            target = urllib.parse.unquote(ln["raw"][1:])
            if not page.evaluate("""id => !!(document.getElementById(id) ||
                    document.querySelector(`[data-jupyter-id="${CSS.escape(id)}"]`))""", target):
                problems.append(f"anchor {ln['raw']!r} has no target")
    print(f"{len(files)} file links, {len(links) - len(files)} anchors; external: {external}")
    assert not problems, "\n".join(problems)


def test_markdown_links_of_every_notebook_resolve(lab, lab_root):
    """Relative links in all notebooks (Markdown cells and outputs), asked of the same server."""
    rels = sorted(str(p.relative_to(lab_root)) for folder in ("notebooks", "exercises", "solutions")
                  for p in (lab_root / folder).glob("*.ipynb"))
    assert course.START_PAGE in rels
    problems, checked = bk.broken_links(lab, lab_root, rels)
    print(f"{checked} links in {len(rels)} notebooks")
    assert checked >= 4
    assert not problems, "\n".join(problems)


def test_start_page_link_leads_to_lecture1_exercises(lab_session, lab, artifacts,
                                                      shoot_on_failure):
    """Click 第一讲 练习 on the start page; the exercises open, run, and a check answers."""
    page = _start_page(lab_session)
    shoot_on_failure(page)
    links = [ln for ln in bk.notebook_links(page)
             if urllib.parse.urlparse(ln["href"]).path.endswith("/" + L1_EXERCISES)]
    assert links, "the start page has no link to the Lecture 1 exercises"
    t0 = time.monotonic()
    bk.click_link(page, links[0]["i"])
    bk.wait_notebook_current(page, lab, L1_EXERCISES)
    page, (open_s, run_s) = lab_session.adopt(L1_EXERCISES, time.monotonic() - t0)
    panel = bk.current_panel(page)
    boxes = bk.feedback_boxes(page, panel)
    print(f"L1 via start page: open {open_s:.1f} s, run all {run_s:.1f} s; feedback: {boxes}")
    # The clean exercise notebook: every check cell answers "not attempted" (the ____ are
    # still there) -- in Chinese, with its icon, never a traceback.
    assert boxes, "no check feedback box after running the Lecture 1 exercises"
    assert all(b["kind"] == "not_attempted" for b in boxes), boxes
    assert all("尚未作答" in b["text"] for b in boxes), boxes
    bk.screenshot(page, artifacts / "lab__L1_via_start_page.png")
    report = bk.check_text_rendering(page, panel, where="Lecture 1 exercises", min_icons=1)
    print(report.summary())
    assert report.ok, report.summary()
