# motcua — the commands a developer and CI use.  Everything goes through
# CMake; this file only names the build directories and options.

BUILD_RELEASE := build/release
BUILD_CHECK   := build/check
BUILD_FUZZ    := build/fuzz
JOBS          ?= $(shell nproc 2>/dev/null || echo 2)
DB            ?= sqlite:var/motcua.db
LISTEN        ?= 127.0.0.1:8080

.PHONY: all run build check test fuzz bench fmt lint clean

all: build

# A release build (optimised, hardened, MOTCUA_NOW ignored).
build:
	@scripts/deps.sh build
	@cmake -S . -B $(BUILD_RELEASE) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD_RELEASE) -j$(JOBS)

# A working system on SQLite with demo data at http://127.0.0.1:8080.  The
# reference data is seeded every time (idempotent); demo officials and
# dossiers only on the first start (their passwords are printed then).
DEMO_MARK := var/.demo-loaded
run: build
	@mkdir -p var
	@$(BUILD_RELEASE)/motcua migrate --db $(DB)
	@$(BUILD_RELEASE)/motcua seed --db $(DB) --data data
	@if [ ! -f $(DEMO_MARK) ]; then \
		$(BUILD_RELEASE)/motcua dossier demo --db $(DB) --data data && touch $(DEMO_MARK); fi
	@exec $(BUILD_RELEASE)/motcua serve --db $(DB) --listen $(LISTEN) --web web --data data

# Warnings as errors, ASan + UBSan, every test on SQLite and PostgreSQL,
# browser tests and fuzz-corpus replay.
check:
	@scripts/deps.sh test
	@cmake -S . -B $(BUILD_CHECK) -DCMAKE_BUILD_TYPE=Debug -DMOTCUA_TEST_BUILD=ON \
		-DMOTCUA_SANITIZE=ON -DMOTCUA_WERROR=ON >/dev/null
	@cmake --build $(BUILD_CHECK) -j$(JOBS)
	@cd $(BUILD_CHECK) && ctest --output-on-failure -j$(JOBS)

test: check

# libFuzzer runs (clang) of every target, FUZZ_SECONDS each.
FUZZ_SECONDS ?= 60
fuzz:
	@scripts/deps.sh test
	@CC=clang cmake -S . -B $(BUILD_FUZZ) -DCMAKE_BUILD_TYPE=Debug -DMOTCUA_TEST_BUILD=ON \
		-DMOTCUA_FUZZ=ON >/dev/null
	@cmake --build $(BUILD_FUZZ) -j$(JOBS)
	@scripts/fuzz.sh $(BUILD_FUZZ) $(FUZZ_SECONDS)

bench:
	@scripts/deps.sh bench
	@bench/run.sh

fmt:
	@clang-format -i $$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'tests/*.h')

lint:
	@scripts/checksrc.sh
	@cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
		--suppress=missingIncludeSystem -I src src

clean:
	rm -rf build
