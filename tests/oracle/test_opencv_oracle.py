#!/usr/bin/python3
"""The kernel library against OpenCV 4.6 (Debian python3-opencv) as oracle:
exact match required, any differing byte fails.

- Gaussian: every odd size 1..99 with sigma 0, and sigma-derived sizes, for
  every border cv2.GaussianBlur supports (constant, replicate, reflect_101,
  reflect, wrap), gray and BGR.
- Box: odd and even sizes, every border cv2.blur supports, with rounding
  'opencv' (bit-identical to cv2.blur) and 'half-up' (the SPEC's exact
  rounding: equal to cv2.blur wherever the area is odd, since only ties
  differ).
- Median: cv2.medianBlur for sizes 1-99 (its border is replicate)."""
import os
import sys

import cv2
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from images import natural  # noqa: E402
from vfk import Vfk  # noqa: E402

CV_BORDERS = {
    'constant': cv2.BORDER_CONSTANT,
    'replicate': cv2.BORDER_REPLICATE,
    'reflect': cv2.BORDER_REFLECT_101,
    'symmetric': cv2.BORDER_REFLECT,
    'wrap': cv2.BORDER_WRAP,
}

failures = []
checks = 0


def compare(what, ref, out):
    global checks
    checks += 1
    if ref.shape != out.shape:
        failures.append(f'{what}: shape {out.shape} != {ref.shape}')
        return
    diff = np.count_nonzero(ref != out)
    if diff:
        idx = np.argwhere(ref != out)[0]
        failures.append(f'{what}: {diff} bytes differ, first at {tuple(idx)}:'
                        f' ours {out[tuple(idx)]} opencv {ref[tuple(idx)]}')


def supported(fn):
    try:
        fn()
        return True
    except cv2.error:
        return False


def main():
    cv2.setNumThreads(2)
    vfk = Vfk(n_threads=2)
    frames = {
        'bgr-157x113': natural(113, 157, 3, seed=1),
        'gray-64x47': natural(47, 64, 1, seed=2),
        'bgra-33x29': natural(29, 33, 4, seed=3),
        'bgr-5x3': natural(3, 5, 3, seed=4),
        'gray-1x1': natural(1, 1, 1, seed=5),
    }

    # Gaussian
    for bname, bcv in CV_BORDERS.items():
        img0 = frames['bgr-157x113']
        if not supported(lambda: cv2.GaussianBlur(img0, (3, 3), 0,
                                                  borderType=bcv)):
            print(f'# GaussianBlur does not support border {bname}: skipped')
            continue
        for fname, img in frames.items():
            sizes = range(1, 100, 2) if fname.startswith('bgr-157') \
                else (1, 3, 5, 7, 9, 11, 25, 99)
            for k in sizes:
                ref = cv2.GaussianBlur(img, (k, k), 0, borderType=bcv)
                compare(f'gauss {fname} {k}x{k} s=0 {bname}', ref,
                        vfk.gauss(img, k, k, 0, 0, bname))
            for sx, sy in ((0.3, 0), (0.8, 0), (1.0, 2.5), (2.0, 0),
                           (3.7, 1.1), (8.0, 0), (16.0, 0)):
                ref = cv2.GaussianBlur(img, (0, 0), sx, sigmaY=sy,
                                       borderType=bcv)
                compare(f'gauss {fname} sigma {sx},{sy} {bname}', ref,
                        vfk.gauss(img, 0, 0, sx, sy, bname))
            for kw, kh, sx in ((7, 3, 1.3), (15, 15, 4.0), (1, 9, 2.0)):
                ref = cv2.GaussianBlur(img, (kw, kh), sx, borderType=bcv)
                compare(f'gauss {fname} {kw}x{kh} s={sx} {bname}', ref,
                        vfk.gauss(img, kw, kh, sx, 0, bname))

    # Box
    box_sizes = [(1, 1), (2, 1), (1, 2), (2, 2), (3, 3), (4, 4), (5, 5),
                 (6, 4), (7, 7), (8, 8), (9, 9), (15, 15), (16, 16), (16, 17),
                 (17, 17), (20, 20), (25, 25), (31, 9), (32, 32), (45, 45),
                 (44, 46), (99, 99), (200, 3)]
    for bname, bcv in CV_BORDERS.items():
        img0 = frames['bgr-157x113']
        if not supported(lambda: cv2.blur(img0, (3, 3), borderType=bcv)):
            print(f'# blur does not support border {bname}: skipped')
            continue
        for fname, img in frames.items():
            for kw, kh in box_sizes:
                ref = cv2.blur(img, (kw, kh), borderType=bcv)
                compare(f'box opencv-rounding {fname} {kw}x{kh} {bname}', ref,
                        vfk.box(img, kw, kh, bname, 0, rounding=1))
                if (kw * kh) % 2 == 1:
                    compare(f'box half-up {fname} {kw}x{kh} {bname}', ref,
                            vfk.box(img, kw, kh, bname, 0, rounding=0))
    # Median (cv2.medianBlur: square windows, border replicate)
    for fname, img in frames.items():
        for k in (1, 3, 5, 7, 9, 15, 25, 45, 99):
            ref = cv2.medianBlur(img, k)
            compare(f'median {fname} {k}x{k}', ref, vfk.median(img, k, k))
    vfk.close()

    for f in failures[:40]:
        print('FAIL', f)
    print(f'{checks - len(failures)} passed, {len(failures)} failed')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
