# ntsec build. The C core (src/core) has no Lua dependency and builds as a
# static library; the Lua module ntsec.core (src/lua) links it without
# linking liblua (headers only, via pkg-config --cflags lua5.4).

CC      ?= cc
LUA     ?= lua5.4
BUSTED  ?= $(LUA) /usr/bin/busted --ignore-lua
LUA_CFLAGS := $(shell pkg-config --cflags lua5.4 2>/dev/null || echo -I/usr/include/lua5.4)
WARN    := -Wall -Wextra -Wshadow -Wpointer-arith -Wcast-qual -Wstrict-prototypes \
           -Wmissing-prototypes -Wundef -Wno-unused-parameter
OPT     ?= -O2 -g
CFLAGS  ?=
ALL_CFLAGS := -std=c99 -D_POSIX_C_SOURCE=200809L -fPIC -fvisibility=hidden $(WARN) $(OPT) $(CFLAGS)
LDFLAGS ?=
LIBS    := -lsqlite3 -lexpat

BUILD   ?= build
CORE_SRC := $(sort $(wildcard src/core/*.c src/core/wfp/*.c src/core/ks/*.c))
LUA_SRC  := $(sort $(wildcard src/lua/*.c))
CORE_OBJ := $(CORE_SRC:%.c=$(BUILD)/obj/%.o)
LUA_OBJ  := $(LUA_SRC:%.c=$(BUILD)/obj/%.o)
TEST_SRC := $(sort $(wildcard tests/*_test.c))
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
BENCH_SRC := $(sort $(wildcard bench/*_bench.c))
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)
FUZZ_SRC := $(sort $(wildcard fuzz/*_fuzz.c))
FUZZ_BIN := $(FUZZ_SRC:fuzz/%.c=build-fuzz/%)
LIB      := $(BUILD)/libntsec.a
MODULE   := $(BUILD)/ntsec/core.so

INCS := -Isrc/core -Isrc/core/wfp -Isrc/core/ks

.PHONY: all test ctest spec demo asan valgrind bench bigdump lint fuzz fuzz-build fuzz-ci clean gen check-gen rockspec doc

all: $(LIB) $(MODULE) $(TEST_BIN)

$(BUILD)/obj/src/lua/%.o: src/lua/%.c $(wildcard src/lua/*.h src/core/*.h src/core/*/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(INCS) $(LUA_CFLAGS) -c $< -o $@

$(BUILD)/obj/%.o: %.c $(wildcard src/core/*.h src/core/*/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(INCS) -c $< -o $@

$(LIB): $(CORE_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

$(MODULE): $(LUA_OBJ) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) -shared $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(LUA_OBJ) $(LIB) $(LIBS)

$(BUILD)/tests/%: tests/%.c $(wildcard tests/*.h) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(INCS) $(LDFLAGS) -o $@ $< $(LIB) $(LIBS)

# sd_robust_test runs the fuzz harnesses on fuzz/regress/ (it includes them).
$(BUILD)/tests/sd_robust_test: $(wildcard fuzz/*_fuzz.c fuzz/*.h)
$(BUILD)/tests/access_regress_test: fuzz/access_fuzz.c
$(BUILD)/tests/fuzz_regress_test: fuzz/engine_fuzz.c fuzz/ks_fuzz.c fuzz/cond_fuzz.c $(wildcard fuzz/*.h)

# The whole suite: C unit tests, then busted. Prints "N passed, N failed".
test: all
	@$(LUA) tools/run_tests.lua $(TEST_BIN)

ctest: $(TEST_BIN)
	@for t in $(TEST_BIN); do $$t || exit 1; done

spec: all
	$(BUSTED)

demo: all
	bin/ntsec audit ../shared/data/wfpstate/netsh-wfpstate-1.xml --policy examples/lockdown_callouts.lua

# AddressSanitizer + UBSan: a separate build tree, the system lua5.4 with
# libasan preloaded (lua_conventions.md 7.19).
ASAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
asan:
	$(MAKE) BUILD=build-asan OPT="$(ASAN_FLAGS)" LDFLAGS="-fsanitize=address,undefined" all
	ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1 \
	LD_PRELOAD="$$($(CC) -print-file-name=libasan.so) $$($(CC) -print-file-name=libubsan.so)" \
	NTSEC_BUILD=build-asan $(LUA) tools/run_tests.lua $(patsubst $(BUILD)/%,build-asan/%,$(TEST_BIN))

valgrind: all
	NTSEC_VALGRIND=1 $(LUA) tools/run_tests.lua $(TEST_BIN)

$(BUILD)/bench/%: bench/%.c $(LIB) $(wildcard bench/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -O3 -DNDEBUG $(INCS) $(LDFLAGS) -o $@ $< $(LIB) $(LIBS)

# Bench-only Lua module timing Samba's C library (bench/samba_lua.c).
BENCH_LUA_MOD := $(BUILD)/bench-lua/samba_peer.so
$(BENCH_LUA_MOD): bench/samba_lua.c bench/samba_peer.c bench/samba_peer.h
	@mkdir -p $(dir $@)
	$(CC) -shared $(ALL_CFLAGS) -O3 $(LUA_CFLAGS) $(LDFLAGS) -o $@ $<

bench: all $(BENCH_BIN) $(BENCH_LUA_MOD)
	@$(LUA) bench/run.lua

# A 157 MB dump for the scale figures (docs/performance.md): each filter of
# netsh-wfpstate-2.xml 100 times, each callout 50 times, fresh keys and ids.
bigdump: $(BUILD)/bigdump.xml
$(BUILD)/bigdump.xml: bench/bigdump.lua
	@mkdir -p $(dir $@)
	$(LUA) bench/bigdump.lua ../shared/data/wfpstate/netsh-wfpstate-2.xml $@ 100 50

lint:
	luacheck -q .
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability --inline-suppr $(INCS) src/core src/lua

gen:
	$(LUA) tools/gen_status.lua src/core/status.tsv src/core/status_codes.h

check-gen:
	$(LUA) tools/gen_status.lua src/core/status.tsv $(BUILD)/status_codes.check.h
	cmp src/core/status_codes.h $(BUILD)/status_codes.check.h

clean:
	rm -rf build build-asan build-fuzz

rockspec:
	$(LUA) tools/gen_rockspec.lua ntsec-scm-1.rockspec

# libFuzzer harnesses (clang; docs/fuzzing.md). The core is compiled once
# into build-fuzz/obj with coverage and sanitizers; each fuzz/NAME_fuzz.c
# links it. make fuzz FUZZ_SECONDS=1800 runs each harness in turn;
# make fuzz-ci (CI) replays every regression input, then runs each harness
# for FUZZ_CI_SECONDS, FUZZ_JOBS at a time, and fails on any finding.
FUZZ_SECONDS ?= 60
FUZZ_CI_SECONDS ?= 60
FUZZ_JOBS ?= 2
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS := -g -O1 -fno-omit-frame-pointer -std=c99 -D_POSIX_C_SOURCE=200809L $(INCS)
FUZZ_OBJ := $(CORE_SRC:%.c=build-fuzz/obj/%.o)
FUZZ_LUA_OBJ := $(LUA_SRC:%.c=build-fuzz/obj/%.o)
FUZZ_LIBS := $(LIBS)
# The importer harness embeds Lua 5.4 and the binding (never the module).
build-fuzz/import_fuzz: FUZZ_EXTRA := $(FUZZ_LUA_OBJ) $(shell pkg-config --libs lua5.4 2>/dev/null || echo -llua5.4) -lexpat -lm -ldl
build-fuzz/import_fuzz: $(FUZZ_LUA_OBJ)

build-fuzz/obj/src/lua/%.o: src/lua/%.c $(wildcard src/lua/*.h src/core/*.h src/core/*/*.h)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) $(LUA_CFLAGS) -fsanitize=fuzzer-no-link $(FUZZ_SAN) -c $< -o $@

build-fuzz/obj/%.o: %.c $(wildcard src/core/*.h src/core/*/*.h)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(FUZZ_SAN) -c $< -o $@

build-fuzz/%: fuzz/%.c $(wildcard fuzz/*.h) $(FUZZ_OBJ)
	@mkdir -p build-fuzz
	clang $(FUZZ_CFLAGS) $(LUA_CFLAGS) -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $< $(FUZZ_OBJ) $(FUZZ_EXTRA) $(FUZZ_LIBS)

fuzz-build: $(FUZZ_BIN)
.SECONDARY: $(FUZZ_OBJ) $(FUZZ_LUA_OBJ)

# Each harness fuzz/NAME_fuzz.c runs on fuzz/corpus-NAME (seeded by fuzz/seed.lua).
fuzz: $(FUZZ_BIN)
	$(LUA) fuzz/seed.lua
	@for f in $(FUZZ_BIN); do n=$$(basename $$f _fuzz); mkdir -p fuzz/corpus-$$n; \
	  s=fuzz/seeds/$$n; [ -d $$s ] || s=; o=$$(cat fuzz/options/$$n 2>/dev/null); \
	  echo "== $$f"; $$f $$o -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 fuzz/corpus-$$n $$s || exit 1; done

fuzz-ci: $(FUZZ_BIN)
	$(LUA) fuzz/seed.lua
	FUZZ_SECONDS=$(FUZZ_CI_SECONDS) FUZZ_JOBS=$(FUZZ_JOBS) bash fuzz/ci.sh $(FUZZ_BIN)

# API reference (LDoc, Debian lua-ldoc) in build/doc, and the coverage check:
# every public function and method has a docstring with argument and result
# shapes, errors and source (tools/doc_coverage.lua).
doc: all
	@mkdir -p $(BUILD)/doc-src
	NTSEC_BUILD=$(BUILD) $(LUA) tools/gen_wfp_doc.lua $(BUILD)/doc-src/wfp_generated.luadoc
	ldoc -q . >/dev/null
	LUA_PATH='./tools/?.lua;;' ldoc -q --filter ldoc_items.dump . > $(BUILD)/doc_items.tsv
	NTSEC_BUILD=$(BUILD) $(LUA) tools/doc_coverage.lua $(BUILD)/doc_items.tsv
