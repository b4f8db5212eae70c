# Two commands do all the set-up on a fresh machine: `make reports` and `make test`.
# Both create .venv from pyproject.toml on first use (and again when pyproject.toml changes).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: reports test lab browser clean-venv

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
lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks --ServerApp.ip=127.0.0.1 \
		--MappingKernelManager.default_kernel_name=python3 --ServerApp.default_url=/lab/tree/sector_gap.ipynb \
		$(if $(filter 0,$(shell id -u)),--allow-root)

clean-venv:
	rm -rf $(VENV)
