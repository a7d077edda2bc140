#!/bin/sh
# Searches of the audit trail over 1,000,000 entries (or $1), each filter
# beside the former single-statement search in the same run. Built from
# the release objects.
set -e
cd "$(dirname "$0")/.."
make -s build/ctm >/dev/null
libs=$(make -s --no-print-directory --eval 'print-libs: ; @echo $(LIBS)' print-libs)
objs=$(ls build/rel/*.o | grep -v '/main\.o$')
mkdir -p build/bench
${CC:-cc} -std=c17 -O2 -Isrc -Ibuild/gen $(pkg-config --cflags jansson) \
	-o build/bench/audit_bench bench/audit_bench.c $objs $libs
exec build/bench/audit_bench "$@"
