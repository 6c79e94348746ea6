"""Named profiles are found in a source checkout (weights/) and in a built wheel
(perfscore/profiles/, which in the repository links to weights/)."""

from pathlib import Path

import perfscore
from perfscore.scoring import profile as profile_module

ROOT = Path(__file__).resolve().parents[1]


def test_the_packaged_profiles_are_the_weights_folder():
    packaged = Path(perfscore.__file__).resolve().parent / "profiles"
    assert sorted(p.name for p in packaged.glob("*.toml")) == sorted(p.name for p in (ROOT / "weights").glob("*.toml"))
    for p in packaged.glob("*.toml"):
        assert p.read_bytes() == (ROOT / "weights" / p.name).read_bytes()


def test_without_a_weights_folder_the_packaged_copy_is_used(tmp_path, monkeypatch):
    package = tmp_path / "site-packages" / "perfscore"
    (package / "profiles").mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    monkeypatch.setattr(profile_module.perfscore, "__file__", str(package / "__init__.py"))
    assert profile_module.weights_dir() == package / "profiles"
