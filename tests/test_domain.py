"""The one vocabulary (course_utils.domain): populations, keys, labels, dates, definitions."""
from __future__ import annotations

import doctest

import numpy as np
import pandas as pd
import pytest

from course_utils import domain
from course_utils.errors import CourseArgumentError


def test_doctests():
    result = doctest.testmod(domain)
    assert result.attempted > 20 and result.failed == 0


def test_as_dates_handles_every_layout_and_keeps_the_index():
    s = pd.Series(["2024-01-31", "", None, "2024/02/29", "2024-03-01 10:00:00"], index=list("abcde"))
    got = domain.as_dates(s, "d")
    assert got.index.tolist() == list("abcde")
    assert got.dt.strftime("%Y-%m-%d").tolist() == ["2024-01-31", np.nan, np.nan, "2024-02-29",
                                                     "2024-03-01"]
    typed = pd.to_datetime(pd.Series(["2024-01-01", None]))
    assert domain.as_dates(typed) is typed                           # datetime passes through
    assert domain.as_dates(pd.Series([], dtype=object)).empty


def test_as_dates_strict_names_the_column_and_examples():
    with pytest.raises(CourseArgumentError) as e:
        domain.as_dates(pd.Series(["2024-01-01", "昨天", "昨天", "n/a"]), "txn_date", strict=True)
    msg = str(e.value)
    assert "txn_date" in msg and "'昨天'" in msg and "3 个值" in msg and "not dates" in msg
    assert domain.as_dates(pd.Series(["昨天"])).isna().all()        # lenient by default


@pytest.mark.parametrize("junk", ["soon", "", None, float("nan"), [1, 2]])
def test_as_date_rejects_junk_bilingually(junk):
    with pytest.raises(CourseArgumentError, match="as_of"):
        domain.as_date(junk)


def test_populations_on_boundary_days():
    df = pd.DataFrame({
        "open_date": ["2023-01-01", "2022-01-01", "2022-01-01", "2023-06-30"],
        "churn_date": ["", "2023-01-01", "2022-12-31", ""],
    })
    # end of 2022-12-31 = start of 2023-01-01
    pd.testing.assert_series_equal(domain.on_books(df, "2022-12-31"), domain.on_books_at_start(df, "2023-01-01"))
    assert domain.on_books(df, "2023-01-01").tolist() == [True, False, False, False]
    assert domain.year_start_base(df, 2023).tolist() == [False, True, False, False]
    assert domain.has_churned(df, "2023-01-01").tolist() == [False, True, True, False]
    assert domain.churned_during(df, "2023-01-01", "2023-01-02").tolist() == [False, True, False, False]


def test_active_and_dormant_follow_one_threshold():
    r = pd.Series([0, domain.DORMANT_AFTER_DAYS, domain.DORMANT_AFTER_DAYS + 1, np.nan])
    assert domain.is_active(r).tolist() == [True, True, False, False]
    assert (domain.is_dormant(r) == ~domain.is_active(r)).all()
    from course_utils.features import DEFAULT_TAG_RULES

    dormant = next(rule for rule in DEFAULT_TAG_RULES if rule.tag == "沉睡")
    assert dormant.rule(pd.DataFrame({"recency_days": r})).tolist() == [False, False, True, True]


def test_tiers_bands_segments_have_keys_and_chinese_labels():
    assert set(domain.TIER_LABELS_ZH) == set(domain.TIERS) == set(domain.TIER_LABELS_EN)
    assert set(domain.BAND_LABELS) == set(domain.BANDS) == set(domain.BAND_LABELS_ZH)
    assert len(domain.SEGMENT_KEYS) == len(domain.SEGMENTS) == len(set(domain.SEGMENT_KEYS)) == 8
    assert all(k.isascii() for k in domain.TIERS + domain.BANDS + domain.SEGMENT_KEYS)
    # keys are unique across vocabularies, so one LABELS_ZH table serves all
    assert len(domain.LABELS_ZH) == len(domain.TIERS) + len(domain.BANDS) + len(domain.SEGMENT_KEYS)
    assert sum(domain.TIER_SHARES.values()) == pytest.approx(1.0)
    assert [domain.tier_key(x) for x in ("Top 10%", "高价值客户", "MIDDLE", "bottom30%", "?")] == [
        "top", "top", "middle", "bottom", None]
    assert [domain.band_key(x) for x in ("≥90", ">=90", "70-89", "70–89", "<70", "低")] == [
        "high", "high", "mid", "mid", "low", None]
    assert [domain.segment_key(s) for s in domain.SEGMENTS] == list(domain.SEGMENT_KEYS)


def test_satisfaction_band_boundaries_and_junk():
    got = domain.satisfaction_band(pd.Series([90, 89.999, 70, 69.999, "95", "x", None]))
    assert got.tolist() == ["high", "mid", "mid", "low", "high", None, None]


def test_clv_tier_matches_tier_sizes_and_is_stable_on_ties():
    v = pd.Series([3.0] * 20)
    t = domain.clv_tier(v)
    assert t.value_counts().to_dict() == {"middle": 12, "bottom": 6, "top": 2}
    assert t.iloc[:2].tolist() == ["top", "top"] and t.iloc[-6:].eq("bottom").all()   # by position
    assert domain.clv_tier(pd.Series([1.0, np.nan])).tolist() == ["middle", None]


