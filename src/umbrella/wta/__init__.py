"""Static weapon-target assignment: problem, readers and solvers (greedy, local search, exact).

>>> import numpy as np
>>> from umbrella.wta import WTAProblem, solve_wta
>>> problem = WTAProblem(
...     values=np.array([10.0, 4.0]), p_kill=np.array([[0.8, 0.5]]), units=np.array([1])
... )
>>> solve_wta(problem, method="greedy").x.tolist()
[[1, 0]]
"""

from umbrella.wta.problem import WTAProblem, evaluate, is_feasible
from umbrella.wta.readers import read_apt, read_bracken_mccormick
from umbrella.wta.result import WTAResult
from umbrella.wta.solve import solve_wta

__all__ = [
    "WTAProblem",
    "WTAResult",
    "evaluate",
    "is_feasible",
    "read_apt",
    "read_bracken_mccormick",
    "solve_wta",
]
