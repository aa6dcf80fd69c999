"""Helper package of the course workbook "AI+银行客户忠诚度管理".

Trainees import from here; notebooks stay thin. Submodules are imported
lazily by the notebooks that need them, so ``import course_utils`` is cheap.

Modules (see docs/ARCHITECTURE.md):
    config      -- default seed, dataset size, time window, paths
    datagen     -- the seeded synthetic bank (one generator for every table)
    data        -- loading the committed / generated tables with validation
    kpis        -- course KPIs: yearly churn, CLV tiers, satisfaction vs loyalty
    plotting    -- one course theme with Chinese fonts bundled
    exercises   -- check / hint / solution engine and per-lecture exercises
"""

__version__ = "0.1.0"
