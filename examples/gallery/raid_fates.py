"""The fates of the 3-4 July 2025 raid.

The bundled reference raid (539 drones, 11 missiles against a notional capital), 500
replications: the share of each threat type killed, lost to EW, leaked and expired, with the
chart every `umbrella run --out` folder holds (`fates.png`).
"""

import sys
from pathlib import Path

import umbrella

out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path()
result = umbrella.simulate(umbrella.compile_raid(umbrella.load_bundled()), runs=500, seed=7)
print(result.totals_table()[["metric", "mean", "ci95_lo", "ci95_hi"]].head(4))
result.plot().savefig(out / "fates.png", dpi=110)
