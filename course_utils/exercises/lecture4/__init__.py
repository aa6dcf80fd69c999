"""Lecture 4 exercises, one file per question; :func:`setup` binds them to a bank's data.

In the exercise notebook (the setup cell has no ``____`` to edit)::

    from course_utils.exercises.lecture4 import *     # ____, setup, recommender_app, chatbot_threshold_app
    q1, q2, q3, q4 = setup(bank, seed=SEED)          # checks use this bank's data
    app2 = recommender_app(q2)                       # widget cells tagged widget-exercise, nbval-ignore-output

=========================  ===============================================================
q1_metrics                 precision@k, recall@k, coverage of a small case, by hand
q2_recommender             a recommender that beats popularity, covers the catalogue and is
                           suitable (widget)
q3_sentiment               a sentiment model good on held-back messages, negation-aware, and
                           three of its mistakes
q4_chatbot_threshold       the FAQ bot's confidence threshold for a service target (widget)
=========================  ===============================================================

The algorithms live in the analytics modules: :mod:`course_utils.recommend` (recommenders,
suitability, metrics, the time split), :mod:`course_utils.sentiment` (the model, the lexicon
baseline), :mod:`course_utils.chatbot` (the FAQ bot and its threshold table).
"""
from __future__ import annotations

from typing import Any

from course_utils import sentiment
from course_utils.exercises import ____

from .q1_metrics import CASE_CATALOGUE, CASE_RECS, CASE_TAKEUPS, K, MetricsByHand, case_test
from .q2_recommender import Recommender, RecommenderLab, recommender_app
from .q3_sentiment import MessageIndex, Sentiment, auc, split_messages
from .q4_chatbot_threshold import (ChatbotThreshold, ThresholdLookup, bot_messages, chatbot_threshold_app,
                                   months_spanned, service_targets)

__all__ = ["____", "setup", "recommender_app", "chatbot_threshold_app"]

#: The question classes in order (q1..q4).
EXERCISES = (MetricsByHand, Recommender, Sentiment, ChatbotThreshold)


def setup(bank: Any, seed: int = 0) -> tuple[MetricsByHand, Recommender, Sentiment, ChatbotThreshold]:
    """Lecture 4's four exercises bound to ``bank``.

    ``seed``: which messages question 3 holds back (use the notebook's ``SEED``).
    Example: ``q1, q2, q3, q4 = setup(get_bank(), seed=2024)``.
    """
    from course_utils.chatbot import FaqBot

    q1 = MetricsByHand(k=K, recs=CASE_RECS, takeups=CASE_TAKEUPS, test=case_test(), catalogue=CASE_CATALOGUE)
    q2 = Recommender(lab=RecommenderLab(bank))
    given, held = split_messages(bank.messages, seed=int(seed))
    baseline = auc(sentiment.negative_labels(held["sentiment"]),
                   sentiment.negation_aware_lexicon(held["text"].tolist()).to_numpy())
    given, held = given.reset_index(drop=True), held.reset_index(drop=True)
    q3 = Sentiment(given=given, held=held, index=MessageIndex(given, held), baseline_auc=baseline)
    chat = bot_messages(bank.messages)
    lookup = ThresholdLookup(FaqBot(), chat["text"].astype(str).tolist(), chat["intent"].astype(str).tolist(),
                             months_spanned(chat["msg_date"]))
    q4 = ChatbotThreshold(lookup=lookup, targets=service_targets(lookup.table))
    return q1, q2, q3, q4
