"""Offline slide decks and handouts (tools/present.py) in a real Chromium.

One exported deck (Lecture 1: charts, a formula drawn by the vendored MathJax, Chinese
text) is opened from ``file://`` the way an instructor double-clicks it. The keyboard
advances it; every slide's heading must follow the lecture's sections, the text must
change from slide to slide and render with real Chinese glyphs. The page may request
nothing outside the machine: every request is recorded and anything whose host is not
127.0.0.1/localhost (or a file:/data:/blob: URL) is blocked **and** fails the test. The
handout gets the same network rule and must carry its images as ``data:`` URIs.
"""
from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

import nbformat
import pytest

import browserkit as bk
from tools import present

pytestmark = [pytest.mark.browser, pytest.mark.slides, pytest.mark.timeout(300)]

ROOT = Path(__file__).resolve().parents[2]
LECTURE = ROOT / "notebooks" / "L1_overview.ipynb"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


def is_local(url: str) -> bool:
    """True for file:, data:, blob:, about: URLs and http(s) on the loopback host.

    >>> is_local("file:///tmp/a.html"), is_local("http://127.0.0.1:8000/x")
    (True, True)
    >>> is_local("https://unpkg.com/reveal.js"), is_local("//cdn.example/x.js")
    (False, False)
    """
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme in ("file", "data", "blob", "about"):
        return True
    return parsed.scheme in ("http", "https", "ws", "wss") and parsed.hostname in LOCAL_HOSTS


def test_is_local_rule():
    assert is_local("file:///x") and is_local("http://localhost:1/")
    assert not is_local("https://cdn.jsdelivr.net/npm/mathjax")
    assert not is_local("http://10.0.0.1/x") and not is_local("ftp://127.0.0.2/")


class Guard:
    """Records every request of a context; blocks (and remembers) non-local ones."""

    def __init__(self, context) -> None:
        self.requests: list[str] = []
        self.outside: list[str] = []
        context.on("request", lambda r: self.requests.append(r.url))
        context.route("**/*", self._route)

    def _route(self, route) -> None:
        url = route.request.url
        if is_local(url):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    out = tmp_path_factory.mktemp("teach")
    nb = nbformat.read(LECTURE, as_version=4)
    deck = present.export_deck(nb, out / "slides", name=LECTURE.stem)
    handout = present.export_handout(nb, out / "handouts" / f"{LECTURE.stem}.html")
    return nb, deck, handout


def _plain(title: str) -> str:
    """A heading's text as the browser shows it (markdown emphasis / code marks gone)."""
    return re.sub(r"\s+", " ", re.sub(r"[*`]", "", title)).strip()


_STATE_JS = """() => {
  const s = Reveal.getCurrentSlide();
  const h = s.querySelector('h1, h2, h3');
  const frag = Reveal.getIndices().f;
  return {h: Reveal.getIndices().h, v: Reveal.getIndices().v, f: frag === undefined ? -1 : frag,
          heading: h ? h.innerText.replace(/\\s+/g, ' ').trim() : '',
          text: s.innerText.slice(0, 4000), last: Reveal.isLastSlide(),
          fragmentsLeft: Reveal.availableFragments().next};
}"""


