"""The exact optimum of one wave, by an independent solver: the transportation LP solved by HiGHS.

The constraint matrix (volunteer rows <= 1, demand rows <= need) is the incidence matrix of a
bipartite graph, so it is totally unimodular: the LP optimum is integral and equals the best
possible allocation. scipy is a dev dependency; nothing in the product imports this.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_matrix, vstack


def optimum(
    volunteer: np.ndarray, demand: np.ndarray, weight: np.ndarray, need: np.ndarray, n_volunteers: int
) -> float:
    n_edges = len(weight)
    if n_edges == 0:
        return 0.0
    cols = np.arange(n_edges)
    ones = np.ones(n_edges)
    by_volunteer = csr_matrix((ones, (volunteer, cols)), shape=(n_volunteers, n_edges))
    by_demand = csr_matrix((ones, (demand, cols)), shape=(len(need), n_edges))
    result = linprog(
        -weight,
        A_ub=vstack([by_volunteer, by_demand]).tocsr(),
        b_ub=np.concatenate([np.ones(n_volunteers), need.astype(float)]),
        bounds=(0, 1),
        method="highs",
    )
    if result.status != 0:
        raise RuntimeError(f"HiGHS did not solve the wave LP: {result.message}")
    return float(-result.fun)
