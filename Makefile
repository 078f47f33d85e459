# devstack: build, test, lint.

GO ?= go
# A static binary starts faster, and runs on machines without the build's libc.
export CGO_ENABLED ?= 0
BIN ?= bin/devstack
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)

.PHONY: build test race lint bench bench-go clean

build:
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o $(BIN) ./cmd/devstack

test:
	$(GO) test -count=1 ./...

# The packages that run scripts concurrently, under the race detector
# (which needs cgo).
race:
	CGO_ENABLED=1 $(GO) test -race -count=1 ./internal/...

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt: files above need formatting"; exit 1; }
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...
	for f in testdata/driver.sh testdata/source-devstack.sh scripts/*.sh stackrc lib/* lib/nova_plugins/* extras.d/*.sh; do \
		[ ! -f "$$f" ] || bash -n "$$f" || exit 1; \
	done

# devstack against bash, side by side: hook dispatch at 10 to 3000 hooks,
# sourcing DevStack's libraries (with /tmp/ds-master or DEVSTACK_DIR),
# start-up. BENCH_FLAGS go to scripts/bench/main.go (-pairs N, -only NAME).
bench:
	bash scripts/bench.sh $(BENCH_FLAGS)

# The Go benchmarks of the packages.
bench-go:
	$(GO) test -run '^$$' -bench . -benchtime 20x ./...

clean:
	rm -rf bin
