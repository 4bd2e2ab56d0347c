#!/bin/sh
# The virtual camera in the VM (tests/vm/vcam.sh.in), with its reference
# frames made here on the host, without the daemon: the md5 of every frame
# of the test pattern through the same filter, one table per size, in the
# VM's /tmp/out.
# Usage: tests/vm/vcam.sh SCRIPT (environment: GST_PLUGIN_PATH, VM_*)
set -eu
SCRIPT=$1
here=$(dirname "$0")
out=$(mktemp -d /var/tmp/vm-out.XXXXXX)
for size in "320 240 4 5" "1280 720 16 1"; do
  set -- $size
  /usr/bin/python3 "$here/../integration/vcam_frames.py" "$@" \
    "$out/ref-$1x$2.txt"
done
cp "$here/../integration/vcam_frames.py" "$out/"
VM_V4L2LOOPBACK=1 exec "$here/run-vm.sh" "$SCRIPT" "$out"
