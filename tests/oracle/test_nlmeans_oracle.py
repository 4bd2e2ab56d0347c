#!/usr/bin/python3
"""vfnlmeans's kernel against OpenCV 4.6's cv2.fastNlMeansDenoising: the
same bytes (not within one: identical) for 1- and 3-channel images cut
from two real photos with Gaussian noise added, over a grid of strength,
patch and search sizes (OpenCV's defaults among them), odd frame sizes and
frames smaller than the search window.  border=reflect is OpenCV's
BORDER_REFLECT_101, the only border it has here.

Run by meson with VFK_PY_LIB pointing at the kernel library."""
import os
import sys

import cv2
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from test_opencv_oracle import compare, report  # noqa: E402
from vfk import Vfk  # noqa: E402


def photos():
    """Two real photos (BGR): the repository's chelsea.png and scikit-image's
    coffee."""
    import skimage.data
    chelsea = cv2.imread(os.path.join(HERE, '..', '..', 'tools', 'pictures',
                                      'chelsea.png'))
    coffee = cv2.cvtColor(skimage.data.coffee(), cv2.COLOR_RGB2BGR)
    return {'chelsea': chelsea, 'coffee': coffee}


def noisy(img, sigma, seed):
    rng = np.random.default_rng(seed)
    return np.clip(np.rint(img + rng.normal(0, sigma, img.shape)), 0,
                   255).astype(np.uint8)


def main():
    try:
        pics = photos()
    except ImportError as e:
        print(f'SKIP: the second photo is python3-skimage\'s: {e}')
        return 77
    cv2.setNumThreads(2)
    vfk = Vfk(n_threads=2)
    # (h, patch, search): OpenCV's defaults first; every odd patch 1-11,
    # searches 1-35
    grid = [(3, 7, 21), (10, 7, 21), (1, 3, 11), (30, 5, 35), (6, 11, 15),
            (15, 1, 1), (20, 9, 3), (8, 3, 5), (12, 1, 9), (4, 5, 7),
            (25, 11, 35), (2, 3, 1), (8, 3, 11)]
    # odd sizes, and frames smaller than the search window
    cuts = [(0, 0, 157, 113), (40, 60, 99, 71), (100, 30, 17, 9),
            (5, 5, 5, 3), (7, 9, 1, 1), (0, 0, 2, 33)]
    for pname, pic in pics.items():
        for sigma, seed in ((10, 1), (20, 2)):
            for x, y, w, h in cuts:
                for cn in (1, 3):
                    img = pic[y:y + h, x:x + w]
                    if cn == 1:
                        img = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
                    img = noisy(np.ascontiguousarray(img), sigma, seed)
                    for hh, patch, search in grid:
                        if w * h > 157 * 113 // 2 and (hh, patch, search) \
                                not in grid[:6]:
                            continue    # the long tail on the small cuts
                        ref = cv2.fastNlMeansDenoising(img, None, hh, patch,
                                                       search)
                        out = vfk.nlmeans(img, hh, patch, search)
                        compare(f'{pname} sigma {sigma} {w}x{h} cn {cn} '
                                f'h={hh} patch={patch} search={search}', ref,
                                out)
    vfk.close()
    return report()


if __name__ == '__main__':
    sys.exit(main())
