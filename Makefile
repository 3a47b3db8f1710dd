# atalaya: the only build entry point.
#   make            release build: build/rel/atalaya
#   make test       unit, sample and differential tests on the release build
#   make check      the same tests under ASan+UBSan, plus the fuzz corpora replayed
#   make fuzz       libFuzzer targets (clang), FUZZ_SECONDS each
#   make bench      benchmarks beside the peers (gpsdecode, python3-ais, dump1090-mutability)
#   make headers    compile every public header on its own
#   make install    binary, data, web files, man pages, systemd units and an example
#                   config under DESTDIR/PREFIX (default /usr/local); make uninstall
# Sources are discovered by folder: src/<module>/*.c becomes build/<mode>/lib<module>.a.

-include config.mk

CC      ?= cc
MODULES := common ais aisdemod modes ref track sim store detect net stream http pipeline
MODULES := $(foreach m,$(MODULES),$(if $(wildcard src/$(m)/*.c),$(m)))
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

WARN    := -Wall -Wextra -Wmissing-prototypes -Wformat=2 -Wshadow -Wno-unused-parameter -fno-common
PQ_INC  := $(shell pkg-config --cflags-only-I libpq 2>/dev/null || echo -I/usr/include/postgresql)
# WERROR=1 (CI, scripts/test.sh) turns warnings into errors; local builds stay tolerant.
ifeq ($(WERROR),1)
WARN    += -Werror
endif
BASE    := -std=c17 -D_GNU_SOURCE -Isrc $(PQ_INC) $(WARN) -DATALAYA_VERSION='"$(VERSION)"' -MMD -MP
LDLIBS  := -lsqlite3 -lpq -ljansson -lmicrohttpd -lmosquitto -lnats -lz -lzstd -lm -lpthread

# RTL-SDR dongles read directly (rtlsdr://) when librtlsdr is installed;
# without it the build still has rtl_tcp input.
ifeq ($(shell pkg-config --exists librtlsdr 2>/dev/null && echo yes),yes)
BASE    += -DHAVE_RTLSDR $(filter-out -I/usr/include -I/usr/include/,$(shell pkg-config --cflags librtlsdr))
LDLIBS  += $(shell pkg-config --libs librtlsdr)
endif

REL_CFLAGS  := $(BASE) -O2 -g -D_FORTIFY_SOURCE=2 -fstack-protector-strong
ASAN_CFLAGS := $(BASE) -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
ASAN_LDFLAGS:= -fsanitize=address,undefined

.PHONY: all test check fuzz bench headers clean rel asan man install uninstall
all: rel

# $(call lib_rule,mode,module): one static library per module folder.
define lib_rule
build/$(1)/lib$(2).a: $$(patsubst src/%.c,build/$(1)/obj/%.o,$$(wildcard src/$(2)/*.c))
	@mkdir -p $$(@D)
	rm -f $$@ && ar rcs $$@ $$^
endef

# $(call mode_rules,mode,cflags,ldflags)
define mode_rules
$(1)_LIBS := $$(foreach m,$$(filter-out cli,$(MODULES)),build/$(1)/lib$$(m).a)
$(1)_CLI  := $$(patsubst src/%.c,build/$(1)/obj/%.o,$$(wildcard src/cli/*.c))
$(1)_TESTS:= $$(patsubst tests/unit/%.c,build/$(1)/tests/%,$$(wildcard tests/unit/test_*.c))
$(1)_FUZZ := $$(patsubst tests/fuzz/%.c,build/$(1)/fuzzreplay/%,$$(wildcard tests/fuzz/fuzz_*.c))

build/$(1)/obj/%.o: src/%.c
	@mkdir -p $$(@D)
	$$(CC) $(2) -c $$< -o $$@

build/$(1)/tests/%.o: tests/unit/%.c
	@mkdir -p $$(@D)
	$$(CC) $(2) -Itests/unit -c $$< -o $$@

build/$(1)/fuzzreplay/%.o: tests/fuzz/%.c
	@mkdir -p $$(@D)
	$$(CC) $(2) -c $$< -o $$@

$$(foreach m,$$(filter-out cli,$(MODULES)),$$(eval $$(call lib_rule,$(1),$$(m))))

build/$(1)/atalaya: $$($(1)_CLI) $$($(1)_LIBS)
	$$(CC) $(3) -o $$@ $$($(1)_CLI) -Wl,--start-group $$($(1)_LIBS) -Wl,--end-group $$(LDLIBS)

build/$(1)/tests/%: build/$(1)/tests/%.o $$($(1)_LIBS)
	$$(CC) $(3) -o $$@ $$< -Wl,--start-group $$($(1)_LIBS) -Wl,--end-group $$(LDLIBS)

build/$(1)/fuzzreplay/%: build/$(1)/fuzzreplay/%.o build/$(1)/fuzzreplay/replay_main.o $$($(1)_LIBS)
	$$(CC) $(3) -o $$@ $$< build/$(1)/fuzzreplay/replay_main.o -Wl,--start-group $$($(1)_LIBS) -Wl,--end-group $$(LDLIBS)

build/$(1)/fuzzreplay/replay_main.o: tests/fuzz/replay_main.c
	@mkdir -p $$(@D)
	$$(CC) $(2) -c $$< -o $$@

$(1): build/$(1)/atalaya $$($(1)_TESTS) $$($(1)_FUZZ)
endef

$(eval $(call mode_rules,rel,$(REL_CFLAGS),))
$(eval $(call mode_rules,asan,$(ASAN_CFLAGS),$(ASAN_LDFLAGS)))

test: rel
	tests/run.sh build/rel

check: asan
	tests/run.sh build/asan

# libFuzzer builds need clang; each target runs FUZZ_SECONDS over its corpus.
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS := $(BASE) -O1 -g -fsanitize=fuzzer,address,undefined
fuzz:
	@mkdir -p build/fuzz
	@for f in tests/fuzz/fuzz_*.c; do \
	  n=$$(basename $$f .c); \
	  clang $(FUZZ_CFLAGS) -o build/fuzz/$$n $$f $$(ls src/*/*.c | grep -v '^src/cli/') $(LDLIBS) || exit 1; \
	  mkdir -p tests/fuzz/corpus/$$n build/fuzz/$$n.new; \
	  build/fuzz/$$n -max_total_time=$(FUZZ_SECONDS) -max_len=4096 build/fuzz/$$n.new tests/fuzz/corpus/$$n || exit 1; \
	done

bench: rel
	@for b in bench/*.sh; do echo "== $$b"; bash $$b build/rel/atalaya || exit 1; done

headers:
	@for h in $$(find src -name '*.h'); do \
	  echo '#include "'$${h#src/}'"' | $(CC) $(filter-out -MMD -MP,$(BASE)) -fsyntax-only -x c - || exit 1; done; echo headers ok

# Installation. The binary finds its data and web files in ../share/atalaya
# beside itself (src/ref/datadir.c, http_find_web_root), so any PREFIX works.
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
DATADIR    ?= $(PREFIX)/share/atalaya
MANDIR     ?= $(PREFIX)/share/man
SYSCONFDIR ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
UNITDIR    ?= $(if $(filter /usr,$(PREFIX)),/lib/systemd/system,$(PREFIX)/lib/systemd/system)
BIN        ?= build/rel/atalaya
MANOUT     ?= build/man

man: $(BIN)
	rm -rf $(MANOUT) && scripts/man.sh $(BIN) $(MANOUT) $(VERSION)

install: $(BIN) man
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(UNITDIR)
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/atalaya
	cd data && find . -type f | while read -r f; do install -D -m 644 "$$f" "$(DESTDIR)$(DATADIR)/$$f" || exit 1; done
	cd web && find . -type f | while read -r f; do install -D -m 644 "$$f" "$(DESTDIR)$(DATADIR)/web/$$f" || exit 1; done
	install -m 644 $(MANOUT)/*.1 $(DESTDIR)$(MANDIR)/man1/
	for u in dist/systemd/*.service.in; do \
	  sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' $$u >$(DESTDIR)$(UNITDIR)/$$(basename $$u .in) || exit 1; \
	  chmod 644 $(DESTDIR)$(UNITDIR)/$$(basename $$u .in); done
	install -D -m 644 dist/run.conf $(DESTDIR)$(DATADIR)/examples/run.conf
	@if [ ! -e $(DESTDIR)$(SYSCONFDIR)/atalaya/run.conf ]; then \
	  install -D -m 644 dist/run.conf $(DESTDIR)$(SYSCONFDIR)/atalaya/run.conf; fi

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/atalaya $(DESTDIR)$(MANDIR)/man1/atalaya.1 $(DESTDIR)$(MANDIR)/man1/atalaya-*.1
	rm -f $(DESTDIR)$(UNITDIR)/atalaya.service $(DESTDIR)$(UNITDIR)/atalaya-serve.service
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
