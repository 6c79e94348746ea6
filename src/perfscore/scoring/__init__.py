"""Scoring (评分): profiles, the rule engine and the Evaluation it produces.

Public API::

    evaluate(targets, profile=None, *, as_of=None) -> Evaluation
    load_profile(name_or_path) -> Profile
    load_results(path) -> Evaluation      # read results.json back
"""

from perfscore.scoring.engine import evaluate
from perfscore.scoring.evaluation import Evaluation
from perfscore.scoring.io import load_results
from perfscore.scoring.profile import Profile, list_profiles, load_profile

__all__ = ["Evaluation", "Profile", "evaluate", "list_profiles", "load_profile", "load_results"]
