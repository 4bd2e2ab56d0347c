#!/usr/bin/python3
"""The daemon's cost end to end (tools/daemon-bench runs this on a private
session bus): one 1280x720 30 fps camera-like source through a webcam
denoising chain to a sink that keeps the camera's format, in vfilterd;
the CPU time the daemon spends per second of video and the frames it
delivers and drops; and beside it the same chain run by OpenCV 4.6 on the
same frames (see run_stock: GStreamer has no working stock bilateral).

The source replays 16 frames made once beforehand (SMPTE bars scrolling
under 12 % of sensor-like noise), a file each, paced by the sink's clock (fakesink sync=true; a frame later than 20 ms is dropped and
counted, as a display or an encoder fed live would).  The figure is the
median of --rounds runs of --seconds each."""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

import capacity

CHAIN = ('vfbilateral name=denoise mode=fast diameter=15 sigma-color=30 ! '
         'vfgaussianblur name=soften sigma=1')
W, H = 1280, 720


def make_clip(tmp, fmt):
    """16 frames, one file each (a clip read as one buffer larger than
    glibc's 32 MB mmap threshold is mapped and faulted in again at every
    loop: 0.6 cores of page faults for 720p ABGR on these machines)."""
    clip = os.path.join(tmp, f'clip.{fmt.lower()}')
    caps = f'video/x-raw,width={W},height={H},framerate=30/1'
    subprocess.run(
        ['gst-launch-1.0', '-q', 'compositor', 'name=comp',
         'sink_1::alpha=0.12', '!', caps, '!', 'videoconvert', '!',
         f'video/x-raw,format={fmt}', '!', 'filesink', f'location={clip}',
         'videotestsrc', 'num-buffers=16', 'pattern=smpte',
         'horizontal-speed=3', '!', caps, '!', 'comp.sink_0', 'videotestsrc',
         'num-buffers=16', 'pattern=snow', '!', caps, '!', 'comp.sink_1'],
        check=True)
    with open(clip, 'rb') as f:
        data = f.read()
    n = len(data) // 16
    for i in range(16):
        with open(f'{clip}.{i}', 'wb') as f:
            f.write(data[i * n:(i + 1) * n])
    return clip


def source(clip, fmt):
    return (f'multifilesrc location={clip}.%d stop-index=15 loop=true ! '
            f'rawvideoparse width={W} height={H} format={fmt.lower()} '
            'framerate=30/1')


def sink(fmt):
    return (f'capsfilter caps=video/x-raw,format={fmt} ! fakesink sync=true '
            'qos=true max-lateness=20000000')


def run_daemon(args, tmp, fmt, clip, chain):
    conf = os.path.join(tmp, f'bench-{fmt}.conf')
    with open(conf, 'w') as f:
        f.write(f'[pipeline cam]\nsource=gst:{source(clip, fmt)}\n'
                + (f'filters={chain}\n' if chain else '')
                + f'sink=gst:{sink(fmt)}\n')
    d = subprocess.Popen([capacity.VFILTERD, '--session', '--config', conf],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         text=True)
    try:
        end = time.time() + 20
        while time.time() < end and "'playing'" not in capacity.prop(
                'cam', 'State'):
            time.sleep(0.2)
        time.sleep(args.settle)
        d0 = max(capacity.counter('cam', 'FramesDropped'), 0)
        c0 = capacity.cpu_seconds(d.pid)
        f0, t0 = capacity.fresh('cam')
        time.sleep(args.seconds)
        f1, t1 = capacity.fresh('cam')
        c1 = capacity.cpu_seconds(d.pid)
        d1 = max(capacity.counter('cam', 'FramesDropped'), 0)
        return (c1 - c0) / (t1 - t0), (f1 - f0) / (t1 - t0), d1 - d0
    finally:
        capacity.stop(d)


