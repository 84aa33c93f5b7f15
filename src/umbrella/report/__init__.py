"""The report: ``report.html``, one self-contained page per output folder, and its charts.

:func:`build_report` writes the page from the files an output folder holds (the replay of a raid
run comes from :func:`umbrella.scenario.replay.replay_document`); :mod:`umbrella.report.charts`
draws the charts in one house style.
"""

from umbrella.report.page import REPLAY, REPORT, build_report

__all__ = ["REPLAY", "REPORT", "build_report"]
