"""saring: filter citizen reports before people see them.

Duplicates (perceptual photo hashes, spatial-temporal clustering), geotag plausibility and
administrative areas, Indonesian spam scoring, and one explained verdict per report.
Errors raise ``saring.Error`` (a ``ValueError``) or ``saring.IoError`` (an ``OSError``); both carry
``.code``.
"""
from ._saring import *  # noqa: F401,F403
from ._saring import Error, IoError  # noqa: F401

__version__ = "0.1.0"
