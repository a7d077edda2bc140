#!/bin/sh
# Time of a two-way table over 1,000,000 rows (or $1), beside the sqlite3
# shell's GROUP BY on the same rows. Built from the release objects.
set -e
cd "$(dirname "$0")/.."
make -s build/ctm >/dev/null
libs=$(make -s --no-print-directory --eval 'print-libs: ; @echo $(LIBS)' print-libs)
objs=$(ls build/rel/*.o | grep -v '/main\.o$')
mkdir -p build/bench
${CC:-cc} -std=c17 -O2 -Isrc -Ibuild/gen $(pkg-config --cflags jansson) \
	-o build/bench/stats_bench bench/stats_bench.c $objs $libs
exec build/bench/stats_bench "$@"
