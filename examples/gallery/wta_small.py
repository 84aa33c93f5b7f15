"""Weapon-target assignment on a small instance.

Five weapon types against twelve targets: the greedy solution, local search and the exact
solver's proved optimum, with each one's expected surviving value. `umbrella wta solve` and
`umbrella.wta.solve_wta` solve the published benchmark instances the same way.
"""

import sys
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from umbrella.wta import WTAProblem, solve_wta

out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path()
rng = np.random.default_rng(4)
problem = WTAProblem(
    values=rng.uniform(5.0, 50.0, 12),
    p_kill=rng.uniform(0.1, 0.9, (5, 12)),
    units=np.array([3, 3, 2, 2, 4]),
)
results = {m: solve_wta(problem, method=m, time_limit=30.0, seed=0)
           for m in ("greedy", "local", "exact")}  # fmt: skip
for method, result in results.items():
    print(method, round(result.objective, 3), result.status)

fig, axes = plt.subplots(1, 3, figsize=(10, 3.4), sharey=True)
for ax, (method, result) in zip(axes, results.items(), strict=True):
    ax.imshow(result.x, cmap="Blues", vmin=0, vmax=max(1, int(result.x.max())))
    for (w, t), n in np.ndenumerate(result.x):
        if n:
            ax.text(t, w, str(n), ha="center", va="center", fontsize=8)
    ax.set_title(f"{method}: {result.objective:.2f}")
    ax.set_xlabel("target")
axes[0].set_ylabel("weapon type")
fig.suptitle("Rounds assigned and expected surviving value (lower is better)")
fig.tight_layout()
fig.savefig(out / "assignment.png", dpi=110)
