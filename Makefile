# ctm - counter-trafficking case management. See README.md.
#
#   make run    build, create ./var/ctm.db with demo data if absent, serve
#   make test   build under ASan+UBSan and run every test
#   make        release build in build/ctm

PKGS      := libmicrohttpd jansson sqlite3 libsodium liboath xlsxwriter libzip expat libqrencode
CC        ?= gcc
WARN      := -Wall -Wextra -Wformat-security -Wstrict-prototypes \
             -Wold-style-definition -Wpointer-arith -Wvla -Wwrite-strings
LOCALEDIR ?= $(CURDIR)/build/locale
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
BASE_CFLAGS = -std=c17 $(WARN) -Isrc -Ibuild/gen $(PKG_CFLAGS) \
             -DCTM_LOCALEDIR='"$(LOCALEDIR)"'
LIBS      = $(PKG_LIBS) -lcsv -lpthread -lm

REL_CFLAGS  := -O2 -g -D_FORTIFY_SOURCE=2 -fstack-protector-strong
TEST_CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
               -fno-sanitize-recover=undefined -Werror -DCTM_TESTING
SAN_LDFLAGS := -fsanitize=address,undefined

SRCS      := $(sort $(wildcard src/*.c))
LIB_SRCS  := $(filter-out src/main.c,$(SRCS))
HDRS      := $(wildcard src/*.h) $(wildcard src/*.def)
REL_OBJS  := $(SRCS:src/%.c=build/rel/%.o) build/rel/assets.o
TEST_OBJS := $(SRCS:src/%.c=build/test/%.o) build/test/assets.o
TEST_LIB_OBJS := $(filter-out build/test/main.o,$(TEST_OBJS))
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=build/test/unit/%)

ASSET_FILES := \
	pico.min.css=node_modules/@picocss/pico/css/pico.min.css \
	htmx.min.js=node_modules/htmx.org/dist/htmx.min.js \
	echarts.min.js=node_modules/echarts/dist/echarts.min.js \
	ctm.css=assets/ctm.css \
	ctm.js=assets/ctm.js \
	favicon.svg=assets/favicon.svg \
	charts.js=assets/charts.js
ASSET_DEPS := $(foreach a,$(ASSET_FILES),$(word 2,$(subst =, ,$(a))))

LANGS := fr es
MOS   := $(LANGS:%=build/locale/%/LC_MESSAGES/ctm.mo)

.PHONY: all run test setup unit http e2e i18n-check po clean fuzz bench
all: setup-check build/ctm $(MOS)

# Installs what is missing (Debian packages, locales, npm packages).
build/.setup-ok: scripts/setup.sh package.json package-lock.json
	@scripts/setup.sh --check >/dev/null 2>&1 || scripts/setup.sh
	@mkdir -p build && touch $@
setup-check: build/.setup-ok
setup:
	scripts/setup.sh

node_modules/.package-lock.json: package-lock.json | build/.setup-ok
	npm ci --no-audit --no-fund
	@touch $@

build/embed: tools/embed.c | build/.setup-ok
	@mkdir -p build
	$(CC) -std=c17 -O2 $(WARN) -o $@ $< $$(pkg-config --cflags --libs libsodium)

# The npm files come with `npm ci`: when one is missing, install first.
NPM_ASSETS := $(filter node_modules/%,$(ASSET_DEPS))
$(NPM_ASSETS): | node_modules/.package-lock.json

build/gen/assets.c: build/embed $(ASSET_DEPS) Makefile
	@mkdir -p build/gen
	build/embed $@ $(ASSET_FILES)

build/rel/%.o: src/%.c $(HDRS) | build/.setup-ok
	@mkdir -p build/rel
	$(CC) $(BASE_CFLAGS) $(REL_CFLAGS) -c -o $@ $<
build/rel/assets.o: build/gen/assets.c
	@mkdir -p build/rel
	$(CC) $(BASE_CFLAGS) -O0 -c -o $@ $<
build/ctm: $(REL_OBJS)
	$(CC) -o $@ $^ $(LIBS)

build/test/%.o: src/%.c $(HDRS) | build/.setup-ok
	@mkdir -p build/test
	$(CC) $(BASE_CFLAGS) $(TEST_CFLAGS) -c -o $@ $<
build/test/assets.o: build/gen/assets.c
	@mkdir -p build/test
	$(CC) $(BASE_CFLAGS) -O0 -c -o $@ $<
build/test/ctm: $(TEST_OBJS)
	$(CC) $(SAN_LDFLAGS) -o $@ $^ $(LIBS)

build/test/unit/%: tests/unit/%.c $(TEST_LIB_OBJS) $(HDRS)
	@mkdir -p build/test/unit
	$(CC) $(BASE_CFLAGS) $(TEST_CFLAGS) -Itests/unit -o $@ $< \
		$(TEST_LIB_OBJS) $(SAN_LDFLAGS) $(LIBS) $$(pkg-config --libs cmocka)

# --- languages ---
po/ctm.pot: $(SRCS) $(HDRS)
	xgettext --from-code=UTF-8 -k_ -kN_ -kP_:1,2 -LC --package-name=ctm \
		--no-location --sort-output -o $@ $(SRCS) $(HDRS)
po: po/ctm.pot
	for l in $(LANGS); do msgmerge --quiet --update --no-fuzzy-matching \
		--backup=none po/$$l.po po/ctm.pot; done
build/locale/%/LC_MESSAGES/ctm.mo: po/%.po
	@mkdir -p $(dir $@)
	msgfmt --check -o $@ $<
i18n-check: po/ctm.pot
	@for l in $(LANGS); do \
		msgmerge --quiet --no-fuzzy-matching -o build/$$l.merged.po po/$$l.po po/ctm.pot || exit 1; \
		out=$$(LC_ALL=C msgfmt --check --statistics -o /dev/null build/$$l.merged.po 2>&1); \
		echo "$$l: $$out"; \
		case "$$out" in *untranslated*|*fuzzy*) echo "i18n: $$l.po is incomplete"; exit 1;; esac; \
	done

# --- running ---
LISTEN ?= 127.0.0.1:8080
run: all
	@mkdir -p var && chmod 700 var
	@test -f var/ctm.db || { build/ctm demo --db var/ctm.db && \
		build/ctm import ctdc --db var/ctm.db --dataset vp2022 \
			data/ctdc/CTDC_VPsynthetic_condensed.csv; }
	build/ctm serve --db var/ctm.db --listen $(LISTEN)

# --- tests ---
test: setup-check node_modules/.package-lock.json build/test/ctm $(MOS) $(UNIT_BINS)
	@$(MAKE) --no-print-directory i18n-check
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory http
	@$(MAKE) --no-print-directory e2e
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=15

unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; \
		ASAN_OPTIONS=detect_leaks=1 CTM_LOCALEDIR=$(LOCALEDIR) $$t; done

http: build/test/ctm $(MOS)
	CTM_BIN=$(CURDIR)/build/test/ctm node --test --test-concurrency=1 tests/http/

e2e: build/test/ctm $(MOS) node_modules/.package-lock.json
	CTM_BIN=$(CURDIR)/build/test/ctm node --test --test-concurrency=1 tests/e2e/

# --- fuzzing (libFuzzer, clang) ---
# Every target links all of src/ but main.c, compiled with clang into
# build/fuzz/. `make fuzz` runs each target for its count of inputs
# (name:runs below, sized for well under FUZZ_SECONDS, which caps it
# anyway) on a temporary copy of tests/fuzz/corpus/<name>/, so the
# committed corpus is never written. Logs and crash inputs go to
# build/fuzz/; replay a crash with build/fuzz/fuzz_<name> <file>.
FUZZ_CC      ?= clang
FUZZ_RUNS    := accept:600000 utf8:1000000 html:250000 route:400000 \
                screening:100000 field:300000 ctdc:20000 values:500000
FUZZ_SECONDS ?= 20
FUZZ_TARGETS := $(foreach r,$(FUZZ_RUNS),$(firstword $(subst :, ,$(r))))
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS   = -std=c17 $(WARN) -Isrc -Ibuild/gen $(PKG_CFLAGS) \
               -DCTM_LOCALEDIR='"$(LOCALEDIR)"' -DCTM_TESTING \
               -g -O1 -fno-omit-frame-pointer
FUZZ_OBJS    := $(LIB_SRCS:src/%.c=build/fuzz/%.o) build/fuzz/assets.o
FUZZ_BINS    := $(FUZZ_TARGETS:%=build/fuzz/fuzz_%)
.SECONDARY: $(FUZZ_OBJS)

build/fuzz/%.o: src/%.c $(HDRS) | build/.setup-ok
	@mkdir -p build/fuzz
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(FUZZ_SAN) -c -o $@ $<
build/fuzz/assets.o: build/gen/assets.c
	@mkdir -p build/fuzz
	$(FUZZ_CC) $(BASE_CFLAGS) -O0 -c -o $@ $<
build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJS) $(HDRS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $< \
		$(FUZZ_OBJS) $(LIBS)

fuzz: $(FUZZ_BINS)
	@mkdir -p build/fuzz/artifacts
	@set -e; for tr in $(FUZZ_RUNS); do t=$${tr%%:*}; runs=$${tr#*:}; \
		tmp=$$(mktemp -d); cp tests/fuzz/corpus/$$t/* $$tmp/; \
		dict=; [ -f tests/fuzz/fuzz_$$t.dict ] && dict=-dict=tests/fuzz/fuzz_$$t.dict; \
		echo "== fuzz_$$t"; \
		if build/fuzz/fuzz_$$t -runs=$$runs \
		    -max_total_time=$(FUZZ_SECONDS) -timeout=10 $$dict \
		    -artifact_prefix=build/fuzz/artifacts/$$t- $$tmp \
		    >build/fuzz/fuzz_$$t.log 2>&1; then \
			rm -rf $$tmp; tail -n 1 build/fuzz/fuzz_$$t.log; \
		else \
			rm -rf $$tmp; tail -n 60 build/fuzz/fuzz_$$t.log; \
			echo "fuzz_$$t failed: see build/fuzz/fuzz_$$t.log"; exit 1; \
		fi; \
	done

bench: build/ctm
	@for b in bench/*.sh; do [ -x "$$b" ] && "$$b"; done; true

clean:
	rm -rf build
