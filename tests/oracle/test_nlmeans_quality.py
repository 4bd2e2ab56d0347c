#!/usr/bin/python3
"""What non-local means buys: PSNR against the clean picture for three real
photos (scikit-image's astronaut, chelsea and coffee, as gray pictures)
with Gaussian noise of sigma 10 and 20, for the noisy input and the best of
a few settings of each of the project's denoising filters (their kernels,
which the elements call): Gaussian, median, bilateral and non-local means.
Prints the README's table; fails unless non-local means is the best
filter at both noise levels, by at least 0.5 dB.

Run by meson with VFK_PY_LIB pointing at the kernel library."""
import os
import sys

import cv2
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from vfk import Vfk  # noqa: E402


def psnr(a, b):
    mse = ((a.astype(np.float64) - b) ** 2).mean()
    return 10 * np.log10(255.0 ** 2 / mse)


def main():
    try:
        import skimage.data as d
    except ImportError as e:
        print(f'SKIP: the photos are python3-skimage\'s: {e}')
        return 77
    photos = {n: cv2.cvtColor(getattr(d, n)(), cv2.COLOR_RGB2GRAY)
              for n in ('astronaut', 'chelsea', 'coffee')}
    vfk = Vfk(n_threads=2)
    filters = {
        'vfgaussianblur': [(f'sigma={s}', lambda i, s=s: vfk.gauss(
            i, 0, 0, s)) for s in (0.6, 0.8, 1.0, 1.5, 2.0)],
        'vfmedian': [(f'{k}x{k}', lambda i, k=k: vfk.median(i, k, k))
                     for k in (3, 5, 7)],
        'vfbilateral': [(f'd={dd} sigma-color={sc} sigma-space={ss}',
                         lambda i, dd=dd, sc=sc, ss=ss: vfk.bilateral(
                             i, dd, sc, ss))
                        for dd, sc, ss in ((5, 20, 3), (5, 30, 3),
                                           (5, 40, 3), (7, 30, 4),
                                           (9, 30, 5), (9, 40, 5),
                                           (9, 60, 5), (9, 75, 75))],
        'vfnlmeans': [(f'h={h} patch-size={p}', lambda i, h=h, p=p:
                       vfk.nlmeans(i, h, p, 21))
                      for p in (3, 5, 7) for h in (8, 11, 14, 20)],
    }
    rows = []
    ok = True
    for sigma in (10, 20):
        rng = np.random.default_rng(sigma)
        noisy = {n: np.clip(np.rint(p + rng.normal(0, sigma, p.shape)), 0,
                            255).astype(np.uint8) for n, p in photos.items()}
        row = {'input': (np.mean([psnr(noisy[n], photos[n])
                                  for n in photos]), '')}
        for name, settings in filters.items():
            best = max((np.mean([psnr(fn(noisy[n]), photos[n])
                                 for n in photos]), label)
                       for label, fn in settings)
            row[name] = best
        rows.append((sigma, row))
        others = max(v[0] for k, v in row.items()
                     if k not in ('input', 'vfnlmeans'))
        won = row['vfnlmeans'][0] >= others + 0.5
        ok &= won
        print(f'{"ok" if won else "FAIL"} - sigma {sigma}: vfnlmeans '
              f'{row["vfnlmeans"][0]:.2f} dB, best other {others:.2f} dB')
    vfk.close()
    cols = ['input'] + list(filters)
    print('| sigma | ' + ' | '.join(cols) + ' |')
    print('|---|' + '---:|' * len(cols))
    for sigma, row in rows:
        cells = [f'{row[c][0]:.2f}' + (f' ({row[c][1]})' if row[c][1] else '')
                 for c in cols]
        print(f'| {sigma} | ' + ' | '.join(cells) + ' |')
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
