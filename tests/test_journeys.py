"""course_utils.journeys: triggers, messages, contact policy, outbox and the activation job.

References are written out here in plain pandas (not by calling the module) and
compared on the committed bank.
"""
import doctest
import hashlib
import json
import math
import os

import pandas as pd
import pytest

from course_utils import journeys
from course_utils.data import get_bank
from course_utils.errors import CourseArgumentError
from course_utils.journeys import (OPT_OUT_TEXT, ContactPolicy, activation_cost, activation_job, app_time_drop_trigger,
                                   build_activation_messages, contact_flags, dwell_trigger, mask_name, mask_phone,
                                   read_outbox, render_message, salutation, sms_segments, synthetic_flag, write_outbox)


def test_doctests():
    assert doctest.testmod(journeys).failed == 0


@pytest.fixture(scope="module")
def bank():
    return get_bank()


def _chinese(msg: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in msg.splitlines()[0])


# ---------------------------------------------------------------------------
# 留学金融 dwell trigger
# ---------------------------------------------------------------------------
def _visits(rows):
    return pd.DataFrame(rows, columns=["customer_id", "visit_date", "page", "dwell_seconds"]).assign(
        visit_date=lambda d: pd.to_datetime(d["visit_date"]))


def test_dwell_boundary_is_strictly_more_than_180():
    wv = _visits([("A", "2024-03-01", "留学金融", 180), ("B", "2024-03-01", "留学金融", 181),
                  ("C", "2024-03-01", "留学金融", 179.5)])
    assert dwell_trigger(wv)["customer_id"].tolist() == ["B"]


def test_dwell_is_per_page_visit_not_per_session_or_day():
    wv = _visits([("A", "2024-03-01", "留学金融", 120), ("A", "2024-03-01", "留学金融", 120),   # same day: 240 s total
                  ("B", "2024-03-01", "留学金融", 100), ("B", "2024-03-05", "留学金融", 100),
                  ("C", "2024-03-01", "首页", 600), ("C", "2024-03-01", "留学金融", 60),
                  ("D", "2024-03-02", "留学金融", 200), ("D", "2024-03-09", "留学金融", 400)])
    out = dwell_trigger(wv)
    assert out["customer_id"].tolist() == ["D"]
    row = out.iloc[0]
    assert row["trigger_date"] == pd.Timestamp("2024-03-02") and row["dwell_seconds"] == 400 and row["visits"] == 2


def test_dwell_window_and_other_page():
    wv = _visits([("A", "2024-03-01", "留学金融", 200), ("B", "2024-04-01", "留学金融", 200),
                  ("C", "2024-04-02", "外汇", 999)])
    assert dwell_trigger(wv, start="2024-03-15")["customer_id"].tolist() == ["B"]
    assert dwell_trigger(wv, end="2024-03-31")["customer_id"].tolist() == ["A"]
    assert dwell_trigger(wv, page="外汇")["customer_id"].tolist() == ["C"]
    assert dwell_trigger(wv, min_seconds=300).empty
    assert list(dwell_trigger(wv.iloc[:0]).columns) == ["customer_id", "trigger_date", "dwell_seconds", "visits"]


def test_dwell_on_the_committed_bank(bank):
    wv = bank.web_visits
    ref = sorted(wv.loc[(wv["page"] == "留学金融") & (wv["dwell_seconds"] > 180), "customer_id"].unique())
    out = dwell_trigger(wv)
    assert out["customer_id"].tolist() == ref and len(ref) > 50
    # the session/customer-sum mistake gives a different (longer) list on this data
    summed = wv[wv["page"] == "留学金融"].groupby("customer_id")["dwell_seconds"].sum()
    assert set(summed[summed > 180].index) > set(ref)


def test_dwell_errors():
    with pytest.raises(CourseArgumentError) as e:
        dwell_trigger(pd.DataFrame({"customer_id": ["A"], "page": ["留学金融"]}))
    assert "dwell_seconds" in str(e.value) and _chinese(str(e.value))
    with pytest.raises(CourseArgumentError, match="DataFrame"):
        dwell_trigger([1, 2, 3])
    with pytest.raises(CourseArgumentError, match="negative"):
        dwell_trigger(_visits([]), min_seconds=-1)
    with pytest.raises(CourseArgumentError, match="date"):
        dwell_trigger(_visits([]), start="next week")


