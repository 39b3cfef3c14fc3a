# The two set-up commands of the README: `make demo` and `make test`. Each installs the Debian
# packages it needs (only the missing ones) before building.
SHELL := /bin/bash
SWIFT ?= swift
CORETYPE := $(shell scripts/blas-coretype.sh)
DEMO_RUN := workspace/runs/demo

.PHONY: deps build release test demo quality bench plugins clean

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

## Builds and runs the whole test suite (XCTest), after checking `recur report`/`compare` pages
## in headless Chromium (installed first when missing, by scripts/install-browser.sh) and the
## example plugin cell plugins/mingru (built, conformance, a short training).
test: deps
	scripts/install-browser.sh
	$(SWIFT) build --build-tests
	scripts/check-reports.sh .build/debug/recur
	scripts/check-mingru.sh .build/debug/recur
	OPENBLAS_CORETYPE=$(CORETYPE) $(SWIFT) test --skip-build --disable-swift-testing

## Trains a character-level LSTM on the default corpus (the Jargon File) for about two minutes,
## prints a sample from it, and ends by writing the run's report (its path is the last line).
demo: release
	.build/release/recur run char-lm --cell lstm --hidden 256 --minutes 2 --run-dir $(DEMO_RUN) --overwrite
	.build/release/recur sample $(DEMO_RUN) --length 600 --temperature 0.8 --prime "The "
	.build/release/recur report $(DEMO_RUN)

## The quality recipe of The char-lm recipe of docs/recipes.md for each built-in cell (several minutes per cell).
quality: release
	scripts/charlm-quality.sh

## Builds every plugin package in plugins/ in release, for a release `recur` to load.
plugins: release
	@for package in plugins/*/Package.swift; do \
		(cd "$$(dirname "$$package")" && $(SWIFT) build -c release) || exit 1; \
	done

bench: release
	.build/release/recur bench gemm --threads 1
	.build/release/recur bench gemm --threads 2

clean:
	rm -rf .build
