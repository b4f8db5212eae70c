"""The package's public names are exactly what each module's ``__all__`` promises."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import cxlab


def _modules():
    for info in pkgutil.walk_packages(cxlab.__path__, "cxlab."):
        yield importlib.import_module(info.name)


def test_top_level_names_are_exactly_all():
    public = {n for n in dir(cxlab) if not n.startswith("_")} - {
        m.__name__.split(".")[1] for m in _modules()
    }
    assert public == set(cxlab.__all__) - {"__version__"}


def test_every_module_declares_all_and_every_listed_name_exists_and_is_documented():
    for module in _modules():
        if module.__name__ == "cxlab.analyses":
            continue
        assert hasattr(module, "__all__"), module.__name__
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isfunction(obj) or inspect.isclass(obj):
                assert obj.__doc__, f"{module.__name__}.{name} has no docstring"