# ---------------------------------------------------------------------------
# app time drop trigger
# ---------------------------------------------------------------------------
def _usage(rows):
    return pd.DataFrame(rows, columns=["customer_id", "week_start", "minutes"]).assign(
        week_start=lambda d: pd.to_datetime(d["week_start"]))


W1, W2, W3 = "2024-06-10", "2024-06-17", "2024-06-24"


def test_drop_rules():
    au = _usage([
        ("half", W2, 40), ("half", W3, 20),            # exactly -50 %: triggered
        ("less", W2, 40), ("less", W3, 21),            # -47.5 %: not
        ("zero_prev", W2, 0), ("zero_prev", W3, 0),    # nothing to fall from
        ("zero_prev2", W2, 0), ("zero_prev2", W3, 5),
        ("new", W3, 3),                                # new customer: no previous week
        ("gone", W1, 10), ("gone", W2, 30),            # no row this week = 0 minutes: -100 %
        ("gap", W1, 30), ("gap", W3, 1),               # previous week missing = 0: not
        ("up", W2, 10), ("up", W3, 50),
    ])
    out = app_time_drop_trigger(au, W3)
    assert out["customer_id"].tolist() == ["gone", "half"]
    assert out.set_index("customer_id").loc["gone", ["prev_minutes", "minutes"]].tolist() == [30, 0]
    assert out["change"].tolist() == [-1.0, -0.5]
    assert (out["week_start"] == pd.Timestamp(W3)).all()
    assert app_time_drop_trigger(au, W3, drop=0.4)["customer_id"].tolist() == ["gone", "half", "less"]
    assert app_time_drop_trigger(au, W3, drop=1.0)["customer_id"].tolist() == ["gone"]


def test_drop_boundary_is_exact_for_other_drops():
    au = _usage([("a", W2, 10), ("a", W3, 7), ("b", W2, 100), ("b", W3, 70.0000001)])
    assert app_time_drop_trigger(au, W3, drop=0.3)["customer_id"].tolist() == ["a"]


def test_drop_restricted_to_customers_on_the_books():
    au = _usage([("A", W2, 30), ("B", W2, 30), ("C", W2, 30)])
    customers = pd.DataFrame({"customer_id": ["A", "B", "C"],
                              "open_date": pd.to_datetime(["2020-01-01"] * 3),
                              "churn_date": pd.to_datetime([None, "2024-06-20", "2024-06-29"])})
    # add the week itself so it is a known week
    au = pd.concat([au, _usage([("D", W3, 5)])])
    assert app_time_drop_trigger(au, W3)["customer_id"].tolist() == ["A", "B", "C"]
    # B left before the week, C during it (not on the books at its end, 06-30)
    assert app_time_drop_trigger(au, W3, customers=customers)["customer_id"].tolist() == ["A"]


def _reference_drop(app_usage, week):
    wk = pd.Timestamp(week)
    prev = app_usage[app_usage["week_start"] == wk - pd.Timedelta(days=7)].set_index("customer_id")["minutes"]
    cur = app_usage[app_usage["week_start"] == wk].set_index("customer_id")["minutes"]
    both = pd.DataFrame({"prev": prev}).join(cur.rename("cur"), how="left").fillna({"cur": 0})
    hit = both[(both["prev"] > 0) & (both["cur"] * 2 <= both["prev"])]
    return sorted(hit.index)


def test_drop_on_every_week_of_the_committed_bank(bank):
    au = bank.app_usage
    weeks = sorted(au["week_start"].unique())[1:]
    total = 0
    for wk in weeks:
        got = app_time_drop_trigger(au, wk)["customer_id"].tolist()
        assert got == _reference_drop(au, wk), wk
        total += len(got)
    assert total > 26 * 30      # the generator's ~4 % sudden drops show up every week