def run_stock(args, fmt, clip):
    """The same chain with OpenCV 4.6 (python3-opencv), as an application
    would run it on the camera's frames: to BGR, cv2.bilateralFilter(15,
    30, 75), cv2.GaussianBlur(7x7, 1), back to the camera's format where
    OpenCV can (YUY2: it cannot; that conversion is left out, in OpenCV's
    favour).  GStreamer has no working stock bilateral: cvsmooth
    type=bilateral (gstreamer1.0-opencv 1.22) fails every frame (it filters
    in place, which cv::bilateralFilter refuses).  Frames as fast as they
    go, OpenCV's default threads: CPU per frame x 30 is the CPU per second
    of video; frames/s is what it can deliver, at most 30."""
    code = f'''
import os, time
import cv2, numpy as np
W, H, fmt = {W}, {H}, {fmt!r}
size = {{"YUY2": W * H * 2, "ABGR": W * H * 4, "I420": W * H * 3 // 2}}[fmt]
data = open({clip!r}, "rb").read()
frames = [np.frombuffer(data, np.uint8, size, i * size)
          for i in range(len(data) // size)]
def one(f):
    if fmt == "YUY2":
        bgr = cv2.cvtColor(f.reshape(H, W, 2), cv2.COLOR_YUV2BGR_YUY2)
    elif fmt == "ABGR":
        bgr = np.ascontiguousarray(f.reshape(H, W, 4)[:, :, 1:4])
    else:
        bgr = cv2.cvtColor(f.reshape(H * 3 // 2, W), cv2.COLOR_YUV2BGR_I420)
    out = cv2.GaussianBlur(cv2.bilateralFilter(bgr, 15, 30, 75), (7, 7), 1)
    if fmt == "ABGR":
        back = f.reshape(H, W, 4).copy()
        back[:, :, 1:4] = out
        return back
    if fmt == "I420":
        return cv2.cvtColor(out, cv2.COLOR_BGR2YUV_I420)
    return out
for f in frames[:3]:
    one(f)
n, c0, t0 = 0, sum(os.times()[:2]), time.time()
while time.time() - t0 < {args.seconds}:
    one(frames[n % len(frames)])
    n += 1
c1, t1 = sum(os.times()[:2]), time.time()
print(30 * (c1 - c0) / n, min(30.0, n / (t1 - t0)), 0)
'''
    r = subprocess.run(['/usr/bin/python3', '-c', code], capture_output=True,
                       text=True, timeout=args.seconds + 120)
    try:
        cores, fps, dropped = r.stdout.split()
        return float(cores), float(fps), int(dropped)
    except ValueError:
        raise RuntimeError(f'OpenCV chain failed: {r.stderr[-800:]}')


def have_opencv():
    return subprocess.run(['/usr/bin/python3', '-c', 'import cv2'],
                          capture_output=True).returncode == 0


def median_row(runs):
    return tuple(statistics.median(r[i] for r in runs) for i in range(3))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--seconds', type=float, default=10)
    ap.add_argument('--settle', type=float, default=3)
    ap.add_argument('--rounds', type=int, default=3)
    ap.add_argument('--formats', default='YUY2,ABGR,I420')
    ap.add_argument('--chain', default=CHAIN)
    ap.add_argument('--no-stock', action='store_true')
    args = ap.parse_args()
    stock = not args.no_stock and have_opencv()
    print(f'# {os.cpu_count()} CPUs; {W}x{H} at 30 fps; chain: {args.chain}; '
          f'median of {args.rounds} x {args.seconds:g} s')
    if not stock:
        print('# OpenCV chain left out: python3-opencv missing or '
              '--no-stock')
    print('| input | pipeline | CPU per second of video (cores) | of which '
          'the filters | frames/s | dropped |')
    print('|---|---|---:|---:|---:|---:|')
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in args.formats.split(','):
            clip = make_clip(tmp, fmt)
            # the source and sink alone: reading the frames from files
            # costs what a camera's DMA does not
            base = median_row([run_daemon(args, tmp, fmt, clip, None)
                               for _ in range(args.rounds)])
            runs = [run_daemon(args, tmp, fmt, clip, args.chain)
                    for _ in range(args.rounds)]
            cores, fps, dropped = median_row(runs)
            print(f'| {fmt} | vfilterd, no filters (source and sink) | '
                  f'{base[0]:.2f} | — | {base[1]:.1f} | {base[2]:.0f} |')
            print(f'| {fmt} | vfilterd | {cores:.2f} | '
                  f'{max(cores - base[0], 0):.2f} | {fps:.1f} | '
                  f'{dropped:.0f} |', flush=True)
            if stock:
                runs = [run_stock(args, fmt, clip)
                        for _ in range(args.rounds)]
                cores, fps, dropped = median_row(runs)
                print(f'| {fmt} | OpenCV 4.6 (same chain, frames as fast as '
                      f'they go) | {cores:.2f} | {cores:.2f} | {fps:.1f} | — |',
                      flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
