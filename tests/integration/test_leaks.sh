#!/bin/sh
# Create and remove 60 pipelines on the AddressSanitizer build of vfilterd,
# with GStreamer's leaks tracer: no memory error, no leaked allocation, no
# GStreamer object alive at exit.  Run under dbus-run-session.
# GLib's deliberately leaked quark blocks are suppressed (lsan.supp says
# why) and this script checks the suppressions matched nothing else; a
# failure prints LeakSanitizer's whole report, with symbols.
# Usage: test_leaks.sh VFILTERD_ASAN VFILTERCTL LSAN_SUPPRESSIONS
set -u
daemon=$1 ctl=$2 supp=$3
out=$(mktemp) conf=$(mktemp --suffix=.conf)
trap 'rm -f "$out" "$conf"' EXIT
printf '[pipeline base]\nsource=test:\nsink=null\nfilters=vfboxblur name=b\n' > "$conf"

# whole stacks (GLib has no frame pointers: the fast unwinder stops in it,
# and the suppressions need the frames below)
symbolizer=$(command -v llvm-symbolizer || true)
if [ -n "$symbolizer" ]; then export ASAN_SYMBOLIZER_PATH="$symbolizer"; fi
GST_TRACERS=leaks GST_DEBUG=GST_TRACER:7 \
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:fast_unwind_on_malloc=0 \
  LSAN_OPTIONS=suppressions=$supp:print_suppressions=1 \
  "$daemon" --session --config "$conf" > "$out" 2>&1 &
pid=$!
i=0
while ! "$ctl" --session list >/dev/null 2>&1; do
  i=$((i + 1)); [ $i -gt 100 ] && { echo "FAIL - daemon did not start"; cat "$out"; exit 1; }
  sleep 0.1
done

fails=0
for i in $(seq 1 60); do
  "$ctl" --session create "p$i" source=test: sink=null \
    'filters=vfboxblur name=b kernel-width=5 ! vfgaussianblur name=g sigma=2' >/dev/null || fails=$((fails + 1))
  "$ctl" --session delete "p$i" || fails=$((fails + 1))
done
kill -TERM $pid
wait $pid
status=$?

pass=0 fail=0
t () { if [ "$1" = 0 ]; then echo "ok - $2"; pass=$((pass + 1)); else echo "FAIL - $2"; fail=$((fail + 1)); fi; }
t "$fails" "60 pipelines created and removed ($fails failed calls)"
t "$status" "the daemon exits cleanly (status $status)"
grep -q "ERROR: AddressSanitizer" "$out"; t $((1 - $?)) "no AddressSanitizer error"
grep -qE "(Direct|Indirect) leak" "$out"; t $((1 - $?)) "no leaked allocation (LeakSanitizer)"
# "count bytes template" lines of LeakSanitizer's "Suppressions used"
bad_supp=$(sed -n '/Suppressions used:/,/^---/p' "$out" | awk '
  $3 == "_dl_init" && !($1 == 1 && $2 == 16384) { print }
  $3 ~ /^g_(quark|intern)_/ {
    b = $2 / 16384; while (b > 1 && b % 2 == 0) b /= 2
    if ($2 % 16384 != 0 || b != 1 || $1 != 1) print }')
t "$([ -z "$bad_supp" ] && echo 0 || echo 1)" "the suppressions hid only GLib's quark blocks${bad_supp:+: $bad_supp}"
sed -n '/Suppressions used:/,/^---/p' "$out" | sed 's/^/# /' 
alive=$(grep "object-alive, type-name" "$out" | grep -vc "gst_tracer_record_build_format")
t "$alive" "no GStreamer object alive at exit ($alive)"
if [ "$fail" -ne 0 ]; then
  # the reports whole: stacks symbolised
  sed -n '/ERROR: AddressSanitizer/,/^SUMMARY/p; /ERROR: LeakSanitizer/,/^SUMMARY/p' "$out" | head -200
  grep "object-alive, type-name" "$out" | head -20
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
