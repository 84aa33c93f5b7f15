"""The fixtures of the domain tests that the command tests share: the small posture (calibration)
and the sweep files with the command as a user runs it (sweep)."""

from ..calibration.conftest import rows_writer, tiny
from ..sweep.conftest import umbrella_cmd, write_sweep

__all__ = ["rows_writer", "tiny", "umbrella_cmd", "write_sweep"]