def test_drop_errors(bank):
    au = bank.app_usage
    with pytest.raises(CourseArgumentError, match="not a week_start"):
        app_time_drop_trigger(au, "2024-06-25")
    with pytest.raises(CourseArgumentError, match="first week"):
        app_time_drop_trigger(au, "2024-01-01")
    for bad in (0, 1.5, -0.5, "50%", None):
        with pytest.raises(CourseArgumentError, match="drop"):
            app_time_drop_trigger(au, W3, drop=bad)
    with pytest.raises(CourseArgumentError, match="minutes"):
        app_time_drop_trigger(au.drop(columns="minutes"), W3)
    with pytest.raises(CourseArgumentError, match="empty"):
        app_time_drop_trigger(au.iloc[:0], W3)


# ---------------------------------------------------------------------------
# messages
# ---------------------------------------------------------------------------
def test_render_message_masks_and_appends_opt_out_once():
    text = render_message(journeys.STUDY_ABROAD_TEMPLATE, {"name": "王小明"})
    assert text.startswith("王**同学，您的目标院校学费缴纳攻略已备好！")
    assert text.endswith(OPT_OUT_TEXT) and text.count(OPT_OUT_TEXT) == 1
    again = render_message("{name}您好，回复TD退订", {"name": "李四"})
    assert again == "李*您好，回复TD退订"
    assert render_message("{name}您好", {"name": "李四"}, mask=False) == "李四您好。回复TD退订"
    assert render_message("账单已出", {}, opt_out=None) == "账单已出"
    assert render_message("{a}{b}", {"a": "x", "b": "{name}", "unused": 1}) == "x{name}。回复TD退订"   # values stay literal


@pytest.mark.parametrize("template,slots,fragment", [
    ("{name}同学，{school}攻略", {"name": "李明"}, "school"),
    ("{name}同学", {"name": ""}, "name"),
    ("{name}同学", {"name": None}, "name"),
    ("{name}同学", {"name": float("nan")}, "name"),
    ("{name同学", {"name": "李"}, "Malformed"),
    ("{name.__class__}", {"name": "李"}, "not allowed"),
    ("{0}同学", {"0": "李"}, "not allowed"),
    ("{}同学", {}, "not allowed"),
    ("{amount:,.0f}元", {"amount": 5}, "format spec"),
    ("{name!r}", {"name": "李"}, "format spec"),
    ("", {}, "non-empty"),
    ("{name}", ["李"], "dict"),
    ("请致电{phone}", {"phone": "13812345678"}, None),
    ("客户{note}", {"note": "电话13812345678"}, "full mobile number"),
])
def test_render_message_errors(template, slots, fragment):
    if fragment is None:        # a phone slot is masked, not refused
        assert "138****5678" in render_message(template, slots)
        return
    with pytest.raises(CourseArgumentError) as e:
        render_message(template, slots)
    assert fragment in str(e.value) and _chinese(str(e.value))


def test_masks_and_salutation():
    assert mask_name("张三") == "张*" and mask_name("") == "" and mask_name("司马**") == "司马**"
    assert mask_phone("138 1234 5678") == "138****5678" and mask_phone("+8613812345678") == "138****5678"
    assert mask_phone("021-12345678") == "*******5678"
    assert salutation("吴**", "男") == "吴先生" and salutation(float("nan"), "女") == "尊敬的客户"
    assert salutation("**", "男") == "尊敬的客户"


def test_sms_segments():
    assert [sms_segments("字" * n) for n in (1, 70, 71, 134, 135)] == [1, 1, 2, 2, 3]


# ---------------------------------------------------------------------------
# consent and policy
# ---------------------------------------------------------------------------
def test_synthetic_flags_are_a_documented_hash():
    ids = [f"C{i:06d}" for i in range(1, 5001)]
    flags = synthetic_flag(ids, 0.85, "consent")
    by_hand = [int.from_bytes(hashlib.sha256(f"consent:{i}".encode()).digest()[:8], "big") / 2**64 < 0.85
               for i in ids]
    assert flags.tolist() == by_hand
    assert 0.83 < flags.mean() < 0.87


