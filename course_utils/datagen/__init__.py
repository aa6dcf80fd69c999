"""The one seeded synthetic bank of the course.

>>> from course_utils.datagen import generate_bank
>>> bank = generate_bank(300, seed=1)          # dict of DataFrames, CSV-shaped
>>> bank["customers"].columns[:3].tolist()
['customer_id', 'name', 'phone']

Modules: ``customers`` (master table + KPIs by construction), ``activity``
(accounts, balances, transactions, app usage, web visits), ``products`` and
``texts`` (catalogue, holdings, Chinese texts), ``bank`` (orchestration, CSV),
``output`` (argument checks, atomic folder swap), ``detmath`` (math that gives
the same bits on every CPU), ``retention`` (the past retention campaign of Lecture 3
and its hidden truth), ``journey_experiment`` (the 留学金融 journey trigger run with a holdout,
Lecture 5, and its hidden truth).
"""
from .bank import GENERATOR_VERSION, TABLES, generate_bank, write_bank

__all__ = ["GENERATOR_VERSION", "TABLES", "generate_bank", "write_bank"]
