"""Scoring (评分): profiles, the rule engine and the Evaluation it produces.

Public API::

    score(targets, profile=None, *, as_of=None) -> Evaluation   # the checks: perfscore.app.score.evaluate
    load_profile(name_or_path) -> Profile
    load_results(path) -> Evaluation      # read results.json back
"""

from perfscore.scoring.engine import score
from perfscore.scoring.evaluation import Evaluation
from perfscore.scoring.io import load_results
from perfscore.scoring.profile import Profile, list_profiles, load_profile

__all__ = ["Evaluation", "Profile", "list_profiles", "load_profile", "load_results", "score"]
