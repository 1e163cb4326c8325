# qsync: the two commands a newcomer needs are `make demo` and `make test`.
GO       ?= go
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
# The VCS revision, linked in too: Go stamps it itself (-buildvcs=auto) except with
# GOFLAGS=-buildvcs=false or in a git worktree; internal/version prefers Go's stamp.
REVISION ?= $(shell git rev-parse HEAD 2>/dev/null)
MODIFIED ?= $(shell test -n "$$(git status --porcelain 2>/dev/null)" && echo true)
LDFLAGS  := -X main.version=$(VERSION) -X github.com/qsync/qsync/internal/version.revision=$(REVISION) -X github.com/qsync/qsync/internal/version.modified=$(MODIFIED)
BIN      := bin/qsync
# Packages with concurrency, run under the race detector when cgo is available.
RACE_PKGS := ./internal/qualysclient/... ./internal/qualysemu/... ./internal/live/... ./internal/apply/... ./internal/drill/...
FUZZTIME ?= 3s

.PHONY: all build demo test test-short vet race fuzz-smoke fuzz bench soak schema release clean

all: build

build:
	$(GO) build -buildvcs=auto -ldflags "$(LDFLAGS)" -o $(BIN) .

## demo: build qsync, start the built-in emulator, and run validate → plan → apply → plan on examples/
demo: build
	./scripts/demo.sh $(BIN)

## test: the whole suite (vet, unit, end-to-end, race where cgo works, brief fuzzing); see README "Tests, in tiers"
test: vet
	$(GO) test ./...
	$(MAKE) race
	$(MAKE) fuzz-smoke

vet:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet ./...

## test-short: the quick tier while iterating (go test -short: fewer property runs and drill seeds)
test-short:
	$(GO) test -short ./...

race:
	@if CGO_ENABLED=1 $(GO) env CGO_ENABLED | grep -q 1 && command -v gcc >/dev/null; then \
		CGO_ENABLED=1 $(GO) test -race $(RACE_PKGS); \
	else echo "race: skipped (cgo not available)"; fi

# Each fuzz target for a few seconds (FUZZTIME); `make fuzz FUZZTIME=5m` runs them longer.
fuzz-smoke:
	@./scripts/fuzz.sh $(FUZZTIME)

fuzz:
	@./scripts/fuzz.sh $(if $(filter 3s,$(FUZZTIME)),2m,$(FUZZTIME))

## bench: benchmarks against the emulator on loopback; prints a table and writes bench/results.json
bench:
	./scripts/bench.sh

## soak: the model-based invariant test for longer (internal/soak): COUNT random transitions from
## SEED (one new estate per PER), faults on half the applies; prints a table, fails on any violation
SEED    ?= 1
COUNT   ?= 2000
PER     ?= 50
CLASSES ?= all
soak:
	$(GO) run ./internal/soak/cmd/soak -seed $(SEED) -count $(COUNT) -per $(PER) -classes $(CLASSES)

## schema: regenerate schema/qsync.schema.json, docs/configuration.md and docs/inferred-elements.md from internal/spec/kinds*.go
schema:
	$(GO) generate ./...

## release: archives for linux, darwin and windows on amd64 and arm64, SHA256SUMS and a CycloneDX
## SBOM in dist/, reproducibly (timestamps from SOURCE_DATE_EPOCH, default the commit's time)
release:
	$(GO) run ./internal/release/cmd/release -version $(VERSION) -out dist

clean:
	rm -rf bin dist