def test_contact_flags_come_from_the_one_register():
    ids = [f"C{i:06d}" for i in range(1, 5001)]
    reg = journeys.domain.consent_register(ids)
    f = contact_flags(pd.DataFrame({"customer_id": ids}))
    assert (f["source"] == "synthetic").all()
    assert f["consent"].tolist() == reg["consent_sms"].tolist() and f["opted_out"].tolist() == reg["opted_out"].tolist()
    assert abs(f["consent"].mean() - journeys.CONSENT_SHARE) < 0.02
    assert 0.02 < f["opted_out"].mean() < 0.04
    assert contact_flags(ids, channel="push")["consent"].tolist() == reg["consent_push"].tolist()
    with pytest.raises(CourseArgumentError):
        contact_flags(ids, channel="fax")


def test_contact_flags_use_real_columns_when_present():
    c = pd.DataFrame({"customer_id": ["A", "B"], "marketing_consent": [False, True], "opted_out": [True, None]})
    f = contact_flags(c)
    assert f["consent"].tolist() == [False, True] and f["opted_out"].tolist() == [True, False]
    assert set(f["source"]) == {"data"}


def _flags(**kw):
    ids = list(kw)
    return pd.DataFrame({"customer_id": ids, "consent": [kw[i][0] for i in ids], "opted_out": [kw[i][1] for i in ids]})


def test_policy_reasons_and_order():
    flags = _flags(A=(True, False), B=(False, False), C=(False, True), D=(True, False), E=(True, False))
    hist = pd.DataFrame({"customer_id": ["D", "D", "E", "E"],
                         "send_at": ["2024-06-05 10:00", "2024-06-20", "2024-05-01", "2024-06-30 12:00"]})
    out = ContactPolicy(max_per_30_days=2).apply(["A", "B", "C", "D", "E", "A", "X"], flags, hist, "2024-07-01 10:00")
    assert out["reason"].tolist() == ["ok", "no_consent", "opted_out", "cap_reached", "ok", "duplicate", "no_consent"]
    assert out["allowed"].tolist() == [True, False, False, False, True, False, False]
    assert out["contacts_in_window"].tolist() == [0, 0, 0, 2, 1, 0, 0]
    assert out["reason_zh"].iloc[3] == "已达30天联系上限"
    loose = ContactPolicy(max_per_30_days=3, require_consent=False).apply(["B", "C", "D"], flags, hist, "2024-07-01")
    assert loose["reason"].tolist() == ["ok", "opted_out", "ok"]
    never = ContactPolicy(max_per_30_days=0).apply(["A"], flags, None, "2024-07-01")
    assert never["reason"].tolist() == ["cap_reached"]


def test_cap_window_is_the_30_days_before_the_send_time():
    flags = _flags(A=(True, False))
    policy = ContactPolicy(max_per_30_days=1)
    at = pd.Timestamp("2024-07-01 10:00")
    for when, blocked in [(at - pd.Timedelta(days=30), False), (at - pd.Timedelta(days=30) + pd.Timedelta(seconds=1), True),
                          (at, True), (at + pd.Timedelta(minutes=1), False)]:
        hist = pd.DataFrame({"customer_id": ["A"], "send_at": [when]})
        assert bool(policy.apply(["A"], flags, hist, at)["allowed"].iloc[0]) == (not blocked), when


def test_quiet_hours():
    p = ContactPolicy()
    assert p.send_time("2024-07-01 22:30") == pd.Timestamp("2024-07-02 08:00")
    assert p.send_time("2024-07-01 03:00") == pd.Timestamp("2024-07-01 08:00")
    assert p.send_time("2024-07-01 10:00") == pd.Timestamp("2024-07-01 10:00")
    assert p.send_time("2024-07-01 21:00") == pd.Timestamp("2024-07-02 08:00")
    assert p.send_time("2024-07-01 08:00") == pd.Timestamp("2024-07-01 08:00")
    lunch = ContactPolicy(quiet_hours=(12, 14))
    assert lunch.send_time("2024-07-01 12:59") == pd.Timestamp("2024-07-01 14:00")
    assert ContactPolicy(quiet_hours=None).send_time("2024-07-01 23:00") == pd.Timestamp("2024-07-01 23:00")
    out = p.apply(["A"], _flags(A=(True, False)), None, "2024-07-01 23:00")
    assert out["send_at"].iloc[0] == pd.Timestamp("2024-07-02 08:00")


