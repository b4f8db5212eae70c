"""The hostile inputs of issue 13, run against the ``cxlab`` command in a copy of the project."""
