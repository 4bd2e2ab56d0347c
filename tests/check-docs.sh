#!/bin/sh
# The man pages say what the programs do: every vfilterctl command and every
# vfilterd option of --help is in its page, every configuration key in
# vfilterd.conf(5); the pages built from them render without a warning.
# Usage: check-docs.sh SOURCE_ROOT BUILD_DIR
set -u
root=$1 build=$2
status=0
fail () { echo "FAIL - $*"; status=1; }

ctl_page=$root/daemon/man/vfilterctl.1.scd
for cmd in $("$build"/daemon/vfilterctl --help 2>&1 |
    sed -n '/^Commands:/,$p' | sed -n 's/^  \([a-z|]*\).*/\1/p' | tr '|' ' '); do
  grep -q "\*$cmd\*" "$ctl_page" || fail "vfilterctl.1 lacks the command '$cmd'"
done
d_page=$root/daemon/man/vfilterd.8.scd
for opt in $("$build"/daemon/vfilterd --help 2>&1 |
    sed -n '/^Application Options:/,$p' | grep -o -- '--[a-z-]*'); do
  grep -q -- "\*$opt\*" "$d_page" || fail "vfilterd.8 lacks the option '$opt'"
done
conf_page=$root/config/vfilterd.conf.5.scd
for key in source caps filters sink standby encoder loop file-dirs dbus-gst metrics rtsp; do
  grep -q "^\*$key\*" "$conf_page" || fail "vfilterd.conf.5 lacks the key '$key'"
done

if [ -f "$build/daemon/vfilterctl.1" ] && command -v man >/dev/null 2>&1; then
  for page in vfilterctl.1 vfilterd.8 vfilterd.conf.5; do
    warnings=$(MANWIDTH=80 man --warnings -l "$build/daemon/$page" 2>&1 >/dev/null)
    [ -z "$warnings" ] || fail "$page renders with warnings: $warnings"
  done
else
  echo "# the built pages are not rendered: scdoc or man is missing"
fi
[ $status -eq 0 ] && echo "the man pages cover every command, option and key"
exit $status
