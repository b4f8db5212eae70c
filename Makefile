# Two commands do all the set-up on a fresh machine: `make reports` and `make test`.
# Both create .venv from pyproject.toml on first use (and again when pyproject.toml changes).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: reports test lab gallery browser clean-venv

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (cxlab)" > /dev/null
	touch $(STAMP)

reports: $(STAMP)
	$(BIN)/cxlab build

browser:
	bash .ci/install-browser

test: $(STAMP) browser
	$(BIN)/python -m pytest

# JupyterLab on this machine only (127.0.0.1), the project's kernel, the sector_gap notebook open.
# LabApp.default_url, not ServerApp's: `jupyter lab` sets its own (the Launcher) over the server's.
# LAB_ARGS adds options and LAB_DIR serves another folder (the browser tests: a port, a token, a copy).
LAB_ARGS ?=
LAB_DIR ?= notebooks
lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=$(LAB_DIR) --ServerApp.ip=127.0.0.1 \
		--MappingKernelManager.default_kernel_name=python3 --LabApp.default_url=/lab/tree/sector_gap.ipynb \
		$(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

# Screenshots of one report of every kind (page and print) and of every explorer in JupyterLab,
# into gallery/ (not committed): what a reader sees, for anyone to look at.
gallery: $(STAMP) browser
	$(BIN)/python -m tests.gallery gallery

clean-venv:
	rm -rf $(VENV)
