"""perfscore: year-end budget performance self-evaluation (预算绩效自评).

The public API is listed in ``__all__``; everything else is internal.
"""

from perfscore.errors import (
    DataError,
    FormatError,
    InputError,
    PerfscoreError,
    ProfileError,
    UsageError,
)
from perfscore.model import Indicator, Project, Targets

__version__ = "0.1.0"

__all__ = [
    "DataError",
    "FormatError",
    "Indicator",
    "InputError",
    "PerfscoreError",
    "ProfileError",
    "Project",
    "Targets",
    "UsageError",
    "__version__",
]
