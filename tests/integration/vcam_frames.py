#!/usr/bin/python3
"""The frames a virtual camera must show, made without the daemon, and the
frames a reader got, cut by the size of one frame.

The test source is a function of the frame number: videotestsrc's SMPTE
75 % bars (no noise) scrolled by SPEED pixels per frame repeat every WIDTH / SPEED frames,
so the md5 of each frame of one period is the whole table and a dropped or
repeated frame is harmless.  Used on the host (PipeWire) and in the VM
(v4l2loopback); as a program: vcam_frames.py W H SPEED FPS OUT writes the
table for the VM test."""
import hashlib
import os
import subprocess
import sys
import tempfile

FILTER = 'vfboxblur name=b kernel-width=3 kernel-height=3'


def source(w, h, speed, fps, live=True):
    """The daemon's source (a gst: description)."""
    return (f'gst:videotestsrc is-live={"true" if live else "false"} '
            f'pattern=smpte75 horizontal-speed={speed} ! capsfilter '
            f'caps=video/x-raw,format=I420,width={w},height={h},'
            f'framerate={fps}/1')


def frame_size(w, h):
    return w * h * 2            # YUY2


def reference(w, h, speed, fps):
    """md5 of every frame of one period, as the camera's YUY2."""
    n = w // speed
    with tempfile.NamedTemporaryFile(suffix='.yuy2') as f:
        desc = (source(w, h, speed, fps, live=False)[4:] +
                f' ! {FILTER} ! videoconvert ! video/x-raw,format=YUY2 ! '
                f'filesink location={f.name}')
        args = desc.replace('num-buffers', '').split()
        args.insert(1, f'num-buffers={n}')
        subprocess.run(['gst-launch-1.0', '-q', *args], check=True,
                       timeout=300)
        return set(hashes(f.name, w, h))


def hashes(path, w, h):
    """md5 of each whole frame in a file of frames back to back."""
    fs = frame_size(w, h)
    out = []
    with open(path, 'rb') as f:
        while True:
            b = f.read(fs)
            if len(b) < fs:
                break
            out.append(hashlib.md5(b).hexdigest())
    return out


def longest_run(got, ref):
    """The longest run of consecutive frames found in the table."""
    best = run = 0
    for h in got:
        run = run + 1 if h in ref else 0
        best = max(best, run)
    return best


def load(path):
    with open(path) as f:
        return {line.strip() for line in f if line.strip()}


if __name__ == '__main__':
    w, h, speed, fps = map(int, sys.argv[1:5])
    table = reference(w, h, speed, fps)
    with open(sys.argv[5], 'w') as f:
        f.write('\n'.join(sorted(table)) + '\n')
    print(f'{len(table)} reference frames {w}x{h} in '
          f'{os.path.basename(sys.argv[5])}')
