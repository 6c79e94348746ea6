"""Modules that can be called like the function they are named after.

``perfscore.extract`` and ``perfscore.compare`` are both a submodule and the public
function it defines. Python binds an imported submodule to its package's attribute, so
the package gives the module; making the module callable keeps ``perfscore.extract(path)``
working next to ``perfscore.extract.load_targets``.
"""

from __future__ import annotations

import sys
import types


def make_callable(module_name: str, function_name: str) -> None:
    """Calling module ``module_name`` calls its ``function_name``."""

    class CallableModule(types.ModuleType):
        def __call__(self, *args, **kwargs):
            return getattr(self, function_name)(*args, **kwargs)

    sys.modules[module_name].__class__ = CallableModule