@pytest.mark.parametrize("kwargs,fragment", [({"max_per_30_days": -1}, "max_per_30_days"),
                                             ({"max_per_30_days": 1.5}, "max_per_30_days"),
                                             ({"quiet_hours": (21, 24)}, "quiet_hours"),
                                             ({"quiet_hours": "21-8"}, "quiet_hours"),
                                             ({"window_days": 0}, "window_days")])
def test_policy_errors(kwargs, fragment):
    with pytest.raises(CourseArgumentError, match=fragment):
        ContactPolicy(**kwargs)


# ---------------------------------------------------------------------------
# outbox
# ---------------------------------------------------------------------------
def _msg(i, text="您好。回复TD退订"):
    return {"message_id": f"M{i}", "customer_id": f"C{i}", "send_at": "2024-07-01T10:00:00", "text": text}


def test_outbox_jsonl_and_csv_round_trip(tmp_path):
    p = write_outbox([_msg(1), _msg(2)], tmp_path / "out" / "box.jsonl")
    lines = p.read_text(encoding="utf-8").splitlines()
    assert [json.loads(x)["message_id"] for x in lines] == ["M1", "M2"]
    assert list(json.loads(lines[0])) == journeys.OUTBOX_COLUMNS
    c = write_outbox(pd.DataFrame([_msg(3)]), tmp_path / "box.csv")
    assert c.read_bytes().startswith(b"\xef\xbb\xbf")               # BOM: Excel opens it
    both = read_outbox(tmp_path)                                      # a folder: every outbox file
    assert sorted(both["message_id"]) == ["M3"]
    assert read_outbox([p, c])["message_id"].tolist() == ["M1", "M2", "M3"]
    empty = write_outbox([], tmp_path / "empty.jsonl")
    assert empty.read_text() == "" and read_outbox(empty).empty


def test_outbox_refuses_and_keeps_the_old_file(tmp_path):
    p = write_outbox([_msg(1)], tmp_path / "box.jsonl")
    before = p.read_bytes()
    for bad, fragment in [([_msg(2, "没有退订提示")], "opt-out"), ([_msg(2, "请拨13812345678。回复TD退订")], "mobile"),
                          ([_msg(2), _msg(2)], "Duplicate"), ([{"customer_id": "C1"}], "lacks column")]:
        with pytest.raises(CourseArgumentError, match=fragment):
            write_outbox(bad, p)
        assert p.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["box.jsonl"]              # no temporary file left


def test_outbox_write_is_atomic_on_failure(tmp_path, monkeypatch):
    p = write_outbox([_msg(1)], tmp_path / "box.jsonl")
    before = p.read_bytes()

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(journeys.os, "replace", boom)
    with pytest.raises(OSError):
        write_outbox([_msg(2)], p)
    assert p.read_bytes() == before and sorted(os.listdir(tmp_path)) == ["box.jsonl"]


# ---------------------------------------------------------------------------
# the activation job
# ---------------------------------------------------------------------------
def test_activation_job_on_the_committed_bank(bank, tmp_path):
    log = activation_job(bank, None, tmp_path)
    assert log["week"] == "2024-06-24" and log["send_at"] == "2024-07-01T10:00:00"
    json.dumps(log)                                                    # XCom-safe
    out = read_outbox(tmp_path / "sms_activation_2024-06-24.jsonl")
    # triggered = reference rule, restricted to customers on the books at the end of the week
    c = bank.customers
    alive = set(c.loc[c["churn_date"].isna() | (c["churn_date"] > "2024-06-30"), "customer_id"])
    triggered = [x for x in _reference_drop(bank.app_usage, "2024-06-24") if x in alive]
    assert log["triggered"] == len(triggered)
    flags = contact_flags(triggered).set_index("customer_id")
    expected = [x for x in triggered if flags.loc[x, "consent"] and not flags.loc[x, "opted_out"]]
    assert out["customer_id"].tolist() == expected and log["messages"] == len(expected)
    assert log["blocked"]["no_consent"] + log["blocked"]["opted_out"] == len(triggered) - len(expected)
    assert out["text"].str.endswith(OPT_OUT_TEXT).all()
    assert not out["text"].str.contains(r"1[3-9]\d{9}").any()
    assert out["text"].str.match(r"^[\u4e00-\u9fff](先生|女士)您好").all()
    assert out["phone"].str.fullmatch(r"1\d\d\*{4}\d{4}").all()
    assert log["outbox_sha256"] == hashlib.sha256((tmp_path / "sms_activation_2024-06-24.jsonl").read_bytes()).hexdigest()


