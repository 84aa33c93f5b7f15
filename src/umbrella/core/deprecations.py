"""Names retired politely: an old keyword argument keeps working, with a warning that names the
new one, until the release given (see CHANGELOG.md for every renamed name)."""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

from umbrella.core.errors import UmbrellaDeprecationWarning

__all__ = ["renamed_argument"]

F = TypeVar("F", bound=Callable[..., Any])


def renamed_argument(old: str, new: str, until: str) -> Callable[[F], F]:
    """Accept keyword ``old`` as ``new`` (with an
    :class:`~umbrella.core.errors.UmbrellaDeprecationWarning`) until release ``until``.

    >>> @renamed_argument("n_runs", "runs", "0.4")
    ... def f(runs: int) -> int:
    ...     return runs
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     f(n_runs=3)
    3
    >>> str(caught[0].message)
    'f(n_runs=...) is now f(runs=...); the old name works until umbrella 0.4'

    """

    def wrap(func: F) -> F:
        @functools.wraps(func)
        def inner(*args: Any, **kwargs: Any) -> Any:
            if old in kwargs:
                if new in kwargs:
                    raise TypeError(f"{func.__name__}() got both {old!r} and {new!r}")
                warnings.warn(
                    f"{func.__name__}({old}=...) is now {func.__name__}({new}=...); the old "
                    f"name works until umbrella {until}",
                    UmbrellaDeprecationWarning,
                    stacklevel=2,
                )
                kwargs[new] = kwargs.pop(old)
            return func(*args, **kwargs)

        return inner  # type: ignore[return-value]

    return wrap
