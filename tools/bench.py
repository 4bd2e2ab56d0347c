#!/usr/bin/python3
"""vfilterd benchmark: each element's kernel against the matching OpenCV 4.6
call, on the same frames, with the same thread count, interleaved in one run;
then each element inside a pipeline (vf-element-bench: a GstHarness fed
four copies of the frame in turn) with the same thread count, in the same
run, beside the kernel's figure and the OpenCV call on the same four
copies.

Usage: tools/bench [--threads N] [--rounds N] [--quick] [--markdown]
                   [--only temporal|nlmeans]
(tools/bench builds the tree first; this script expects VFK_PY_LIB and
GST_PLUGIN_PATH.)

The temporal denoiser is timed as users run it: vftemporal inside a
pipeline (vf-element-bench: a GstHarness with real pads, negotiation and
buffer pool, fed frames read beforehand, minus the same with identity),
against FFmpeg's hqdn3d and atadenoise on the same frames (ffmpeg
-benchmark, minus -vf null), with the same thread count.

Non-local means is timed as a kernel against cv2.fastNlMeansDenoising
(1080p gray, OpenCV's defaults) and as vfnlmeans in a pipeline on I420 at
the real-time settings against OpenCV on the same three planes.

Prints ms/frame (median over rounds) for both and the ratio
OpenCV/vfilterd (> 1: vfilterd is faster)."""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import cv2
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'tests', 'oracle'))
from images import natural  # noqa: E402
from vfk import Vfk  # noqa: E402


def timeit(fn):
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1000.0


def run_case(ours, theirs, rounds):
    ours()
    theirs()  # warm caches, pools, kernels
    a, b = [], []
    for i in range(rounds):
        # alternate the order so neither side always runs second
        if i % 2:
            a.append(timeit(ours))
            b.append(timeit(theirs))
        else:
            b.append(timeit(theirs))
            a.append(timeit(ours))
    return statistics.median(a), statistics.median(b)


def element_ms(fmt, w, h, src, rounds, desc):
    """Median ms/frame of an element in a pipeline (vf-element-bench: a
    GstHarness fed the frames of src, read beforehand), and of identity."""
    r = subprocess.run([os.environ['VF_ELEMENT_BENCH'], fmt, str(w), str(h),
                        src, str(rounds), desc],
                       check=True, capture_output=True, text=True)
    ours, base = map(float, r.stdout.split())
    return ours, base


def ffmpeg_seconds(src, w, h, vf, threads):
    r = subprocess.run(
        ['ffmpeg', '-hide_banner', '-benchmark', '-filter_threads',
         str(threads), '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s',
         f'{w}x{h}', '-r', '30', '-i', src, '-vf', vf, '-f', 'null', '-'],
        check=True, capture_output=True, text=True)
    return float(re.search(r'rtime=([\d.]+)s', r.stderr)[1])