def test_activation_job_is_idempotent_and_caps_across_weeks(bank, tmp_path):
    strict = ContactPolicy(max_per_30_days=1)
    first = activation_job(bank, "2024-06-17", tmp_path, policy=strict)
    second = activation_job(bank, "2024-06-24", tmp_path, policy=strict)
    assert second["history_contacts"] == first["messages"] > 0
    week1 = set(read_outbox(tmp_path / "sms_activation_2024-06-17.jsonl")["customer_id"])
    week2 = read_outbox(tmp_path / "sms_activation_2024-06-24.jsonl")
    assert not week1 & set(week2["customer_id"])                       # contacted last week: capped now
    assert second["blocked"]["cap_reached"] >= 1
    again = activation_job(bank, "2024-06-24", tmp_path, policy=strict)  # re-run: same bytes, never counts itself
    assert again["outbox_sha256"] == second["outbox_sha256"] and again["history_contacts"] == first["messages"]
    no_hist = activation_job(bank, "2024-06-24", tmp_path / "other", policy=strict, history=None)
    assert no_hist["messages"] > second["messages"]


def test_activation_steps_accept_json_records(bank):
    cand = journeys.find_activation_candidates(bank, "2024-06-24")
    m1, d1 = build_activation_messages(cand, "2024-06-24")
    m2, d2 = build_activation_messages(json.loads(json.dumps(journeys.records(cand))), "2024-06-24")
    pd.testing.assert_frame_equal(m1, m2)
    assert d1["reason"].tolist() == d2["reason"].tolist()
    m0, d0 = build_activation_messages([], "2024-06-24")
    assert m0.empty and d0.empty
    log = journeys.activation_log("2024-06-24", journeys.records(d1), journeys.records(m1), __file__, 3)
    assert log["messages"] == len(m1) and log["history_contacts"] == 3


def test_activation_job_reads_a_data_folder(tmp_path):
    from course_utils.config import datasets_dir

    log = activation_job(datasets_dir(), "2024-06-24", tmp_path / "box.jsonl", history=None)
    assert log["outbox"].endswith("box.jsonl") and log["messages"] > 0


def test_activation_job_errors(bank, tmp_path):
    with pytest.raises(CourseArgumentError, match="outbox_path"):
        activation_job(bank, None, None)
    with pytest.raises(CourseArgumentError, match="Missing table"):
        activation_job({"customers": bank.customers}, None, tmp_path)
    with pytest.raises(CourseArgumentError, match="Bank"):
        activation_job(42, None, tmp_path)


def test_activation_cost_arithmetic():
    a = journeys.ActivationCostAssumptions(manual_minutes=6, staff_cost_per_hour=60, sms_cost=0.1, segments=2,
                                           review_share=0.1, review_minutes=2, ops_hours_per_run=1, runs=4)
    r = activation_cost(1000, a)
    assert r["manual_cost"] == pytest.approx(1000 * 6)
    assert r["automated_cost"] == pytest.approx(1000 * (0.2 + 0.1 * 2) + 4 * 60)
    assert r["reduction"] == pytest.approx(1 - 640 / 6000)
    assert r["break_even_contacts"] == math.ceil(240 / (6 - 0.4))
    assert activation_cost(0)["break_even_contacts"] > 0 and math.isnan(activation_cost(0)["reduction"])
    with pytest.raises(CourseArgumentError):
        activation_cost(-5)
