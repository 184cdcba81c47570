# finextract: PGXS build of the extension, its tests and tools.

# The default goal, before any other rule: `make` alone builds the module.
all:

EXTENSION = finextract
MODULE_big = finextract
DATA = $(wildcard sql/finextract--*.sql)

# The extension proper, then the parser (plain C, no backend headers).
OBJS = \
	src/finextract.o \
	src/api.o \
	src/worker.o \
	src/loop.o \
	src/child.o \
	src/sandbox.o \
	src/pipeline.o \
	src/pipeline_text.o \
	src/pipeline_live.o \
	src/inprocess.o \
	src/progress.o \
	src/visibility.o \
	src/spi_exec.o \
	src/store.o \
	src/store_result.o \
	src/store_text.o \
	src/notify.o \
	src/search_path.o \
	src/options.o \
	src/pagerange.o \
	src/pdfcheck.o \
	src/ocr.o \
	src/ocr_conf.o \
	src/http.o \
	src/failure.o \
	src/lane.o \
	src/lane_stats.o \
	src/rate.o \
	src/json.o \
	src/json_statement.o \
	src/json_whisper.o \
	src/prompt.o \
	src/remote.o \
	src/remote_chat.o \
	src/provider.o \
	src/provider_openai.o \
	src/provider_anthropic.o \
	src/provider_anthropic_json.o \
	src/redact.o \
	src/label_match.o \
	src/pipeline_remote.o \
	src/submit_dir.o \
	src/bench.o \
	$(PARSER_OBJS)

PARSER_OBJS = $(patsubst %.c,%.o,$(sort $(wildcard src/parse*.c) src/check.c))

REGRESS = $(patsubst sql/%.sql,%,$(sort $(filter-out sql/finextract--%,$(wildcard sql/*.sql))))
REGRESS_OPTS = --temp-config=test/regress.conf --temp-instance=tmp_check_regress --load-extension=finextract
PROVE_TESTS = test/t/*.pl
EXTRA_CLEAN = src/statement_schema.inc tmp_check_regress test/tools/fxparse test/tools/test_parse \
	$(DERULE)

PG_CPPFLAGS = -Isrc
PG_CFLAGS = -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers
SHLIB_LINK = -lcurl -ljson-c

# The standard concept identifiers have one source: the finx.concepts rows
# of the SQL scripts.  src/concepts.inc (the answer parser's list, kept in
# git for the unit tests and fuzzers that compile src/json*.c alone) is made
# from them, and the build stops when the statement schema's concept enum
# differs from them.
CONCEPT_SQL = $(sort $(wildcard sql/finextract--*.sql))

src/concepts.inc: $(CONCEPT_SQL) src/concepts.sh
	sh src/concepts.sh inc $(CONCEPT_SQL) > $@.tmp && mv $@.tmp $@

# The statement schema, embedded as a C string literal.
src/statement_schema.inc: src/statement_schema.json src/concepts.inc src/concepts.sh
	sh src/concepts.sh check $< src/concepts.inc $(CONCEPT_SQL)
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $< > $@

src/remote_chat.o src/remote_chat.bc: src/statement_schema.inc
src/json_statement.o: src/concepts.inc

# PGXS tracks no header dependencies: rebuild every object when a header changes.
$(OBJS): $(wildcard src/*.h)

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# after PGXS, which resets it
PROVE_FLAGS = -I ./test/perl --timer

# finextract-derule, the program that removes ruled lines from a scanned
# page before tesseract reads it (src/bin/derule.c; Leptonica, which
# tesseract itself uses).  It goes to PostgreSQL's bindir, where the worker
# finds it beside the server's own executable.
DERULE = src/bin/finextract-derule

all: $(DERULE)

# Never sanitized (test/asan.sh builds with -fsanitize): the worker runs it
# under the children's address-space limit, where ASan cannot map its
# shadow memory.
$(DERULE): src/bin/derule.c
	$(CC) $(filter-out -fsanitize%,$(CFLAGS)) $(CPPFLAGS) -o $@ $< $(LDFLAGS) -llept

install: install-derule
.PHONY: install-derule uninstall-derule
install-derule: $(DERULE)
	$(MKDIR_P) '$(DESTDIR)$(bindir)'
	$(INSTALL_PROGRAM) $(DERULE) '$(DESTDIR)$(bindir)/finextract-derule'

uninstall: uninstall-derule
uninstall-derule:
	rm -f '$(DESTDIR)$(bindir)/finextract-derule'

# `make installcheck` runs pg_regress alone; the TAP suite (test/t, which
# starts its own servers) runs with `make tapcheck`, both against the
# installed extension.
.PHONY: tapcheck
tapcheck:
	$(prove_installcheck)
