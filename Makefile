# Quick start: `make run` opens the coder window on the sample corpus; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	# Test oracle whose metadata pins scipy==1.12.0 and pandas<3 (see pyproject.toml).
	$(BIN)/python -m pip install --quiet --no-deps 'irrCAC==0.4.4'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/annotator

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) build *.egg-info