def test_display_translates_keys_and_headers_only():
    frame = pd.DataFrame({"tier": ["top", "bottom"], "n": [1, 2], "mean_clv": [5.0, 1.0]})
    shown = domain.display(frame, columns=["tier"])
    assert shown.columns.tolist() == ["价值层", "客户数", "平均 CLV"]
    assert shown["价值层"].tolist() == ["高价值", "低价值"]
    assert frame["tier"].tolist() == ["top", "bottom"]                 # the input is untouched
    idx = domain.display(pd.DataFrame({"n": [1]}, index=pd.Index(["high"], name="band")))
    assert idx.index.tolist() == ["满意度 ≥ 90"] and idx.index.name == "满意度档"


def test_round_half_up_absorbs_binary_noise():
    assert domain.round_half_up(0.3 * 5) == 2          # 1.4999999999999998
    assert domain.round_half_up(0.1 * 15) == 2
    assert domain.round_half_up(2.4999) == 2
    assert domain.tier_sizes(5) == (1, 2, 2)


# ---------------------------------------------------------------------------
# the one consent register
# ---------------------------------------------------------------------------
def test_consent_register_is_the_documented_hash_with_the_documented_shares():
    import hashlib

    ids = [f"C{i:06d}" for i in range(1, 20001)]
    reg = domain.consent_register(ids)
    assert reg.columns.tolist() == domain.CONSENT_COLUMNS and reg["customer_id"].tolist() == ids
    shares = {"consent_sms": domain.CONSENT_SHARES["sms"], "consent_call": domain.CONSENT_SHARES["call"],
              "consent_push": domain.CONSENT_SHARES["push"], "do_not_call": domain.DO_NOT_CALL_SHARE,
              "opted_out": domain.OPT_OUT_SHARE}
    for k, (col, share) in enumerate(shares.items()):
        by_hand = [int.from_bytes(hashlib.sha256(f"consent-register-v1:{i}".encode()).digest()[4 * k:4 * k + 4],
                                  "big") < round(share * 2**32) for i in ids[:500]]
        assert reg[col].tolist()[:500] == by_hand, col
        assert abs(reg[col].mean() - share) < 0.01, col
    # flags do not depend on order, duplicates or the rest of the list; empty input is fine
    rev = domain.consent_register(list(reversed(ids))).iloc[::-1].reset_index(drop=True)
    pd.testing.assert_frame_equal(reg, rev)
    assert domain.consent_register(["C000007", "C000007"]).iloc[0].tolist() == reg.iloc[6].tolist()
    assert domain.consent_register([]).columns.tolist() == domain.CONSENT_COLUMNS
    # the flags are independent draws: no channel's consent implies another's
    both = (reg["consent_call"] & reg["consent_sms"]).mean()
    assert abs(both - shares["consent_call"] * shares["consent_sms"]) < 0.015


def test_may_contact_applies_opt_out_everywhere_and_do_not_call_to_calls():
    reg = domain.consent_register([f"C{i:06d}" for i in range(1, 5001)])
    for ch in domain.CONSENT_CHANNELS:
        ok = domain.may_contact(reg, ch)
        assert not ok[reg["opted_out"].to_numpy()].any() and not ok[~reg[f"consent_{ch}"].to_numpy()].any()
    assert not domain.may_contact(reg, "call")[reg["do_not_call"].to_numpy()].any()
    assert domain.may_contact(reg, "sms")[(reg["do_not_call"] & reg["consent_sms"] & ~reg["opted_out"]).to_numpy()].all()
    with pytest.raises(CourseArgumentError):
        domain.may_contact(reg, "fax")


def test_every_user_of_consent_reads_the_one_register():
    from course_utils import automation, journeys
    from course_utils.data import get_bank
    from course_utils.datagen import journey_experiment as jx
    from course_utils.datagen import response_rates as rr

    bank = get_bank()
    rc, je = bank.retention_campaign, bank.journey_experiment
    reg = domain.consent_register(rc["customer_id"])
    assert (rc["consent"].to_numpy() == domain.may_contact(reg.assign(do_not_call=False), "call")).all()
    assert (rc["do_not_call"].to_numpy() == reg["do_not_call"].to_numpy()).all()
    a = automation.contact_flags(rc["customer_id"])                      # no bank: the register itself
    assert (a["consent"].to_numpy() == rc["consent"].to_numpy().astype(bool)).all()
    assert (a["do_not_call"].to_numpy() == rc["do_not_call"].to_numpy().astype(bool)).all()
    assert (rr.consent_flags(rc["customer_id"])["电话外呼"] == domain.may_contact(reg, "call")).all()
    jreg = domain.consent_register(je["customer_id"])
    assert (je["consent"].to_numpy() == domain.may_contact(jreg, "push")).all()
    assert (jx.consent_flags(je["customer_id"]) == je["consent"].to_numpy()).all()
    assert (journeys.contact_flags(list(rc["customer_id"]))["opted_out"].to_numpy() == reg["opted_out"].to_numpy()).all()


def test_consent_register_bytes_do_not_depend_on_the_cpu():
    import os
    import subprocess
    import sys

    code = ("from course_utils.domain import consent_register as c; import hashlib;"
            "r = c([f'C{i:06d}' for i in range(3000)]);"
            "print(hashlib.sha256(r.to_csv(index=False).encode()).hexdigest())")
    out = set()
    for disabled in ("", "AVX512_ICL AVX512_SKX X86_V4", "AVX512_ICL AVX512_SKX X86_V4 X86_V3"):
        env = {**os.environ, "NPY_DISABLE_CPU_FEATURES": disabled}
        res = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
        assert res.returncode == 0, res.stderr
        out.add(res.stdout.strip())
    assert len(out) == 1
