"""The package version, in one place.

``pyproject.toml`` reads it from here (``[tool.setuptools.dynamic]``, without importing the
package), so the wheel's metadata, ``umbrella.__version__``, ``umbrella --version`` and every
result's provenance agree; ``tests/package/test_release.py`` checks them against each other, the
newest entry of ``CHANGELOG.md`` and ``CITATION.cff``.
"""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.2.0"
