"""The targeting score: how much help a seat deserves, in [0, 1], higher = help first.

    closeness_d  = 4 p_d (1 - p_d)                 1 for a toss-up, 0 for a sure thing
    pivotality_d = tp_d / max_chamber(tp)          1 for the chamber's likeliest tipping point
    stakes       = 0.5 + 0.5 * 4 P (1 - P)         P = the chamber's probability of a D majority
    target_d     = closeness_d * (0.5 + 0.5 * pivotality_d) * stakes

A close seat counts even when it is rarely pivotal (a seat won is a seat held for the next
cycle), a pivotal one counts double, and a chamber whose control is not in play counts half.
"""

from __future__ import annotations

import numpy as np


def target_scores(p_dem_win: np.ndarray, tipping_point_prob: np.ndarray, p_majority: float) -> np.ndarray:
    p = np.asarray(p_dem_win, dtype=float)
    tp = np.asarray(tipping_point_prob, dtype=float)
    closeness = 4.0 * p * (1.0 - p)
    top = tp.max() if tp.size else 0.0
    pivotality = tp / top if top > 0 else np.zeros_like(tp)
    stakes = 0.5 + 0.5 * 4.0 * p_majority * (1.0 - p_majority)
    return np.clip(closeness * (0.5 + 0.5 * pivotality) * stakes, 0.0, 1.0)


def ranks(scores: np.ndarray, p_dem_win: np.ndarray) -> np.ndarray:
    """1 = help first; ties broken by the closer race, then by position."""
    order = np.lexsort((np.abs(np.asarray(p_dem_win) - 0.5), -np.asarray(scores)))
    rank = np.empty(len(order), dtype=int)
    rank[order] = np.arange(1, len(order) + 1)
    return rank
