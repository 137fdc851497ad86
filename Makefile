# The two commands a new user runs: `make demo` and `make test`. Each installs
# what is missing, configures and builds, then runs the example or the tests.
BUILD ?= build
JOBS ?= $(shell nproc)

.PHONY: all deps configure build test demo bench clean

all: build

deps:
	@bash scripts/install-deps.sh

$(BUILD)/build.ninja: CMakeLists.txt
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo

configure: deps $(BUILD)/build.ninja

build: configure
	cmake --build $(BUILD) -j $(JOBS)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

demo: build
	@bash examples/churn/run-demo.sh $(BUILD)/hone

bench: build
	@bash scripts/install-deps.sh --bench
	@bash bench/run-all.sh $(BUILD)

clean:
	rm -rf $(BUILD)
