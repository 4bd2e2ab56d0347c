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
- Median: cv2.medianBlur for sizes 1-99 (its border is replicate).
- Gaussian mode=fast: PSNR >= 50 dB against a float64 Gaussian, sigma
  1-50, every border but wrap.
- Bilateral: within +-1 of cv2.bilateralFilter for d = 0, 3, 5, 9, 15, 35
  and several sigma pairs, gray and BGR, fewer than 0.1 % of samples
  differing; within +-1 of a float64 brute force.
- Bilateral mode=fast: PSNR >= 40 dB against mode=exact on a photo and a
  natural-looking frame, diameters 11-45 (up to 9 it runs exact), every
  border; printed."""
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


def compare_within(what, ref, out, tol, max_frac):
    global checks
    checks += 1
    diff = np.abs(ref.astype(np.int32) - out.astype(np.int32))
    frac = np.count_nonzero(diff) / diff.size
    if diff.max() > tol or frac > max_frac:
        failures.append(f'{what}: max difference {diff.max()} (allowed '
                        f'{tol}), {frac:.5f} of samples differ (allowed '
                        f'{max_frac})')


def check_psnr(what, psnr, minimum):
    global checks
    checks += 1
    print(f'# {what}: PSNR {psnr:.1f} dB (at least {minimum})')
    if psnr < minimum:
        failures.append(f'{what}: PSNR {psnr:.1f} dB < {minimum}')


def bilateral_f64(img, d, sigma_color, sigma_space):
    """cv2.bilateralFilter's definition in float64, border reflect_101."""
    sigma_color = sigma_color if sigma_color > 0 else 1
    sigma_space = sigma_space if sigma_space > 0 else 1
    r = int(np.rint(sigma_space * 1.5)) if d <= 0 else d // 2
    r = max(r, 1)
    src = img if img.ndim == 3 else img[..., None]
    h, w, cn = src.shape
    pad = np.pad(src.astype(np.float64), ((r, r), (r, r), (0, 0)),
                 mode='reflect') if min(h, w) > r else \
        cv2.copyMakeBorder(src, r, r, r, r, cv2.BORDER_REFLECT_101).reshape(
            h + 2 * r, w + 2 * r, cn).astype(np.float64)
    num = np.zeros((h, w, cn))
    den = np.zeros((h, w, 1))
    centre = pad[r:r + h, r:r + w]
    for i in range(-r, r + 1):
        for j in range(-r, r + 1):
            dist = np.sqrt(i * i + j * j)
            if dist > r:
                continue
            nb = pad[r + i:r + i + h, r + j:r + j + w]
            cdist = np.abs(nb - centre).sum(axis=2, keepdims=True)
            wgt = np.exp(-dist * dist / (2 * sigma_space ** 2)) * \
                np.exp(-cdist * cdist / (2 * sigma_color ** 2))
            num += wgt * nb
            den += wgt
    out = np.clip(np.rint(num / den), 0, 255).astype(np.uint8)
    return out if img.ndim == 3 else out[..., 0]


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
        # rows of more than one 1 KB chunk (the kernels work a row by
        # chunks, vfk-private.h), chunk ends falling inside a pixel
        'bgr-509x37': natural(37, 509, 3, seed=6),
        'gray-1031x9': natural(9, 1031, 1, seed=7),
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
        for k in (1, 3, 5, 7, 9, 11, 13, 15, 25, 45, 99):
            ref = cv2.medianBlur(img, k)
            compare(f'median {fname} {k}x{k}', ref, vfk.median(img, k, k))
    # Bilateral: within +-1 of cv2.bilateralFilter with < 0.1 % of samples
    # differing, and within +-1 of a float64 brute force written here
    bil_frames = {'bgr-157x113': frames['bgr-157x113'],
                  'gray-64x47': frames['gray-64x47'],
                  'bgr-5x3': frames['bgr-5x3']}
    for fname, img in bil_frames.items():
        for d in (0, 3, 5, 9, 15, 35):
            for sc, ss in ((75, 75), (20, 5), (150, 3), (10, 2)):
                if d == 0 and ss > 10:
                    continue            # a 225-pixel window: not a unit test
                out = vfk.bilateral(img, d, sc, ss)
                ref = cv2.bilateralFilter(img, d, sc, ss)
                compare_within(f'bilateral {fname} d={d} sc={sc} ss={ss} vs '
                               'OpenCV', ref, out, 1, 0.001)
                if img.size <= 3 * 157 * 113 and d in (0, 5, 15):
                    compare_within(f'bilateral {fname} d={d} sc={sc} ss={ss} '
                                   'vs float64', bilateral_f64(img, d, sc, ss),
                                   out, 1, 1.0)
    # Gaussian mode=fast: PSNR >= 50 dB against a float64 Gaussian of the
    # same sigma (sampled kernel to 5 sigma, OpenCV's float64 sepFilter2D
    # doing the border), every border but wrap (sepFilter2D has none)
    img = natural(240, 320, 3, seed=9)
    for bname in ('constant', 'replicate', 'reflect', 'symmetric'):
        # both sides of sigma 6, where the grid takes over from the exact
        # windows, unequal sigmas on the two axes, and Deriche's recursion
        # (a small sigma with a window of over 320 taps on the other axis)
        for s, sy in ((1, 1), (1.5, 1.5), (2, 2), (3.3, 3.3), (3.9, 3.9),
                      (4, 4), (5, 5), (5.5, 5.5), (6, 6), (7, 7), (8, 8),
                      (10, 10), (20, 20),
                      (35, 35), (50, 50), (6, 25), (30, 4.5), (2.5, 12),
                      (1.5, 60)):
            def kern(s):
                r = int(np.ceil(5 * s))
                x = np.arange(-r, r + 1)
                k = np.exp(-x * x / (2.0 * s * s))
                return k / k.sum()
            ref = cv2.sepFilter2D(img.astype(np.float64), cv2.CV_64F,
                                  kern(s), kern(sy),
                                  borderType=CV_BORDERS[bname])
            out = vfk.gauss_fast(img, s, sy, bname).astype(np.float64)
            mse = ((out - ref) ** 2).mean()
            psnr = 10 * np.log10(255.0 ** 2 / max(mse, 1e-12))
            name = f'{s}' if s == sy else f'{s}x{sy}'
            check_psnr(f'gauss fast sigma={name} {bname}', psnr, 50)
    # Bilateral mode=fast: PSNR >= 40 dB against mode=exact (the same
    # parameters) on camera pictures: a photo (tools/pictures/chelsea.png,
    # colour and gray) and a natural-looking gray frame, diameters 11-45, the
    # seed's sigmas (75, 75) and a space sigma that fits the window; every
    # border on the photo
    photo = cv2.imread(os.path.join(os.path.dirname(os.path.abspath(
        __file__)), '..', '..', 'tools', 'pictures', 'chelsea.png'))
    fast_frames = {'photo-bgr': photo,
                   'photo-gray': cv2.cvtColor(photo, cv2.COLOR_BGR2GRAY),
                   'natural-gray': natural(270, 480, 1, seed=4)}

    def psnr(a, b):
        mse = ((a.astype(np.float64) - b) ** 2).mean()
        return 10 * np.log10(255.0 ** 2 / max(mse, 1e-12))
    for fname, img in fast_frames.items():
        # (diameter <= 9 runs exact: the grid starts at 11)
        for d in (11, 15, 25, 35, 45):
            for sc, ss in ((75, 75), (25, d / 6), (40, d / 4)):
                exact = vfk.bilateral(img, d, sc, ss)
                fast = vfk.bilateral(img, d, sc, ss, mode='fast')
                check_psnr(f'bilateral fast {fname} d={d} sc={sc} '
                           f'ss={ss:.3g} vs exact', psnr(fast, exact), 40)
    for bname in ('constant', 'replicate', 'reflect', 'symmetric', 'wrap'):
        exact = vfk.bilateral(photo, 25, 50, 6, bname, 40)
        fast = vfk.bilateral(photo, 25, 50, 6, bname, 40, mode='fast')
        check_psnr(f'bilateral fast photo-bgr d=25 {bname} vs exact',
                   psnr(fast, exact), 40)
    vfk.close()
    return report()


def report():
    """Prints the failures and the count; the exit status."""
    for f in failures[:40]:
        print('FAIL', f)
    print(f'{checks - len(failures)} passed, {len(failures)} failed')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
