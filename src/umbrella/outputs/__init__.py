"""What commands write: atomic files and folders, tables, charts and provenance.

The writers here are used by the command line and work the same from Python.
"""
