"""The house has floors: an app imports only the apps below it, so no import cycle can form.

Every import statement counts, at module level or inside a function, so a cycle cannot hide in a
lazy import. config (settings, urls) is the roof and may import every app.
"""

import ast
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
# Bottom first. An app may import the apps before it in this list, never one after it.
# ops (health, logs, metrics, error reports) watches every floor, so it is the top one.
FLOORS = ["audit", "orgs", "notifications", "directory", "casehub", "sharing", "referrals", "rights", "ops"]
ROOF = "config"


def imported_apps(app: str, root: Path = ROOT) -> dict[str, list[str]]:
    """Each other first-party app the package imports, with where."""
    first_party = set(FLOORS) | {ROOF}
    found: dict[str, list[str]] = {}
    for path in sorted((root / app).rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top in first_party and top != app:
                    found.setdefault(top, []).append(f"{path.relative_to(root)}:{node.lineno} {module}")
    return found


def test_every_app_of_ours_has_a_floor():
    ours = {name.split(".")[0] for name in settings.INSTALLED_APPS if (ROOT / name.split(".")[0]).is_dir()} - {ROOF}
    assert ours == set(FLOORS)


@pytest.mark.parametrize("app", FLOORS)
def test_an_app_imports_only_the_apps_below_it(app):
    below = set(FLOORS[: FLOORS.index(app)])
    upward = {other: where for other, where in imported_apps(app).items() if other not in below}
    assert upward == {}


def test_orgs_the_ground_floor_imports_nothing_of_the_case_app():
    assert set(imported_apps("orgs")) <= {"audit"}


def test_the_walk_sees_imports_inside_functions(tmp_path):
    (tmp_path / "audit").mkdir()
    (tmp_path / "audit" / "late.py").write_text("def f():\n    from casehub.models import Case\n    import sharing\n")
    assert sorted(imported_apps("audit", tmp_path)) == ["casehub", "sharing"]
