"""A winter's Patriot stock with and without a pause in deliveries.

A small campaign on the reference defence, with nightly raids drawn from distributions written
in the file (no attack reports needed): 60 nights, PAC-3 MSE deliveries every two weeks, and the
same campaign with the deliveries paused for six weeks. 50 replications each under common random
numbers: the mean stock after each night, and the band every run's stock falls in.
"""

import sys
from pathlib import Path

import matplotlib.pyplot as plt

from umbrella.campaign import parse_campaign, simulate_campaign

out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path()
CAMPAIGN = """
schema_version = 1
name = "{name}"
scenario = "reference"
start = 2025-11-01
end = 2025-12-30

[raids]
source = "distributions"
fraction = 1.0
[raids.distributions]
drones_mean = 120.0
drones_dispersion = 2.0
decoy_share = 0.45
missiles = {{ ballistic = {{ p_night = 0.3, mean = 3.0 }} }}

[stocks]
pac3_mse = 60

[[deliveries]]
interceptor = "pac3_mse"
quantity = 12
first = 2025-11-08
every_days = 14
{pause}
"""
PAUSE = """
[[pauses]]
interceptor = "pac3_mse"
start = 2025-11-15
end = 2025-12-26
"""
fig, ax = plt.subplots(figsize=(7, 4))
for name, pause in (("steady deliveries", ""), ("six-week pause", PAUSE)):
    campaign = parse_campaign(CAMPAIGN.format(name=name, pause=pause))
    result = simulate_campaign(campaign, runs=50, seed=3)
    k = result.tracked.index("pac3_mse")
    stock = result.stock[:, :, k]
    days = range(1, stock.shape[1] + 1)
    ax.plot(days, stock.mean(axis=0), label=f"{name}: mean")
    ax.fill_between(days, *[[float(v) for v in q] for q in
                    (stock.min(axis=0), stock.max(axis=0))], alpha=0.15)  # fmt: skip
ax.set_xlabel("night of the campaign")
ax.set_ylabel("PAC-3 MSE in stock (rounds)")
ax.set_title("PAC-3 MSE stock, 60 nights, 50 runs (band: every run)")
ax.legend()
fig.tight_layout()
fig.savefig(out / "pac3-stock.png", dpi=110)
