"""Leakers as the drone raid grows.

The reference defence against 0.5x to 2.5x the reference night's drones (every wave scaled),
200 replications per point with the same seed (common random numbers): mean leakers with the
95% CI of the mean and the per-run spread p05-p95.
"""

import sys
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import umbrella

out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path()
scenario = umbrella.load_bundled()
factors = [0.5, 1.0, 1.5, 2.0, 2.5]
rows = []
for factor in factors:
    waves = [
        w.replace(count=round(w.count * factor)) if w.type in ("shahed", "gerbera") else w
        for w in scenario.threats
    ]
    result = umbrella.simulate(umbrella.compile_raid(scenario.replace(threats=waves)), 200, 7)
    leaked = result.leaked.astype(float)
    half = 1.96 * leaked.std(ddof=1) / np.sqrt(leaked.size)
    rows.append((leaked.mean(), half, *np.percentile(leaked, [5, 95])))
mean, half, p05, p95 = map(np.array, zip(*rows, strict=True))
drones = [round(539 * f) for f in factors]

fig, ax = plt.subplots(figsize=(7, 4.2))
ax.fill_between(drones, p05, p95, alpha=0.2, label="per-run spread p05-p95")
ax.errorbar(drones, mean, yerr=half, fmt="o-", capsize=3, label="mean, 95% CI of the mean")
ax.set_xlabel("drones launched (Shahed and Gerbera)")
ax.set_ylabel("threats leaked per raid")
ax.set_title("Reference defence: leakers as the drone raid grows")
ax.legend()
fig.tight_layout()
fig.savefig(out / "leakers.png", dpi=110)
print({d: round(float(m), 1) for d, m in zip(drones, mean, strict=True)})
