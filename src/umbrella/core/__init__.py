"""The foundation every other package stands on, importing none of them.

- :mod:`~umbrella.core.errors`: :class:`InputError` and its one-line messages;
- :mod:`~umbrella.core.files` and :mod:`~umbrella.core.manifest`: atomic files and output
  folders, and the manifest that tells umbrella's files from a user's;
- :mod:`~umbrella.core.seeds`: the one rule for randomness;
- :mod:`~umbrella.core.vocabulary`: fates, threat classes and report classes;
- :mod:`~umbrella.core.limits`: size and work budgets checked before anything is allocated;
- :mod:`~umbrella.core.stats`: means with confidence intervals, quantiles, paired differences;
- :mod:`~umbrella.core.apportion`: whole numbers in proportion;
- :mod:`~umbrella.core.userfiles`, :mod:`~umbrella.core.tomlspec` and :mod:`~umbrella.core.spec`:
  reading a user's files and validating TOML specs into frozen pydantic models.
"""
