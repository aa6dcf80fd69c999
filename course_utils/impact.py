"""What a claim like "AI cut churn by 20%" means in customers and CLV.

Lecture 1 quotes a case (某银行利用AI技术实现客户流失率降低20%). On our data we
translate it into something a banker can weigh: how many customers would have
stayed in a given year and how much customer lifetime value (CLV) they carry.

"降低20%" is read as a *relative* cut of that year's churn rate
(20% -> 16%), not 20 percentage points (which would mean 20% -> 0%). The
calculation is arithmetic on one year; it proves nothing about AI — that needs a
control group (Lecture 5).

Definitions follow :func:`course_utils.kpis.yearly_churn_rates`: a customer is
in year ``Y``'s base when on the books as 1 January ``Y`` begins
(:func:`course_utils.domain.year_start_base`) and counts as churned when
``churn_date`` falls in year ``Y``.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from course_utils import domain
from course_utils.viz.fmt import money, percent


def year_base(customers: pd.DataFrame, year: int) -> pd.DataFrame:
    """Customers on the books as 1 January ``year`` begins, with a boolean ``churned_in_year``.

    Parameters
    ----------
    customers:
        The customers table (needs open_date, churn_date, clv; dates as
        datetime64 or ISO strings, empty churn_date while active).
    year:
        Calendar year, e.g. 2023.

    Example
    -------
    >>> df = pd.DataFrame({"open_date": ["2020-05-01", "2022-03-01", "2019-01-01"],
    ...                    "churn_date": ["2022-06-30", None, "2021-02-01"],
    ...                    "clv": [1000.0, 2000.0, 3000.0]})
    >>> year_base(df, 2022)["churned_in_year"].tolist()
    [True]
    """
    year = int(year)
    active = domain.year_start_base(customers, year)
    base = customers.loc[active].copy()
    base["churned_in_year"] = domain.churned_during(base, f"{year}-01-01", f"{year + 1}-01-01")
    return base


@dataclass(frozen=True)
class ChurnCutImpact:
    """Result of :func:`churn_cut_impact` (counts are customers, money is CNY)."""

    year: int
    relative_cut: float
    active_start: int
    churned: int
    churn_rate: float
    new_churn_rate: float
    customers_kept: int
    mean_clv_churned: float
    clv_kept: float
    total_clv_churned: float

    def table(self) -> pd.DataFrame:
        """Two-column summary with Chinese labels, ready to display in a notebook."""
        rows = [
            (f"{self.year} 年初在网客户数", f"{self.active_start:,} 人"),
            (f"{self.year} 年流失客户数", f"{self.churned:,} 人"),
            ("实际流失率", percent(self.churn_rate)),
            (f"流失率相对降低 {self.relative_cut:.0%} 后", percent(self.new_churn_rate)),
            ("少流失的客户（挽留下来）", f"{self.customers_kept:,} 人"),
            ("流失客户的人均 CLV", money(self.mean_clv_churned, "万元")),
            ("挽留下来的客户价值 (CLV)", money(self.clv_kept, "万元")),
            (f"{self.year} 年流失客户的 CLV 合计", money(self.total_clv_churned, "万元")),
        ]
        return pd.DataFrame(rows, columns=["指标", "数值"]).set_index("指标")


def churn_cut_impact(customers: pd.DataFrame, year: int = 2023,
                     relative_cut: float = 0.20) -> ChurnCutImpact:
    """Customers and CLV kept if ``year``'s churn rate had been ``relative_cut`` lower.

    Parameters
    ----------
    customers:
        The customers table (open_date, churn_date, clv in CNY).
    year:
        The year whose churn is cut (default 2023, the latest full year).
    relative_cut:
        Relative reduction as a fraction: 0.20 turns a 20% churn rate into 16%.

    Returns
    -------
    ChurnCutImpact
        ``customers_kept`` = churned × relative_cut rounded half up; ``clv_kept`` assumes
        the kept customers are average churners (their mean CLV).

    Example
    -------
    >>> df = pd.DataFrame({"open_date": ["2020-01-01"] * 10,
    ...                    "churn_date": ["2023-05-01"] * 5 + [None] * 5,
    ...                    "clv": [10_000.0] * 5 + [50_000.0] * 5})
    >>> r = churn_cut_impact(df, 2023, 0.2)
    >>> (r.churned, r.customers_kept, r.churn_rate, r.clv_kept)
    (5, 1, 0.5, 10000.0)
    """
    if not 0 <= relative_cut <= 1:
        raise ValueError("relative_cut must be a fraction between 0 and 1")
    base = year_base(customers, year)
    active = len(base)
    lost = base.loc[base["churned_in_year"]]
    churned = len(lost)
    rate = churned / active if active else float("nan")
    mean_clv = float(lost["clv"].mean()) if churned else 0.0
    kept = domain.round_half_up(churned * relative_cut)
    return ChurnCutImpact(
        year=year,
        relative_cut=relative_cut,
        active_start=active,
        churned=churned,
        churn_rate=rate,
        new_churn_rate=rate * (1 - relative_cut),
        customers_kept=kept,
        mean_clv_churned=mean_clv,
        clv_kept=kept * mean_clv,
        total_clv_churned=float(lost["clv"].sum()),
    )
