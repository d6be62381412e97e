# rtfs-go: `make run` builds the CLIs and runs an example; `make test` is
# everything CI runs.

GO          ?= go
# The binaries start themselves again as confined workers; the cgo path of
# the all-threads syscalls hangs as PID 1 of a PID namespace, so nothing is
# built with cgo, test binaries included.
export CGO_ENABLED = 0
# urfave/cli's man-page and markdown generators, which the CLIs do not
# offer, pull in a markdown package whose init takes half a millisecond of
# every start, a worker's included.
export GOFLAGS += -tags=urfave_cli_no_docs
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
EXAMPLE     ?= testdata/examples/hello.rtfs
FUZZTIME    ?= 10m

.PHONY: all build run test unit lint grammar grammar-check fuzz bench escape bombs doctor clean bench-deps man

all: build

build:
	$(GO) build -o bin/ ./cmd/...

run: build
	./bin/rtfsvm exec $(EXAMPLE)

test: lint grammar-check unit

unit:
	$(GO) test ./...

# vet and staticcheck skip the generated parser: vet's unreachable-code
# check ignores "Code generated" markers, and grammar-check already holds
# that code to what the grammar generates.
CHECKED = $$($(GO) list ./... | grep -v '/grammar$$')

lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet $(CHECKED)
	$(GO) run $(STATICCHECK) $(CHECKED)

# Regenerate the ANTLR parser from grammar/RTFS.g4.
grammar:
	$(GO) generate ./grammar

# The committed parser must be what the grammar generates.
grammar-check: grammar
	git diff --exit-code -- grammar/
	@test -z "$$(git status --porcelain -- grammar/)" || { git status --short -- grammar/; exit 1; }

# Every escape attempt of the sandbox against the real kernel, as a table.
escape:
	$(GO) test ./sandbox -run '^TestEscapes$$' -count=1 -v | sed -n '/ESCAPE  /,/escapes contained/p'

# Every resource bomb of testdata/bombs on both engines, as a table.
bombs:
	$(GO) test ./cmd/rtfsvm -run '^TestBombs$$' -count=1 -v -timeout 20m | sed -n '/BOMB  /,/^--- /p' | sed '$$d'

# What this kernel offers the sandbox.
doctor: build
	./bin/rtfsvm doctor

# Each fuzz target for FUZZTIME: the front end, the bytecode loader and
# verifier, the code generator, the VM on mutated modules, then the two
# engines against each other on random programs.
fuzz:
	$(GO) test ./compiler/parse -run '^$$' -fuzz=FuzzParse -fuzztime=$(FUZZTIME)
	$(GO) test ./isa -run '^$$' -fuzz=FuzzLoad -fuzztime=$(FUZZTIME)
	$(GO) test ./isa -run '^$$' -fuzz=FuzzVerify -fuzztime=$(FUZZTIME)
	$(GO) test ./compiler/codegen -run '^$$' -fuzz=FuzzCompile -fuzztime=$(FUZZTIME)
	$(GO) test ./vm -run '^$$' -fuzz=FuzzRun -fuzztime=$(FUZZTIME)
	$(GO) test ./internal/progen -run '^$$' -fuzz=FuzzDifferential -fuzztime=$(FUZZTIME)

# The interpreter against the VM on bench/programs, and the front end's
# speed (bench/cmd/benchtable); then the VM against other embeddable Go
# languages (bench/peers, a module of its own). A few minutes; see
# bench/README.md.
bench:
	$(GO) run ./bench/cmd/benchtable
	cd bench/peers && $(GO) run .

# Man pages of the CLIs in man/, from a build with urfave/cli's
# documentation generators (the CLIs themselves leave them out).
man:
	mkdir -p man
	GOFLAGS= $(GO) run ./cmd/rtfsvm man > man/rtfsvm.1
	GOFLAGS= $(GO) run ./cmd/rtfsc man > man/rtfsc.1

# The C Lua 5.4 and LuaJIT, which make bench compares with when present.
bench-deps:
	apt-get install -y lua5.4 luajit

clean:
	rm -rf bin
