"""Greedy fire control against weapon-target assignment.

The reference raid flown with the default greedy fire control and with the WTA rule of maximum
marginal return (`doctrine.fire_control = "wta"`), 300 replications each under common random
numbers: mean damage and the defender's spend on rounds.
"""

import sys
from pathlib import Path

import matplotlib.pyplot as plt

import umbrella

out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path()
scenario = umbrella.load_bundled()
rules = {}
for rule in ("greedy", "wta"):
    changed = scenario.replace(doctrine=scenario.doctrine.replace(fire_control=rule))
    result = umbrella.simulate(umbrella.compile_raid(changed), runs=300, seed=7)
    totals = result.summary()["totals"]
    rules[rule] = (totals["damage"]["mean"], totals["defender_cost_usd"]["mean"] / 1e6)

fig, (left, right) = plt.subplots(1, 2, figsize=(8, 3.6))
names = list(rules)
left.bar(names, [rules[n][0] for n in names], color=["#4c72b0", "#dd8452"])
left.set_ylabel("mean damage (value units)")
right.bar(names, [rules[n][1] for n in names], color=["#4c72b0", "#dd8452"])
right.set_ylabel("mean spend on rounds ($M)")
fig.suptitle("Reference raid: fire-control rule, 300 runs each (seed 7)")
fig.tight_layout()
fig.savefig(out / "fire-control.png", dpi=110)
print(rules)
