#!/bin/sh
# Time of `ctm import ctdc` of each CTDC file we have, beside the sqlite3
# shell's `.import` of the same file into a plain table (no checks, no
# dictionary encoding): the floor of what reading a CSV into SQLite costs.
# Each figure is the best of $RUNS runs (default 3), in seconds, from the
# same run of this script. Release build.
set -e
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
make -s build/ctm >/dev/null
command -v sqlite3 >/dev/null || { echo "import_bench: sqlite3 shell missing"; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
build/ctm init --db "$tmp/base.db" >/dev/null 2>&1

# The files: the demo's copy, the 2020 extract beside the repo, and a
# larger file made of 20 copies of the VP rows (a scale point; each copy
# is the same rows, so its figure is throughput, not new data).
shared=../shared/data/ctdc
set -- data/ctdc/CTDC_VPsynthetic_condensed.csv
[ -f "$shared/global_kanon_2020_subset/dados_app.csv" ] &&
	set -- "$@" "$shared/global_kanon_2020_subset/dados_app.csv"
vp=data/ctdc/CTDC_VPsynthetic_condensed.csv
{
	head -n 1 "$vp"
	i=0
	while [ $i -lt 20 ]; do
		tail -n +2 "$vp"
		# The file has no final line end.
		echo
		i=$((i + 1))
	done
} >"$tmp/vp_x20.csv"
set -- "$@" "$tmp/vp_x20.csv"

now() { date +%s.%N; }

# best_of CMD...: the least wall time of $RUNS runs of CMD (a shell
# function that sets up and runs one import).
best_of() {
	best=
	r=0
	while [ $r -lt "$RUNS" ]; do
		t0=$(now)
		"$@"
		t1=$(now)
		t=$(echo "$t1 - $t0" | bc -l)
		if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then
			best=$t
		fi
		r=$((r + 1))
	done
	echo "$best"
}

run_ctm() {
	rm -f "$tmp/run.db" "$tmp/run.db-wal" "$tmp/run.db-shm"
	cp "$tmp/base.db" "$tmp/run.db"
	build/ctm import ctdc --db "$tmp/run.db" --dataset bench "$file" \
		>/dev/null 2>"$tmp/err" || { cat "$tmp/err"; exit 1; }
}

run_sqlite() {
	sqlite3 :memory: '.mode csv' ".import '$file' t" >/dev/null
}

printf '%-34s %9s %10s %12s %7s\n' file rows "ctm s" "sqlite3 s" ratio
for file in "$@"; do
	rows=$(($(wc -l <"$file")))
	[ -n "$(tail -c 1 "$file")" ] && rows=$((rows + 1))
	rows=$((rows - 1))
	c=$(best_of run_ctm)
	s=$(best_of run_sqlite)
	ratio=$(echo "$c / $s" | bc -l)
	printf '%-34s %9d %10.3f %12.3f %6.2fx\n' "$(basename "$file")" \
		"$rows" "$c" "$s" "$ratio"
done
echo "ctm: parse, check every cell against the codebook, BLAKE2b twice,"
echo "     store as dictionary-encoded columns in one transaction;"
echo "sqlite3: .import into an in-memory table of text columns, no checks."
