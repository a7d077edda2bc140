#!/bin/sh
# The operational pages under load: the demo, N synthetic cases (default
# 2000, or $1) made through ctm's storage by bench/gen_cases.c, and one
# Global Assistance Fund request for every fourth Bangkok case (a quarter
# of them approved), then wrk against the release server, each URL for
# $SECS seconds (default 5) on 2 threads and 8 connections, logged in.
# Baselines from the same run and the same server: /healthz (no session,
# no storage) and the case list page (/cases, the page every role opens
# first). Figures are requests per second; the ratio is the baseline's
# rate over the page's, so 2.0x means half as fast as the case list.
# Release build; a figure, not a test.
set -e
cd "$(dirname "$0")/.."
N=${1:-2000}
SECS=${SECS:-5}
command -v wrk >/dev/null || { echo "ops_bench: wrk missing"; exit 1; }
make -s build/ctm >/dev/null
libs=$(make -s --no-print-directory --eval 'print-libs: ; @echo $(LIBS)' print-libs)
cflags=$(make -s --no-print-directory \
	--eval 'print-cflags: ; @echo $(BASE_CFLAGS) $(REL_CFLAGS)' print-cflags)
objs=$(ls build/rel/*.o | grep -v '/main\.o$')
mkdir -p build/bench
# shellcheck disable=SC2086
${CC:-gcc} $cflags -o build/bench/gen_cases bench/gen_cases.c $objs $libs

tmp=$(mktemp -d)
srv=
cleanup() {
	[ -n "$srv" ] && kill "$srv" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
db=$tmp/ops.db
build/ctm demo --db "$db" >"$tmp/demo.out" 2>&1
echo "generating $N cases (gen_cases, real storage: sealed, indexed, audited)"
build/bench/gen_cases --db "$db" --n "$N" --seed 1
port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
build/ctm serve --db "$db" --listen "127.0.0.1:$port" --per-ip-connections 0 \
	>"$tmp/serve.log" 2>&1 &
srv=$!
i=0
until curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do
	i=$((i + 1)); [ $i -gt 100 ] && { cat "$tmp/serve.log"; exit 1; }
	sleep 0.1
done
PORT=$port DB="$db" node bench/ops_seed.mjs >"$tmp/seed.env"
. "$tmp/seed.env"

rate() { # rate COOKIE PATH: requests per second over $SECS seconds
	if [ -n "$1" ]; then
		wrk -t2 -c8 -d"${SECS}s" -H "Cookie: ctm_session=$1" \
			"http://127.0.0.1:$port$2" | awk '/^Requests\/sec/ { print $2 }'
	else
		wrk -t2 -c8 -d"${SECS}s" "http://127.0.0.1:$port$2" |
			awk '/^Requests\/sec/ { print $2 }'
	fi
}
base_h=$(rate "" /healthz)
base_c=$(rate "$MANAGER" /cases)
printf '%-48s %10s %9s\n' "$N cases, $FUNDS fund requests" "req/s" "vs /cases"
printf '%-48s %10.0f %9s\n' "baseline: /healthz" "$base_h" ""
printf '%-48s %10.0f %8.2fx\n' "baseline: /cases (manager, case list)" "$base_c" 1
row() { # row LABEL COOKIE PATH
	r=$(rate "$2" "$3")
	printf '%-48s %10.0f %8.2fx\n' "$1" "$r" "$(echo "$base_c / $r" | bc -l)"
}
row "/dashboard (caseworker)" "$CASEWORKER" /dashboard
row "/dashboard (office manager)" "$MANAGER" /dashboard
row "/dashboard (programme manager)" "$PROGRAMME" /dashboard
row "/fund (programme manager's queue)" "$PROGRAMME" /fund
row "/api/v1/fund-requests?state=submitted" "$PROGRAMME" "/api/v1/fund-requests?state=submitted"
row "/api/v1/fund/turnaround" "$PROGRAMME" /api/v1/fund/turnaround
row "/projects/$PROJECT (project page)" "$PROGRAMME" "/projects/$PROJECT"
row "/api/v1/visits/due (office manager)" "$MANAGER" /api/v1/visits/due
row "/cases/$CASE (case page, audited read)" "$MANAGER" "/cases/$CASE"
row "/api/v1/cases/$CASE/timeline" "$MANAGER" "/api/v1/cases/$CASE/timeline"
echo "ratio: the case list's rate over the page's (above 1: slower than"
echo "the case list). Every case read is audited, so the case page and the"
echo "timeline write one audit row per request."
