"""The public attack reports of the Air Force of Ukraine: read, classify, group into nights.

Typical use::

    from umbrella.attacks import load_nights

    nights = load_nights("path/to/attacks")     # one row per night, national reports

Data credit: Petro Ivaniuk (piterfm), Massive Missile Attacks on Ukraine, Kaggle; source: Air
Force of the Armed Forces of Ukraine (CC BY-NC-SA 4.0). The package reads the files from a path
the user gives and ships none of them.
"""

from umbrella.attacks.classes import DEFAULT_CLASS_MAP, load_class_map, split_combined
from umbrella.attacks.nights import (
    BREAK_DATE,
    NATIONAL_ACCOUNTS,
    aggregate_nights,
    load_nights,
)
from umbrella.attacks.reader import read_data_dir, read_reports
from umbrella.attacks.weapons import aggregate_weapons, load_weapons, split_models
from umbrella.core.vocabulary import DATA_CREDIT

__all__ = [
    "BREAK_DATE",
    "DATA_CREDIT",
    "DEFAULT_CLASS_MAP",
    "NATIONAL_ACCOUNTS",
    "aggregate_nights",
    "aggregate_weapons",
    "load_class_map",
    "load_nights",
    "load_weapons",
    "read_data_dir",
    "read_reports",
    "split_combined",
    "split_models",
]
