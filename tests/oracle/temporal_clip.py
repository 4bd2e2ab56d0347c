"""Test clips for temporal denoisers, built from real photos (Debian's
python3-skimage): a static scene with an object moving over it, a pan
across a photo, and a cut to another photo; I420 frames with Gaussian
noise added per frame, and the masks the quality figures are taken over.

Segments (frame numbers):
  0 .. 39   static photo, a 72x72 patch of another photo crossing it at
            5 px/frame
  40 .. 59  pan across the first photo, 3 px/frame
  60 .. 79  cut to a third photo, static
Figures (luma PSNR against the clean clip):
  static    frames 20..39, pixels the object covered in none of the last
            8 frames (the denoiser has had time to converge)
  moving    frames 1..39 pixels the object covers now or covered in the
            previous frame, and every pixel of the pan frames 41..59
  cut       frames 60, 61, 62, whole frame
"""
import numpy as np
import cv2

W, H = 480, 272
N = 80
OBJ = 72


def _photos():
    import skimage.data as d
    a = cv2.cvtColor(d.astronaut(), cv2.COLOR_RGB2BGR)
    b = cv2.cvtColor(d.chelsea(), cv2.COLOR_RGB2BGR)
    c = cv2.cvtColor(d.coffee(), cv2.COLOR_RGB2BGR)
    return a, b, c


def _crop(img, x, y, w=W, h=H):
    big = cv2.resize(img, (max(img.shape[1], w + 200),
                           max(img.shape[0], h + 40)),
                     interpolation=cv2.INTER_AREA)
    return big[y:y + h, x:x + w]


def clean_bgr():
    """The clean clip as N BGR frames and the object mask per frame."""
    a, b, c = _photos()
    frames, masks = [], []
    patch = cv2.resize(b, (OBJ, OBJ), interpolation=cv2.INTER_AREA)
    for n in range(N):
        mask = np.zeros((H, W), bool)
        if n < 40:
            f = _crop(a, 0, 0).copy()
            x, y = 20 + 5 * n, 100 + n
            f[y:y + OBJ, x:x + OBJ] = patch
            mask[y:y + OBJ, x:x + OBJ] = True
        elif n < 60:
            f = _crop(a, 3 * (n - 40), 0)
        else:
            f = _crop(c, 0, 0)
        frames.append(np.ascontiguousarray(f))
        masks.append(mask)
    return frames, masks


def to_i420(bgr):
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2YUV_I420)


def noisy(clean_i420, sigma, seed=1):
    rng = np.random.default_rng(seed)
    out = []
    for f in clean_i420:
        n = f.astype(np.float64) + rng.normal(0, sigma, f.shape)
        out.append(np.clip(np.rint(n), 0, 255).astype(np.uint8))
    return out


def regions(masks):
    """(frame, mask) lists of the three figures' pixels, luma only."""
    static, moving = [], []
    for n in range(20, 40):
        seen = np.zeros((H, W), bool)
        for k in range(max(0, n - 8), n + 1):
            seen |= masks[k]
        seen = cv2.dilate(seen.astype(np.uint8), np.ones((5, 5))) > 0
        static.append((n, ~seen))
    for n in range(1, 40):
        moving.append((n, masks[n] | masks[n - 1]))
    for n in range(41, 60):
        moving.append((n, np.ones((H, W), bool)))
    cut = [(n, np.ones((H, W), bool)) for n in (60, 61, 62)]
    return {'static': static, 'moving': moving, 'cut': cut}


def psnr(clean, out, sel):
    se, cnt = 0.0, 0
    for n, m in sel:
        d = clean[n][:H].astype(np.float64) - out[n][:H].astype(np.float64)
        se += float((d[m] ** 2).sum())
        cnt += int(m.sum())
    mse = se / max(cnt, 1)
    return 99.0 if mse == 0 else 10 * np.log10(255 ** 2 / mse)


def figures(clean, out, reg):
    return {k: psnr(clean, out, v) for k, v in reg.items()}


def ffmpeg_filter(frames, vf):
    """frames (I420 arrays) through ffmpeg's -vf, or None without ffmpeg."""
    import shutil
    import subprocess
    if not shutil.which('ffmpeg'):
        return None
    raw = b''.join(f.tobytes() for f in frames)
    r = subprocess.run(
        ['ffmpeg', '-v', 'error', '-f', 'rawvideo', '-pix_fmt', 'yuv420p',
         '-s', '%dx%d' % (W, H), '-r', '30', '-i', '-', '-vf', vf,
         '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-'],
        input=raw, capture_output=True, check=True)
    size = W * H * 3 // 2
    out = np.frombuffer(r.stdout, np.uint8)
    assert out.size == size * len(frames), 'ffmpeg returned %d bytes' % out.size
    return [out[i * size:(i + 1) * size].reshape(H * 3 // 2, W)
            for i in range(len(frames))]
