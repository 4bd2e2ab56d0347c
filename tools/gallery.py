#!/usr/bin/python3
"""Regenerates the README's pictures with the project's own elements, run
from gst-launch-1.0: the seed's figures (5/15/25/35/45 averaging, Gaussian
and median), a 35x35 Gaussian next to a bilateral filter of diameter 35,
on a real photo, the temporal denoiser's before/after on a clip of that
photo with camera-like noise (sigma 15), and non-local means next to the
bilateral filter on that photo with noise of sigma 20, at 1:1 so the noise
shows.

Photo: tools/pictures/chelsea.png, "Chelsea the cat" by Stefan van der Walt,
CC0 ("no copyright restrictions"), as shipped in Debian's python3-skimage
(skimage/data/chelsea.png).

Usage: tools/gallery [BUILD_DIR]   (default build; OpenCV only stitches)"""
import os
import subprocess
import sys
import tempfile

import cv2
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'pictures')
PHOTO = os.path.join(OUT, 'chelsea.png')
PANEL = (180, 120)


def run_filter(element, tmp, photo=PHOTO):
    out = os.path.join(tmp, 'out.png')
    cmd = ['gst-launch-1.0', '-q', 'filesrc', f'location={photo}', '!',
           'pngdec', '!', 'videoconvert', '!', 'video/x-raw,format=BGR', '!']
    cmd += element.split() + ['!', 'videoconvert', '!', 'pngenc', '!',
                              'filesink', f'location={out}']
    subprocess.run(cmd, check=True)
    return cv2.imread(out)


def panel(img, label, size=PANEL):
    p = cv2.resize(img, size, interpolation=cv2.INTER_AREA)
    cv2.rectangle(p, (0, size[1] - 18), (size[0], size[1]), (0, 0, 0), -1)
    cv2.putText(p, label, (4, size[1] - 5), cv2.FONT_HERSHEY_SIMPLEX, 0.42,
                (255, 255, 255), 1, cv2.LINE_AA)
    return p


def strip(panels, name):
    img = np.hstack(panels)
    cv2.imwrite(os.path.join(OUT, name), img,
                [cv2.IMWRITE_PNG_COMPRESSION, 9])
    print('wrote', os.path.join(OUT, name))


def run_clip(element, frames, tmp):
    """The last output frame of `element` over BGR `frames` (a clip)."""
    h, w = frames[0].shape[:2]
    src, dst = os.path.join(tmp, 'clip.bgr'), os.path.join(tmp, 'out.bgr')
    with open(src, 'wb') as f:
        for fr in frames:
            f.write(fr.tobytes())
    cmd = (f'gst-launch-1.0 -q filesrc location={src} ! rawvideoparse '
           f'width={w} height={h} format=bgr framerate=30/1 ! {element} ! '
           f'filesink location={dst}').split()
    subprocess.run(cmd, check=True)
    out = np.fromfile(dst, np.uint8).reshape(-1, h, w, 3)
    return out[-1]


def temporal_strip(original, tmp):
    # a 1:1 crop of the face; width a multiple of 4 (packed BGR rows)
    clean = np.ascontiguousarray(original[40:220, 140:380])
    rng = np.random.default_rng(5)
    frames = [np.clip(clean + rng.normal(0, 15, clean.shape), 0, 255)
              .astype(np.uint8) for _ in range(20)]
    label = lambda img, text: panel(img, text, size=img.shape[1::-1])
    strip([label(frames[-1], 'noisy (sigma 15)'),
           label(run_clip('vftemporal', frames, tmp), 'vftemporal'),
           label(run_clip('vftemporal ! vfbilateral diameter=5 '
                          'sigma-color=20 sigma-space=3', frames, tmp),
                 '+ vfbilateral d=5'),
           label(clean, 'clean')], 'temporal.png')


def nlmeans_strip(original, tmp):
    # a 1:1 crop, noise sigma 20 on the whole photo; the bilateral at the
    # best setting of the nlmeans-quality test for that noise, non-local
    # means a little below its best h (20), which smooths the fur
    rng = np.random.default_rng(7)
    noisy = np.clip(original + rng.normal(0, 20, original.shape), 0,
                    255).astype(np.uint8)
    src = os.path.join(tmp, 'noisy.png')
    cv2.imwrite(src, noisy)
    crop = (slice(40, 220), slice(140, 380))
    label = lambda img, text: panel(np.ascontiguousarray(img[crop]), text,
                                    size=(240, 180))
    strip([label(noisy, 'noisy (sigma 20)'),
           label(run_filter('vfbilateral diameter=9 sigma-color=40 '
                            'sigma-space=5', tmp, src), 'vfbilateral d=9'),
           label(run_filter('vfnlmeans h=14 patch-size=5', tmp, src),
                 'vfnlmeans h=14'),
           label(original, 'clean')], 'nlmeans.png')


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else 'build'
    os.environ['GST_PLUGIN_PATH'] = os.path.abspath(
        os.path.join(build, 'plugins', 'gst'))
    original = cv2.imread(PHOTO)
    with tempfile.TemporaryDirectory() as tmp:
        for name, fmt in (('averaging', 'vfboxblur kernel-width={k} '
                           'kernel-height={k}'),
                          ('gaussian', 'vfgaussianblur kernel-width={k} '
                           'kernel-height={k}'),
                          ('median', 'vfmedian kernel-width={k} '
                           'kernel-height={k}')):
            panels = [panel(original, 'original')]
            for k in (5, 15, 25, 35, 45):
                panels.append(panel(run_filter(fmt.format(k=k), tmp),
                                    f'{k}x{k} {name}'))
            strip(panels, f'{name}.png')
        strip([panel(original, 'original'),
               panel(run_filter('vfgaussianblur kernel-width=35 '
                                'kernel-height=35', tmp), '35x35 Gaussian'),
               panel(run_filter('vfbilateral diameter=35 sigma-color=75 '
                                'sigma-space=75', tmp),
                     'bilateral d=35')], 'bilateral.png')
        temporal_strip(original, tmp)
        nlmeans_strip(original, tmp)


if __name__ == '__main__':
    main()
