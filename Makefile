# possum — a thin front to CMake. `make` builds, `make test` runs every test, each end-to-end
# test on SQLite and again on a throwaway PostgreSQL (NAME_pg, label once; then every test
# again under AddressSanitizer + UndefinedBehaviorSanitizer but those labelled ui or once: the
# browser, crash, fault, attack and PostgreSQL runs; then the fuzzers briefly), `make test-ui`
# the browser tests with screenshots of the console, `make demo` runs the system, `make bench`
# the benchmarks (then bench/load.sh, `possum load` against a fresh host, bench/links.sh, the
# same through a network link, and bench/pg.sh, the same on PostgreSQL), `make soak` the long
# proofs (tests/soak), `make fuzz` the fuzzers for FUZZ_SECONDS each.
JOBS ?= $(shell nproc)
FUZZ_SECONDS ?= 60
TEST_FUZZ_SECONDS ?= 10
CMAKE_FLAGS ?=

.PHONY: all build bootstrap test test-unit test-sanitize test-fuzz test-ui demo bench soak fuzz format clean

all: build

bootstrap:
	@sh scripts/bootstrap

build: bootstrap
	@cmake -S . -B build $(CMAKE_FLAGS) >/dev/null
	@cmake --build build -j $(JOBS)

test: test-unit test-sanitize test-fuzz

test-unit: build
	@echo "== tests =="
	@cd build && ctest --output-on-failure -j $(JOBS)

test-sanitize: bootstrap
	@echo "== tests under AddressSanitizer + UndefinedBehaviorSanitizer =="
	@cmake -S . -B build-asan -DPOSSUM_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug $(CMAKE_FLAGS) >/dev/null
	@cmake --build build-asan -j $(JOBS)
	@cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j $(JOBS) -LE 'ui|once'

# The console's browser tests alone, saving a screenshot of every page (both languages, 1280×800
# and 360 px wide) under build/screenshots/ for review.
test-ui: build
	@echo "== the console in a browser; screenshots in build/screenshots/ =="
	@rm -rf build/screenshots
	@cd build && POSSUM_SCREENSHOTS=$(CURDIR)/build/screenshots ctest -V -L ui >ui-test.log 2>&1; \
		status=$$?; grep -E '^[0-9]+: (ok|FAIL|WARN|setup|skipped|[0-9]+ passed|  \()' ui-test.log; \
		tail -n 3 ui-test.log; exit $$status
	@echo "screenshots: $$(ls build/screenshots 2>/dev/null | wc -l) in build/screenshots/"

test-fuzz: bootstrap
	@echo "== fuzzers, $(TEST_FUZZ_SECONDS) s each =="
	@sh scripts/fuzz build-fuzz $(TEST_FUZZ_SECONDS)

demo: build
	@sh scripts/demo build/possum

# The long proofs (tests/soak/*.sh, in name order): each prints what it tried and what held.
soak: build
	@sh scripts/soak build/possum .

bench: build
	@for b in build/bench_*; do [ -x "$$b" ] && "$$b" || exit 1; done
	@sh bench/load.sh build/possum .
	@sh bench/links.sh build/possum .
	@sh bench/pg.sh build/possum .

fuzz: bootstrap
	@sh scripts/fuzz build-fuzz $(FUZZ_SECONDS)

format:
	@clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	@rm -rf build build-asan build-fuzz
