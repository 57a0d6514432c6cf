# The two commands of the quick start: `make run` and `make test`.
BUILD_DIR ?= build
ASAN_DIR ?= build-asan
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: deps build run test asan fuzz bench tidy style clean

deps:
	@scripts/install-deps.sh

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)

build: deps $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	mkdir -p data
	$(BUILD_DIR)/services/gateway/fleetgate

test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)

# The whole suite under AddressSanitizer and UndefinedBehaviorSanitizer.
asan: deps
	cmake -S . -B $(ASAN_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DFLEETGATE_SANITIZE=ON -DFLEETGATE_BUILD_BENCH=OFF
	cmake --build $(ASAN_DIR) -j $(JOBS)
	ctest --test-dir $(ASAN_DIR) --output-on-failure -j $(JOBS)

# libFuzzer targets (tests/fuzz) under ASan and UBSan, built with clang in their own directory;
# each runs FUZZ_SECONDS over its seed corpus (tests/fuzz/corpus/<target>, kept read-only: new
# inputs go to $(FUZZ_DIR)/corpus). Not part of `make test`.
FUZZ_DIR ?= build-fuzz
FUZZ_SECONDS ?= 20
FUZZ_TARGETS ?= request_head chunked_decoder rule_json batch otlp
fuzz: deps
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DFLEETGATE_FUZZ=ON -DFLEETGATE_BUILD_TESTS=OFF -DFLEETGATE_BUILD_BENCH=OFF $(CMAKE_FLAGS)
	cmake --build $(FUZZ_DIR) -j $(JOBS) --target $(addprefix fuzz_,$(FUZZ_TARGETS))
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_DIR)/corpus/$$t $(FUZZ_DIR)/artifacts/$$t && \
	  echo "== fuzz_$$t ($(FUZZ_SECONDS) s)" && \
	  $(FUZZ_DIR)/tests/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 \
	    -max_len=65536 -print_final_stats=1 -artifact_prefix=$(FUZZ_DIR)/artifacts/$$t/ \
	    $(FUZZ_DIR)/corpus/$$t tests/fuzz/corpus/$$t || exit 1; \
	done

# clang-tidy with the root .clang-tidy over fleetgate's own sources (not tests or generated code).
tidy: build
	run-clang-tidy -quiet -p $(BUILD_DIR) -j $(JOBS) '^$(CURDIR)/(core|storage|services)/.*\.cc$$'

# clang-format and include boundaries; also a CTest test, so `make test` runs it.
style:
	@scripts/check-style.sh

bench: build
	$(BUILD_DIR)/bench/fleetgate-microbench

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR)
