#!/bin/sh
# Statistics over the live caseload: N synthetic cases (default 2000, or
# $1) made through ctm's storage by bench/gen_cases.c, then the time of
# `ctm stats --by gender --by citizenship` on them (every case file
# opened and projected), beside baselines from the same run: the sqlite3
# shell's GROUP BY over the cases table (no case file read), and the
# sqlite3 shell reading every sealed case file (the same bytes, neither
# decrypted nor parsed). Each figure is the best of $RUNS runs (default
# 3), in seconds. When `ctm export ctdc` is wired into the command line,
# its time on the same caseload too. Release build; a figure, not a test.
set -e
cd "$(dirname "$0")/.."
N=${1:-2000}
RUNS=${RUNS:-3}
command -v sqlite3 >/dev/null || { echo "cases_bench: sqlite3 shell missing"; exit 1; }
make -s build/ctm >/dev/null
libs=$(make -s --no-print-directory --eval 'print-libs: ; @echo $(LIBS)' print-libs)
cflags=$(make -s --no-print-directory \
	--eval 'print-cflags: ; @echo $(BASE_CFLAGS) $(REL_CFLAGS)' print-cflags)
objs=$(ls build/rel/*.o | grep -v '/main\.o$')
mkdir -p build/bench
# shellcheck disable=SC2086
${CC:-gcc} $cflags -o build/bench/gen_cases bench/gen_cases.c $objs $libs

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
db=$tmp/cases.db
build/ctm init --db "$db" >/dev/null 2>&1
for o in "BKK Bangkok TH" "BOG Bogota CO" "KBP Kyiv UA" "ACC Accra GH"; do
	set -- $o
	build/ctm office add --db "$db" --code "$1" --name "$2" --country "$3" \
		>/dev/null 2>&1
done
echo "generating $N cases (gen_cases, real storage: sealed, indexed, audited)"
build/bench/gen_cases --db "$db" --n "$N" --seed 1

now() { date +%s.%N; }

# best_of CMD...: the least wall time of $RUNS runs of CMD.
best_of() {
	best=
	r=0
	while [ $r -lt "$RUNS" ]; do
		t0=$(now)
		"$@" >/dev/null 2>&1 || { echo "cases_bench: $* failed" >&2; exit 1; }
		t1=$(now)
		t=$(echo "$t1 - $t0" | bc -l)
		if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then
			best=$t
		fi
		r=$((r + 1))
	done
	echo "$best"
}

run_stats() {
	build/ctm stats --db "$db" --by gender --by citizenship
}
run_groupby() {
	sqlite3 "$db" 'SELECT count(*) FROM cases GROUP BY office_id'
}
run_blobs() {
	sqlite3 "$db" 'SELECT count(*), sum(length(hex(file))) FROM cases'
}
run_export() {
	build/ctm export ctdc --db "$db" --output "$tmp/out.csv"
}

st=$(best_of run_stats)
gb=$(best_of run_groupby)
bl=$(best_of run_blobs)
printf '%-52s %9s %8s\n' "$N cases" seconds ratio
printf '%-52s %9.4f %8s\n' "ctm stats --by gender --by citizenship" "$st" ""
printf '%-52s %9.4f %7.1fx\n' "baseline: sqlite3 GROUP BY office_id on cases" \
	"$gb" "$(echo "$st / $gb" | bc -l)"
printf '%-52s %9.4f %7.1fx\n' "baseline: sqlite3 reading every sealed case file" \
	"$bl" "$(echo "$st / $bl" | bc -l)"
if build/ctm export ctdc --help >/dev/null 2>&1; then
	ex=$(best_of run_export)
	printf '%-52s %9.4f %7.1fx\n' "ctm export ctdc (k = 10), vs GROUP BY" \
		"$ex" "$(echo "$ex / $gb" | bc -l)"
fi
echo "ratio: ctm's time over the baseline's. ctm stats opens (XChaCha20-"
echo "Poly1305) and parses every case file, projects it onto the research"
echo "variables and counts; the GROUP BY reads the cases table only."
