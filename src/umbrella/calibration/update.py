"""A fitted posture brought up to date: its state after the reports since its fit, written into
its numbers (``umbrella calibrate --update``).

The state (:mod:`.state`, assimilated by :mod:`.assimilate`) becomes the posture's numbers: the
drone layer's kill probabilities at the particles' mean capability (and frontline factor), each
missile type's ``p_kill_factor`` with its class's level folded in. The posterior draws are
rebased on the new numbers and resampled to the particles' weights, and the record says through
which night the posture was updated (``updated_through``) and keeps the level each draw had then
(``log_capability_state``), so that predictions, campaigns and ``optimise`` start from that state.
Nothing is refitted: the structure and the other parameters are the fit's.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt
from scipy import special

from umbrella.calibration.fit import posterior_means
from umbrella.calibration.posture import PostureValues, posture_scenario
from umbrella.calibration.state import STATE_LEVEL, PostureState, systematic
from umbrella.core.seeds import generator
from umbrella.core.vocabulary import MISSILE_THREAT_CLASSES
from umbrella.scenario.model import Scenario
from umbrella.scenario.record import PosteriorDraws

__all__ = ["UPDATE_DRAWS", "updated_posture"]

F64 = npt.NDArray[np.float64]
#: Purpose of the stream that resamples the state into the record's draws.
UPDATE_DRAWS = 85


def updated_posture(
    scenario: Scenario, state: PostureState, seed: int, offsets: Mapping[str, float]
) -> Scenario:
    """The posture with ``state`` written into its numbers and record (see the module
    docstring); ``state`` must come from this posture, ``offsets`` are its assimilation's
    missile offsets (:meth:`~umbrella.calibration.assimilate.Assimilation.class_offsets`),
    kept in the record for the next update."""
    rec = scenario.calibration
    assert rec is not None and rec.posterior is not None
    n_draws = len(rec.posterior.draws)
    pick = systematic(state.weight, n_draws, generator(seed, UPDATE_DRAWS))
    level, front = state.level[pick], state.front[pick]
    missile = state.missile[pick]
    shift_level = float(np.mean(level))
    shift_front = float(np.mean(front))
    # The class levels are folded into the types' factors below.
    names = [
        n for n in state.names if n != STATE_LEVEL and not n.startswith("logit_missile_level_")
    ]
    x = np.stack([state.values[state.draw[pick], state.names.index(n)] for n in names], axis=1)
    cat = scenario.resolved_catalogue()
    cls_index = {str(c): k for k, c in enumerate(MISSILE_THREAT_CLASSES)}
    factors: dict[str, float] = {}
    for k, name in enumerate(names):
        if name.startswith("log_capability@"):
            x[:, k] -= shift_level
        elif name == "log_frontline_capability":
            x[:, k] = front - shift_front
        elif name.startswith("logit_pk_"):
            t = name.removeprefix("logit_pk_")
            c = cls_index.get(str(cat.threats[t].threat_class)) if t in cat.threats else None
            if c is not None:
                x[:, k] += missile[:, c]
            factors[t] = float(special.expit(np.mean(x[:, k])))
    names.append(STATE_LEVEL)
    x = np.concatenate([x, (level - shift_level)[:, None]], axis=1)
    values = PostureValues(
        capability=float(np.exp(shift_level)),
        frontline_capability=float(np.exp(shift_front)),
        pk_factor=factors,
    )
    draws = PosteriorDraws(names=names, draws=[[float(v) for v in row] for row in x])
    record = rec.model_copy(
        update={
            "updated_through": state.as_of,
            "missile_offsets": dict(offsets),
            "posterior": draws,
            "parameters": posterior_means(draws),
        }
    )
    return posture_scenario(scenario, values).replace(calibration=record)
