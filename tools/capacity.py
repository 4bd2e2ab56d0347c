#!/usr/bin/python3
"""The capacity figure of the README (tools/capacity runs this on a private
session bus): N pipelines, each a 1280x720 30 fps I420 camera-like source, a
webcam filter chain and sink=rtsp-server: (H.264 encoded whether or not a
client watches), in one vfilterd.  The source replays a clip made once
beforehand (16 frames of SMPTE bars scrolling under 12 % of sensor-like
noise: the encoder and the denoiser get a camera's work, and the source
costs about what reading a camera costs, not the noise generator's time)
over and over without a seek (multifilesrc), paced by the sink's clock.  For N = 1, 2, … it waits for the pipelines to settle, then
counts each one's frames over --seconds from D-Bus, and the daemon's CPU
time from /proc.  A host "holds" N cameras when every pipeline delivers
at least 29.5 frames/s and none dropped a frame."""
import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

VFILTERD = os.environ['VFILTERD']


def prop(name, p):
    r = subprocess.run(
        ['gdbus', 'call', '--session', '--dest', 'org.vfilterd.VFilter1',
         '--object-path', f'/org/vfilterd/VFilter1/pipeline/{name}',
         '--method', 'org.freedesktop.DBus.Properties.Get',
         'org.vfilterd.VFilter1.Pipeline', p],
        capture_output=True, text=True)
    return r.stdout


def counter(name, p):
    m = re.search(r'(\d+)>', prop(name, p))
    return int(m.group(1)) if m else -1


def fresh(name):
    """(FramesProcessed, time) just after D-Bus published a new count (once
    a second): a rate from two of them is not off by a second's frames"""
    n0 = counter(name, 'FramesProcessed')
    end = time.time() + 3
    while time.time() < end:
        n = counter(name, 'FramesProcessed')
        if n != n0:
            return n, time.time()
        time.sleep(0.01)
    return n0, time.time()


def cpu_seconds(pid):
    with open(f'/proc/{pid}/stat') as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def make_clip(tmp):
    clip = os.path.join(tmp, 'clip.yuv')
    caps = 'video/x-raw,width=1280,height=720,framerate=30/1'
    subprocess.run(
        ['gst-launch-1.0', '-q', 'compositor', 'name=comp',
         'sink_1::alpha=0.12', '!', caps + ',format=I420', '!', 'filesink',
         f'location={clip}', 'videotestsrc', 'num-buffers=16',
         'pattern=smpte', 'horizontal-speed=3', '!', caps, '!', 'comp.sink_0',
         'videotestsrc', 'num-buffers=16', 'pattern=snow', '!', caps, '!',
         'comp.sink_1'], check=True)
    return clip


def run(n, args, tmp):
    conf = os.path.join(tmp, f'cap{n}.conf')
    with open(conf, 'w') as f:
        f.write(f'[server]\nrtsp=127.0.0.1:{free_port()}\n\n')
        for i in range(n):
            f.write(f'[pipeline cam{i}]\n'
                    f'source=gst:multifilesrc location={args.clip} ! '
                    'rawvideoparse width=1280 height=720 format=i420 '
                    'framerate=30/1\n'
                    f'filters={args.chain}\n'
                    f'encoder={args.encoder}\nsink=rtsp-server:\n\n')
    d = subprocess.Popen([VFILTERD, '--session', '--config', conf],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         text=True)
    try:
        names = [f'cam{i}' for i in range(n)]
        end = time.time() + 20
        while time.time() < end and not all(
                "'playing'" in prop(x, 'State') for x in names):
            time.sleep(0.2)
        time.sleep(args.settle)
        c0, t0 = cpu_seconds(d.pid), time.time()
        f0 = {x: fresh(x) for x in names}
        time.sleep(args.seconds)
        f1 = {x: fresh(x) for x in names}
        c1, t1 = cpu_seconds(d.pid), time.time()
        dropped = sum(max(counter(x, 'FramesDropped'), 0) for x in names)
        fps = [(f1[x][0] - f0[x][0]) / (f1[x][1] - f0[x][1]) for x in names]
        return min(fps), sum(fps) / n, dropped, (c1 - c0) / (t1 - t0)
    finally:
        stop(d)


def stop(d):
    d.terminate()
    try:
        d.wait(15)
    except subprocess.TimeoutExpired:
        d.kill()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--start', type=int, default=1,
                    help='first number of cameras to try (the ones below '
                    'are assumed held)')
    ap.add_argument('--max', type=int, default=12)
    ap.add_argument('--seconds', type=float, default=20)
    ap.add_argument('--settle', type=float, default=5)
    ap.add_argument('--chain', default='vftemporal name=denoise ! '
                    'vfgaussianblur name=soften sigma=1')
    ap.add_argument('--encoder', default='auto')
    args = ap.parse_args()
    print(f'# {os.cpu_count()} CPUs; chain: {args.chain}; encoder='
          f'{args.encoder}; {args.seconds:g} s per step')
    print('| cameras | slowest fps | mean fps | dropped | daemon CPU '
          '(cores) | holds |')
    print('|---:|---:|---:|---:|---:|---|')
    held = args.start - 1
    with tempfile.TemporaryDirectory() as tmp:
        args.clip = make_clip(tmp)
        for n in range(args.start, args.max + 1):
            lo, mean, dropped, cores = run(n, args, tmp)
            ok = lo >= 29.5 and dropped == 0
            print(f'| {n} | {lo:.1f} | {mean:.1f} | {dropped} | {cores:.2f} '
                  f'| {"yes" if ok else "no"} |', flush=True)
            if not ok:
                break
            held = n
    print(f'\ncapacity: {held} camera(s) of 1280x720 at 30 fps')
    return 0


if __name__ == '__main__':
    sys.exit(main())
