"""A fitted raid-tempo model as the result of a job (``umbrella data fit``): its document and its
file."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd

from umbrella.core.vocabulary import DATA_CREDIT, DRONE
from umbrella.tempo.model import MODEL_KIND, TempoModel, save_tempo

if TYPE_CHECKING:
    from umbrella.core.documents.data import TempoFitSummary

__all__ = ["TempoFitResult"]


@dataclass(frozen=True, eq=False, repr=False)
class TempoFitResult:
    """The raid-tempo model fitted to the reports up to a date, as ``umbrella data fit`` writes
    it.

    Attributes
    ----------
    model
        The fitted model (:func:`~umbrella.tempo.model.fit_tempo`).
    provenance
        How it was made (attached by :func:`umbrella.jobs.run_tempo_fit`; None when made by
        hand).
    """

    kind: ClassVar[str] = "tempo-fit"

    model: TempoModel
    provenance: Mapping[str, Any] | None = None

    def __repr__(self) -> str:
        s = self.summary()
        return (
            f"TempoFitResult(trained to {s['train_end']}, {s['drones_per_night']:.0f} drones a "
            f"night, {s['drones_neutralised_share']:.0%} neutralised)"
        )

    def summary(self) -> TempoFitSummary:
        """The ``umbrella data fit --json`` document: the training end, the drone level at it
        (drones a night, the posterior mode), the mean neutralised share of drones and the mean
        share of nights with missiles."""
        from umbrella.core.version import __version__

        m = self.model
        salvos = m.salvos
        return {
            "kind": "tempo-fit",
            "train_end": m.train_end.isoformat(),
            "version": __version__,
            "drones_per_night": float(np.exp(m.drones.posterior.value("log_level"))),
            "drones_neutralised_share": float(m.neutralisation[DRONE].mean),
            "missile_night_share": float(salvos.p_night_a / (salvos.p_night_a + salvos.p_night_b)),
            "data_credit": DATA_CREDIT,
        }

    def tables(self) -> dict[str, pd.DataFrame]:
        """None: the model is its file (``to_dict``)."""
        return {}

    def _repr_html_(self) -> str:
        from html import escape

        return f"<p>{escape(repr(self))}</p>"

    def write(
        self, out: str | Path, *, force: bool = False, inputs: Iterable[str | Path] = ()
    ) -> Path:
        """Write the model's JSON file ``umbrella data fit --out`` writes
        (:func:`~umbrella.tempo.model.save_tempo`, atomically). An existing file is replaced only
        if umbrella wrote it as such a model and nobody has changed it since (its seal matches),
        ``force`` or not; the file may not be one of ``inputs``."""
        from umbrella.core.files import check_output_file

        check_output_file(out, kind=MODEL_KIND, inputs=inputs, force=force)
        save_tempo(self.model, out)
        return Path(out)