def temporal_rows(args):
    """ms/frame of the temporal denoisers in a pipeline, 1920x1080 I420."""
    w, h, n = 1920, 1080, 60
    rng = np.random.default_rng(3)
    base = cv2.cvtColor(natural(h, w, 3, seed=21), cv2.COLOR_BGR2YUV_I420)
    rows = []
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, 'clip.yuv')
        with open(src, 'wb') as f:
            for i in range(n):
                noise = rng.normal(0, 10, base.shape)
                f.write(np.clip(base + noise, 0, 255).astype(np.uint8)
                        .tobytes())
        ours = f'vftemporal n-threads={args.threads}'
        runs = {k: [] for k in ('vftemporal', 'null', 'hqdn3d',
                                'atadenoise')}
        have_ffmpeg = shutil.which('ffmpeg') is not None
        for _ in range(max(args.rounds // 3, 3)):
            a, base = element_ms('I420', w, h, src, 3, ours)
            runs['vftemporal'].append((a - base) * n / 1000)
            if have_ffmpeg:
                for vf in ('null', 'hqdn3d', 'atadenoise'):
                    runs[vf].append(ffmpeg_seconds(src, w, h, vf,
                                                   args.threads))
        med = {k: statistics.median(v) * 1000 / n for k, v in runs.items()
               if v}
        ours_ms = med['vftemporal']
        frame = '1920x1080 I420'
        if have_ffmpeg:
            for ref in ('hqdn3d', 'atadenoise'):
                rows.append((frame, f'vftemporal (pipeline) vs {ref}',
                             ours_ms, med[ref] - med['null']))
        else:
            rows.append((frame, 'vftemporal (pipeline; no ffmpeg)', ours_ms,
                         float('nan')))
    return rows


def nlmeans_rows(args):
    """Non-local means: the kernel against cv2.fastNlMeansDenoising on a
    noisy 1920x1080 gray frame at OpenCV's defaults (7/21), and vfnlmeans
    in a pipeline on I420 at the real-time settings against OpenCV on the
    same three planes (each a 1-channel image, as vfnlmeans treats them)."""
    rows = []
    rng = np.random.default_rng(5)
    rounds = max(args.rounds // 5, 3)
    vfk = Vfk(n_threads=args.threads)
    gray = cv2.cvtColor(natural(1080, 1920, 3, seed=31), cv2.COLOR_BGR2GRAY)
    gray = np.clip(gray + rng.normal(0, 10, gray.shape), 0, 255).astype(
        np.uint8)
    # OpenCV's defaults (h 3), and a strength for this noise (h 10)
    for hh in (3, 10):
        rows.append(('1920x1080 GRAY8', f'vfnlmeans 7/21 h={hh} vs '
                     'cv2.fastNlMeansDenoising', *run_case(
                         lambda: vfk.nlmeans(gray, hh, 7, 21),
                         lambda: cv2.fastNlMeansDenoising(gray, None, hh, 7,
                                                          21), rounds)))
    # packed colour: one weight from the three channels, as OpenCV's
    # 3-channel case
    bgr = np.clip(natural(720, 1280, 3, seed=33) + rng.normal(0, 10, (
        720, 1280, 3)), 0, 255).astype(np.uint8)
    rows.append(('1280x720 BGR', 'vfnlmeans 7/21 h=3 vs '
                 'cv2.fastNlMeansDenoising', *run_case(
                     lambda: vfk.nlmeans(bgr, 3, 7, 21),
                     lambda: cv2.fastNlMeansDenoising(bgr, None, 3, 7, 21),
                     rounds)))
    vfk.close()
    with tempfile.TemporaryDirectory() as d:
        for w, h, patch, search in ((1280, 720, 7, 15), (1920, 1080, 3, 11)):
            bgr = natural(h, w, 3, seed=32)
            i420 = cv2.cvtColor(bgr, cv2.COLOR_BGR2YUV_I420)
            i420 = np.clip(i420 + rng.normal(0, 8, i420.shape), 0,
                           255).astype(np.uint8)
            planes = (i420[:h], i420[h:h + h // 4].reshape(h // 2, w // 2),
                      i420[h + h // 4:].reshape(h // 2, w // 2))
            src = os.path.join(d, f'{w}.yuv')
            with open(src, 'wb') as f:
                for _ in range(4):
                    f.write(i420.tobytes())
            desc = (f'vfnlmeans h=8 patch-size={patch} search-size={search} '
                    f'n-threads={args.threads}')
            ours, theirs = [], []
            for _ in range(rounds):
                a, base = element_ms('I420', w, h, src, 2, desc)
                ours.append(a - base)
                theirs.append(timeit(lambda: [
                    cv2.fastNlMeansDenoising(p, None, 8, patch, search)
                    for p in planes]))
            rows.append((f'{w}x{h} I420', f'vfnlmeans {patch}/{search} '
                         '(pipeline) vs cv2 on the 3 planes',
                         statistics.median(ours), statistics.median(theirs)))
    return rows


def element_desc(name, k15):
    """The element (gst-launch syntax) a kernel row measures, or None."""
    m = re.match(r'(vf\w+) (\d+)x\d+ vs', name)
    if m and m[1] in ('vfboxblur', 'vfgaussianblur', 'vfmedian'):
        return f'{m[1]} kernel-width={m[2]} kernel-height={m[2]}'
    m = re.match(r'vfgaussianblur fast sigma=(\d+)', name)
    if m:
        return f'vfgaussianblur mode=fast sigma={m[1]}'
    m = re.match(r'vfbilateral (exact|fast) d=(\d+)', name)
    if m:
        return (f'vfbilateral mode={m[1]} diameter={m[2]} sigma-color=75 '
                'sigma-space=75')
    if name.startswith('vfconvolve 15x15'):
        text = '; '.join(' '.join(f'{v:.9g}' for v in row) for row in k15)
        return f'vfconvolve operation=correlation kernel="{text}"'
    return None


class Elements:
    """ms/frame of a row's element inside a pipeline (vf-element-bench:
    GstHarness, buffer pool, negotiation; the row's frame written four
    times, the same thread count), each followed by the row's OpenCV call
    timed again on the same four frames (four arrays, one after the
    other: neither side reads a frame the cache still holds from the
    call before): the element ratio divides times taken together.  Run
    after all kernel rows (the element runs disturb the timings of
    whatever follows them for a while)."""

    def __init__(self, frames, args, k15):
        self.dir = tempfile.TemporaryDirectory()
        self.args, self.k15, self.src, self.pending = args, k15, {}, []
        self.ms, self.copies = {}, {}
        for fname, img in frames.items():
            self.src[fname] = (os.path.join(self.dir.name, f'{fname}.bgr'),
                               img.shape[1], img.shape[0])
            self.copies[fname] = [img.copy() for _ in range(4)]
            with open(self.src[fname][0], 'wb') as f:
                for c in self.copies[fname]:
                    f.write(c.tobytes())

    def add(self, fname, name, theirs):
        desc = element_desc(name, self.k15)
        if desc:
            self.pending.append((fname, name, desc, theirs))

    def run(self):
        """{(frame, row): (element ms, OpenCV ms beside it)}"""
        rounds = max(self.args.rounds // 3, 3)
        for fname, name, desc, theirs in self.pending:
            src, w, h = self.src[fname]
            ours, cv = [], []
            for _ in range(rounds):
                ms, base = element_ms(
                    'BGR', w, h, src, self.args.rounds,
                    f'{desc} n-threads={self.args.threads}')
                ours.append(ms - base)

                def one_pass(copies=self.copies[fname]):
                    for c in copies:
                        theirs(img=c)
                # as many passes as the element's where a pass is short
                # (the sub-millisecond rows are the noisy ones)
                passes = self.args.rounds if timeit(one_pass) < 200 else 3
                cv.append(statistics.median(timeit(one_pass)
                                            for _ in range(passes)) / 4)
            self.ms[(fname, name)] = (statistics.median(ours),
                                      statistics.median(cv))
        self.dir.cleanup()
        return self.ms


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--rounds', type=int, default=15)
    ap.add_argument('--quick', action='store_true',
                    help='fewer cases (smoke test)')
    ap.add_argument('--markdown', action='store_true')
    ap.add_argument('--only', choices=['temporal', 'nlmeans'],
                    help='just this section')
    args = ap.parse_args()

    cv2.setNumThreads(args.threads)
    vfk = Vfk(n_threads=args.threads)
    rng = np.random.default_rng(7)
    frames = {'1920x1080': natural(1080, 1920, 3, seed=11),
              '640x480': natural(480, 640, 3, seed=12)}
    k15 = rng.standard_normal((15, 15))
    k15 /= k15.sum()
    u, v = rng.random(45), rng.random(45)
    k45r1 = np.outer(u, v)
    k45r1 /= k45r1.sum()

    box_sizes = (3, 5, 9, 15, 25, 35, 45)
    gauss_sizes = (3, 5, 9, 15, 25, 35, 45)
    median_sizes = (3, 5, 7, 9, 11, 13, 15, 25, 45)
    bilateral_sizes = (9, 15)
    bilateral_fast_sizes = (9, 15, 35, 45)
    fast_sigmas = (2, 20, 50)
    if args.quick:
        box_sizes, gauss_sizes, median_sizes = (5, 45), (5, 45), (5, 45)
        bilateral_sizes, bilateral_fast_sizes = (9,), (9, 45)

    rows = []
    elements = Elements(frames, args, k15)

    def add(fname, name, ours, theirs, rounds):
        rows.append((fname, name, *run_case(ours, theirs, rounds)))
        elements.add(fname, name, theirs)

    # (the lambdas bind their parameters now: the elements call them later)
    third = max(args.rounds // 3, 3)
    for fname, img in ({} if args.only else frames).items():
        dst = np.empty_like(img)
        add(fname, 'frame copy', lambda img=img, dst=dst: np.copyto(dst, img),
            lambda img=img: img.copy(), args.rounds)
        for k in box_sizes:
            add(fname, f'vfboxblur {k}x{k} vs cv2.blur',
                lambda img=img, k=k: vfk.box(img, k, k),
                lambda img=img, k=k: cv2.blur(img, (k, k)), args.rounds)
        for k in gauss_sizes:
            add(fname, f'vfgaussianblur {k}x{k} vs cv2.GaussianBlur',
                lambda img=img, k=k: vfk.gauss(img, k, k, 0),
                lambda img=img, k=k: cv2.GaussianBlur(img, (k, k), 0),
                args.rounds)
        for sg in fast_sigmas:
            add(fname, f'vfgaussianblur fast sigma={sg} vs cv2.GaussianBlur',
                lambda img=img, sg=sg: vfk.gauss_fast(img, sg),
                lambda img=img, sg=sg: cv2.GaussianBlur(img, (0, 0), sg),
                third)
        for k in median_sizes:
            # sub-millisecond cases get every round (they are noisy);
            # OpenCV's 7x7 and up take 100+ ms, a third is enough there
            add(fname, f'vfmedian {k}x{k} vs cv2.medianBlur',
                lambda img=img, k=k: vfk.median(img, k, k),
                lambda img=img, k=k: cv2.medianBlur(img, k),
                args.rounds if k <= 5 else third)
        for d in bilateral_sizes:
            add(fname, f'vfbilateral exact d={d} vs cv2.bilateralFilter',
                lambda img=img, d=d: vfk.bilateral(img, d, 75, 75),
                lambda img=img, d=d: cv2.bilateralFilter(img, d, 75, 75),
                third)
        for d in bilateral_fast_sizes:
            add(fname, f'vfbilateral fast d={d} vs cv2.bilateralFilter',
                lambda img=img, d=d: vfk.bilateral(img, d, 75, 75,
                                                   mode='fast'),
                lambda img=img, d=d: cv2.bilateralFilter(img, d, 75, 75), 3)
        add(fname, 'vfconvolve 15x15 random vs cv2.filter2D',
            lambda img=img: vfk.filter2d(img, k15),
            lambda img=img: cv2.filter2D(img, -1, k15), third)
        add(fname, 'vfconvolve 45x45 rank-1 vs cv2.filter2D',
            lambda img=img: vfk.filter2d(img, k45r1),
            lambda img=img: cv2.filter2D(img, -1, k45r1), third)
    vfk.close()
    element = elements.run()
    if args.only != 'nlmeans':
        rows += temporal_rows(args)
    if args.only != 'temporal':
        rows += nlmeans_rows(args)

    # cost flat in the diameter: the fast bilateral's time at d=45 over its
    # time at d=9, per frame size
    flat = {}
    for f, name, a, b in rows:
        if name.startswith('vfbilateral fast d='):
            flat.setdefault(f, {})[int(name.split('=')[1].split()[0])] = a
    print(f'# threads={args.threads} rounds={args.rounds} '
          f'opencv={cv2.__version__} BGR frames')
    def el(f, name):
        return element.get((f, name))
    if args.markdown:
        print('| frame | filter | vfilterd kernel ms | element in a pipeline '
              'ms | OpenCV/FFmpeg ms | kernel speed-up | element speed-up |')
        print('|---|---|---:|---:|---:|---:|---:|')
        for f, name, a, b in rows:
            e = el(f, name)
            es = f'{e[0]:.2f}' if e else '—'
            er = f'{e[1] / e[0]:.2f}×' if e else '—'
            print(f'| {f} | {name} | {a:.2f} | {es} | {b:.2f} | {b / a:.2f}× '
                  f'| {er} |')
    else:
        for f, name, a, b in rows:
            e = el(f, name)
            extra = (f'  element {e[0]:8.2f} ms ({e[1] / e[0]:5.2f}x)' if e
                     else '')
            print(f'{f:10} {name:45} ours {a:8.2f} ms  theirs {b:8.2f} ms'
                  f'  speed-up {b / a:5.2f}x{extra}')
    for f, t in flat.items():
        if 9 in t and 45 in t:
            print(f'# {f}: vfbilateral fast d=45 takes {t[45] / t[9]:.2f}x '
                  'its time at d=9')


if __name__ == '__main__':
    main()
