#!/bin/sh
# Builds the libFuzzer targets (clang, -fsanitize=fuzzer,address,undefined),
# replays the seed corpus of each (tests/fuzz/corpus/TARGET: a crash found
# becomes a file there), then fuzzes each: RUNS inputs from a fixed seed
# (what meson test does: the same inputs every time, so a pass is a pass),
# or for SECONDS from a random seed with --time (tools/fuzz).
# Usage: run.sh SOURCE_ROOT BUILD_DIR [RUNS | --time SECONDS]
set -u
root=$1 build=$2
if [ "${3:-}" = "--time" ]; then
  limit="-max_total_time=${4:-60}" what="${4:-60} s"
else
  limit="-seed=1 -runs=${3:-3000}" what="${3:-3000} inputs (seed 1)"
fi
here=$root/tests/fuzz
out=$build/fuzz
targets="config description kernel set"

command -v clang >/dev/null 2>&1 || {
  echo "SKIP: clang is not installed (tools/install-deps installs clang and libclang-rt-14-dev)"; exit 77; }
mkdir -p "$out"
printf 'int LLVMFuzzerTestOneInput(const char*d,unsigned long n){return 0;}\n' > "$out/probe.c"
clang -fsanitize=fuzzer "$out/probe.c" -o "$out/probe" 2>/dev/null || {
  echo "SKIP: clang cannot link libFuzzer (libclang-rt-14-dev is missing)"; exit 77; }

pkgs="gstreamer-1.0 gstreamer-app-1.0 gstreamer-video-1.0 gstreamer-rtsp-server-1.0 gio-2.0 gio-unix-2.0 libv4l2"
cflags="$(pkg-config --cflags $pkgs) -I$root/daemon -I$root/plugins/gst -I$build/daemon -I$here \
  -D_GNU_SOURCE -DG_LOG_DOMAIN=\"vfilterd\" -g -O1 \
  -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined"
libs=$(pkg-config --libs $pkgs)
objs=""
# (an object older than its source or than any daemon header is rebuilt: a
# struct that changed must not be linked in its old shape)
newest_h=$(ls -t "$root"/daemon/*.h | head -n 1)
for src in vfd-caps vfd-config vfd-filters vfd-uri vfd-policy vfd-devices vfd-props \
    vfd-outlet vfd-ratelimit vfd-sinks vfd-metrics vfd-rtsp vfd-encoder; do
  if [ ! -f "$out/$src.o" ] || [ "$root/daemon/$src.c" -nt "$out/$src.o" ] ||
      [ "$newest_h" -nt "$out/$src.o" ]; then
    # shellcheck disable=SC2086
    clang $cflags -c "$root/daemon/$src.c" -o "$out/$src.o" || exit 1
  fi
  objs="$objs $out/$src.o"
done
for t in $targets; do
  # shellcheck disable=SC2086
  clang $cflags -fsanitize=fuzzer "$here/fuzz-$t.c" $objs -o "$out/fuzz-$t" \
    $libs || exit 1
done

export GST_PLUGIN_PATH="$build/plugins/gst"
export GST_REGISTRY_1_0="$out/registry.bin"
# GStreamer keeps its registry and types for the process: not leaks
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
status=0
for t in $targets; do
  corpus=$here/corpus/$t
  n=$(ls "$corpus" | wc -l)
  if "$out/fuzz-$t" -runs=0 "$corpus" > "$out/$t.log" 2>&1; then
    echo "ok - $t: the $n corpus files replay cleanly"
  else
    echo "FAIL - $t: a corpus file fails"; tail -n 30 "$out/$t.log"; status=1
    continue
  fi
  work=$(mktemp -d)
  # shellcheck disable=SC2086
  if "$out/fuzz-$t" $limit -timeout=20 -rss_limit_mb=4096 \
      -artifact_prefix="$out/$t-" "$work" "$corpus" > "$out/$t-run.log" 2>&1; then
    echo "ok - $t: fuzzed, $what"
  else
    echo "FAIL - $t: fuzzing found a crash (input in $out/$t-*; add it to $corpus)"
    tail -n 40 "$out/$t-run.log"; status=1
  fi
  rm -rf "$work"
done
exit $status
