#!/usr/bin/python3
"""The frames a virtual camera must show, made without the daemon, and the
frames a reader got, cut by the size of one frame.

The test source is a function of the frame number: videotestsrc's SMPTE
75 % bars (no noise) scrolled by SPEED pixels per frame repeat every WIDTH / SPEED frames,
so the md5 of each frame of one period, in frame order, is the whole table
and a dropped or repeated frame is harmless.  Used on the host (PipeWire) and in the VM
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
    """md5 of every frame of one period, as the camera's YUY2, in frame
    order (the table's index of a frame is its number in the period)."""
    n = w // speed
    with tempfile.NamedTemporaryFile(suffix='.yuy2') as f:
        desc = (source(w, h, speed, fps, live=False)[4:] +
                f' ! {FILTER} ! videoconvert ! video/x-raw,format=YUY2 ! '
                f'filesink location={f.name}')
        args = desc.replace('num-buffers', '').split()
        args.insert(1, f'num-buffers={n}')
        subprocess.run(['gst-launch-1.0', '-q', *args], check=True,
                       timeout=300)
        return hashes(f.name, w, h)


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


def late_frames(got, table, ring):
    """The frames in no table that a reader held while the writer went
    round the whole ring of RING buffers: v4l2loopback does not hold a
    dequeued buffer, so such a frame may be half overwritten.  A stretch of
    bad frames counts as late when the good frames around it are at least
    RING + its length frame numbers apart (the table's order is the frame
    number in the period)."""
    pos = {}
    for i, x in enumerate(table):
        pos.setdefault(x, i)
    late, i = [], 0
    while i < len(got):
        if got[i] in pos:
            i += 1
            continue
        j = i
        while j < len(got) and got[j] not in pos:
            j += 1
        if i > 0 and j < len(got):
            gap = (pos[got[j]] - pos[got[i - 1]]) % len(table)
            if gap >= ring + (j - i):
                late.extend(range(i, j))
        i = j
    return late


def judge(got, table, ring, want):
    """(ok, text): at least WANT consecutive frames in the table once the
    late frames (late_frames, at most two) are left out; the text says what
    was read."""
    bad = [i for i, x in enumerate(got) if x not in table]
    late = late_frames(got, table, ring)
    run = longest_run([x for i, x in enumerate(got) if i not in late], table)
    text = (f'{run} consecutive bit-exact of {len(got) - len(late)}'
            + (f'; not in the table: frames {bad}' if bad else '')
            + (f'; of them read while the writer went round the ring of '
               f'{ring}: {late}' if late else ''))
    return run >= want and len(late) <= 2, text


def load(path):
    """The table a file holds, in its order."""
    with open(path) as f:
        return [line.strip() for line in f if line.strip()]


if __name__ == '__main__':
    w, h, speed, fps = map(int, sys.argv[1:5])
    table = reference(w, h, speed, fps)
    with open(sys.argv[5], 'w') as f:
        f.write('\n'.join(table) + '\n')
    print(f'{len(table)} reference frames {w}x{h} in '
          f'{os.path.basename(sys.argv[5])}')
