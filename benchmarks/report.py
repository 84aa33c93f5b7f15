"""Report benchmark: ``report.html`` for the reference raid and for a campaign, against the
targets of 5 s to build and 8 MB for the reference raid's page. The comparison run in the same
process is the rest of each ``--out`` folder (Parquet tables, JSON and PNG charts).

For the raid, "build" is what ``umbrella run --out`` adds for the page: flying the replay's
replication again with recording on (:func:`umbrella.report.replay_document`) plus writing the
page (:func:`umbrella.report.build_report`).

Usage: python benchmarks/report.py [--runs 1000] [--campaign-runs 200]
       [--campaign examples/campaign/winter-baseline.toml] [--plotly-js PATH/plotly.min.js]
"""

from __future__ import annotations

import argparse
import dataclasses
import tempfile
import time
from importlib import resources
from pathlib import Path

from umbrella.campaign import load_campaign, simulate_campaign
from umbrella.engine import simulate
from umbrella.report import REPORT, build_report
from umbrella.scenario.bundled import REFERENCE, load_bundled
from umbrella.scenario.compile import compile_raid
from umbrella.scenario.replay import replay_document

ROOT = Path(__file__).resolve().parents[1]


def _best(fn: object, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--campaign-runs", type=int, default=200)
    ap.add_argument(
        "--campaign", type=Path, default=ROOT / "examples/campaign/winter-baseline.toml"
    )
    ap.add_argument("--plotly-js", type=Path, default=None, help="plotly.min.js, to compare size")
    args = ap.parse_args()
    rows: list[tuple[str, str, str, bool | None]] = []
    with tempfile.TemporaryDirectory() as tmp:
        spec = load_bundled(REFERENCE)
        raid = compile_raid(spec)
        result = simulate(raid, args.runs, 0)
        t0 = time.perf_counter()
        replay_document(spec, result)  # loads (or compiles) the recording kernel
        t_first = time.perf_counter() - t0
        t_replay = _best(lambda: replay_document(spec, result))
        replay = replay_document(spec, result)
        out = Path(tmp) / "run"
        t0 = time.perf_counter()
        dataclasses.replace(result, replay=replay).write(out)
        t_folder = time.perf_counter() - t0
        t_page = _best(lambda: build_report(out, "run"))
        raid_build = t_replay + t_page
        size = (out / REPORT).stat().st_size
        script = (resources.files("umbrella.report") / "static" / "replay.js").read_bytes()
        rows += [
            (f"reference raid, {args.runs:,} runs: page build, s", f"{raid_build:.2f}", "< 5",
             raid_build < 5),
            ("  of which replay (replication flown again), s", f"{t_replay:.3f}", "", None),
            ("  of which page from the folder's files, s", f"{t_page:.3f}", "", None),
            ("  first replay in a process (kernel load or compile), s", f"{t_first:.2f}", "",
             None),
            ("  whole --out folder with the page, s (comparison)", f"{t_folder:.2f}", "", None),
            ("reference raid page, MB", f"{size / 1e6:.2f}", "<= 8", size <= 8e6),
            ("  replay.json, MB", f"{(out / 'replay.json').stat().st_size / 1e6:.2f}", "", None),
            ("  page script (hand-written canvas), KB", f"{len(script) / 1e3:.1f}", "", None),
        ]  # fmt: skip
        if args.plotly_js is not None:
            rows.append(("  plotly.min.js alone (if inlined), MB",
                         f"{args.plotly_js.stat().st_size / 1e6:.2f}", "", None))  # fmt: skip
        cspec = load_campaign(args.campaign)
        cres = simulate_campaign(cspec, runs=args.campaign_runs, seed=0)
        cout = Path(tmp) / "campaign"
        t0 = time.perf_counter()
        cres.write(cout)
        t_cfolder = time.perf_counter() - t0
        t_cpage = _best(lambda: build_report(cout))
        csize = (cout / REPORT).stat().st_size
        rows += [
            (f"{cspec.name}, {args.campaign_runs} runs: page build, s", f"{t_cpage:.3f}", "< 5",
             t_cpage < 5),
            ("  whole --out folder with the page, s (comparison)", f"{t_cfolder:.2f}", "", None),
            ("campaign page, MB", f"{csize / 1e6:.2f}", "", None),
        ]  # fmt: skip
    print(f"{'measure':<54} {'measured':>10} {'target':>8}  ok")
    for name, got, target, ok in rows:
        flag = "" if ok is None else ("yes" if ok else "NO")
        print(f"{name:<54} {got:>10} {target:>8}  {flag}")


if __name__ == "__main__":
    main()