def test_deck_advances_by_keyboard_through_the_lecture_sections(browser, exported, artifacts):
    nb, deck, _ = exported
    outline = [(kind, _plain(title)) for kind, title in present.deck_outline(nb)]
    sections = [t for k, t in outline if k == "slide"]
    assert len(sections) >= 4
    ctx = browser.new_context(viewport={"width": present.DECK_WIDTH, "height": present.DECK_HEIGHT},
                              locale="zh-CN")
    guard = Guard(ctx)
    try:
        page = ctx.new_page()
        page.goto(deck.as_uri())
        page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=30_000)
        page.wait_for_function("() => document.querySelector('mjx-container svg') !== null",
                               timeout=30_000)  # the formula, drawn by the vendored MathJax
        first = page.evaluate(_STATE_JS)
        assert first["heading"] == sections[0]
        rendered = bk.check_text_rendering(page, page.locator(".reveal .slides section.present").first,
                                           where=f"deck {deck.name} title slide")
        assert rendered.ok, rendered.summary()
        bk.screenshot(page, artifacts / "slides__L1__00_title.png")

        # ArrowRight: one press = the next section (horizontal slides), in the lecture's order
        seen = [first["heading"]]
        for i in range(1, len(sections)):
            page.keyboard.press("ArrowRight")
            page.wait_for_function(f"() => Reveal.getIndices().h === {i}", timeout=5_000)
            state = page.evaluate(_STATE_JS)
            seen.append(state["heading"])
            if i == 1:
                bk.screenshot(page, artifacts / "slides__L1__01_first_section.png")
        assert seen == sections
        page.keyboard.press("ArrowRight")  # past the last section: stays
        page.wait_for_timeout(300)
        assert page.evaluate("() => Reveal.getIndices().h") == len(sections) - 1

        # Space from the start: every slide, sub-slide and fragment in order; the text changes
        page.keyboard.press("Home")
        page.wait_for_function("() => Reveal.getIndices().h === 0 && Reveal.getIndices().v === 0")
        visited, texts = [], []
        for _step in range(200):
            state = page.evaluate(_STATE_JS)
            key = (state["h"], state["v"])
            if not visited or visited[-1][0] != key:
                visited.append((key, state["heading"]))
                texts.append(state["text"])
                if len(visited) in (3, 5):
                    bk.screenshot(page, artifacts / f"slides__L1__space_{len(visited):02d}.png")
            if state["last"] and not state["fragmentsLeft"]:
                break
            page.keyboard.press("Space")
            page.wait_for_function(
                "(p) => { const i = Reveal.getIndices(); "
                "return i.h !== p[0] || i.v !== p[1] || (i.f === undefined ? -1 : i.f) !== p[2]; }",
                arg=[state["h"], state["v"], state["f"]], timeout=5_000)
        else:
            pytest.fail("the deck never reached its last slide")
        headings = [h for _, h in visited]
        assert headings == [t for _, t in outline], "slides and sub-slides follow the outline"
        assert len(set(texts)) == len(texts), "every slide shows different text"
        assert any("流失率" in t for t in texts), "Chinese slide text is read"
        print(f"deck {deck.name}: {len(visited)} slides, {len(sections)} sections, "
              f"{len(guard.requests)} requests")
    finally:
        ctx.close()
    assert guard.outside == [], f"the deck requested outside the machine: {guard.outside}"
    assert guard.requests and all(u.startswith(("file://", "data:")) for u in guard.requests)
    assert any(u.endswith("reveal.js/dist/reveal.js") for u in guard.requests)


def test_handout_is_offline_with_embedded_images(browser, exported, artifacts):
    nb, _, handout = exported
    ctx = browser.new_context(viewport={"width": 1200, "height": 1400}, locale="zh-CN")
    guard = Guard(ctx)
    try:
        page = ctx.new_page()
        page.goto(handout.as_uri())
        page.wait_for_load_state("load")
        page.wait_for_function("() => document.querySelector('mjx-container svg') !== null",
                               timeout=30_000)
        imgs = page.evaluate("() => [...document.images].map(i => [i.src.slice(0, 30), "
                             "i.complete && i.naturalWidth])")
        n_png = sum("image/png" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))
        assert n_png >= 3 and len(imgs) >= n_png
        assert all(src.startswith("data:image/") and width > 0 for src, width in imgs), imgs
        headings = page.evaluate("() => [...document.querySelectorAll('h2')].map(h => h.innerText)")
        sections = [_plain(t) for k, t in present.deck_outline(nb) if k == "slide"][1:]
        assert [re.sub(r"\s+", " ", h.replace("¶", "")).strip() for h in headings] == sections
        rendered = bk.check_text_rendering(page, where=f"handout {handout.name}")
        assert rendered.ok, rendered.summary()
        bk.screenshot(page, artifacts / "handout__L1__top.png")
    finally:
        ctx.close()
    assert guard.outside == [], f"the handout requested outside the machine: {guard.outside}"
    assert [u for u in guard.requests if not u.startswith("data:")] == [handout.as_uri()]
