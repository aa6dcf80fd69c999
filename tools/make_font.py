"""Rebuild the bundled CJK font subset (developer tool, not run by tests).

The course ships ``course_utils/fonts/CourseSansSC-Regular.otf``: Noto Sans CJK SC
Regular (SIL Open Font License 1.1) subset to GB2312 + Latin + common
punctuation, renamed "Course Sans SC" as the OFL asks of modified versions.

Needs Debian's ``fonts-noto-cjk`` (the .ttc below) and fontTools (installed
with matplotlib). Run from the repo root::

    .venv/bin/python -m tools.make_font
"""
from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

SRC = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
OUT = Path(__file__).resolve().parent.parent / "course_utils" / "fonts" / "CourseSansSC-Regular.otf"
FAMILY = "Course Sans SC"


def charset() -> str:
    chars = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    ranges = [(0x20, 0x7E), (0xA0, 0x17F), (0x2000, 0x206F), (0x2100, 0x214F),
              (0x2190, 0x21FF), (0x2200, 0x22FF), (0x2460, 0x24FF), (0x25A0, 0x25FF),
              (0x3000, 0x303F), (0xFF00, 0xFFEF)]
    for a, b in ranges:
        chars.update(chr(c) for c in range(a, b + 1))
    return "".join(sorted(chars))


def main() -> int:
    if not SRC.exists():
        print(f"missing {SRC}: apt-get install fonts-noto-cjk", file=sys.stderr)
        return 1
    ttc = TTFont(SRC, fontNumber=0, lazy=False)
    # Pick the Simplified-Chinese face by name (the first face of the .ttc is JP).
    for i in range(10):
        f = TTFont(SRC, fontNumber=i)
        if f["name"].getDebugName(1) == "Noto Sans CJK SC":
            ttc = f
            break
    else:
        print("Noto Sans CJK SC not found in the collection", file=sys.stderr)
        return 1
    opts = subset.Options()
    opts.layout_features = ["*"]
    opts.name_IDs = ["*"]
    opts.notdef_outline = True
    sub = subset.Subsetter(opts)
    sub.populate(text=charset())
    sub.subset(ttc)
    name = ttc["name"]
    for rec in list(name.names):
        if rec.nameID in (1, 16):
            rec.string = FAMILY
        elif rec.nameID == 4:
            rec.string = FAMILY + " Regular"
        elif rec.nameID == 6:
            rec.string = "CourseSansSC-Regular"
        elif rec.nameID == 3:
            rec.string = "CourseSansSC-Regular;subset of Noto Sans CJK SC"
    if "CFF " in ttc:
        ttc["CFF "].cff.fontNames = ["CourseSansSC-Regular"]
    ttc.save(OUT)
    print(f"wrote {OUT} ({OUT.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
