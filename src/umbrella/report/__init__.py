"""The report: ``report.html``, one self-contained page per output folder, and the raid replay.

:func:`build_report` writes the page from the files an output folder holds;
:func:`replay_document` records one replication of a raid run for the page's replay.
"""

from umbrella.report.page import REPORT, build_report
from umbrella.report.replay import REPLAY, replay_document

__all__ = ["REPLAY", "REPORT", "build_report", "replay_document"]
