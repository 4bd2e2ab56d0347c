"""Deterministic 'real-looking' test frames: multi-scale texture, smooth
shading, hard edges, text and sensor noise — the mix a camera produces."""
import cv2
import numpy as np


def natural(h, w, channels=3, seed=0):
    rng = np.random.default_rng(seed)
    img = np.zeros((h, w, 3), np.float64)
    # shading: a lit gradient
    yy, xx = np.mgrid[0:h, 0:w]
    img += (60 + 80 * xx / max(w, 1) + 40 * yy / max(h, 1))[..., None]
    # texture at several scales
    for scale, amp in ((32, 40), (8, 25), (2, 12)):
        sh, sw = max(h // scale, 1) + 1, max(w // scale, 1) + 1
        noise = rng.normal(0, 1, (sh, sw, 3))
        img += amp * cv2.resize(noise, (w, h), interpolation=cv2.INTER_CUBIC)
    # objects with hard edges
    for _ in range(6):
        cx, cy = int(rng.integers(0, w)), int(rng.integers(0, h))
        r = int(rng.integers(max(min(h, w) // 10, 1), max(min(h, w) // 3, 2)))
        col = rng.integers(0, 256, 3).tolist()
        if rng.random() < 0.5:
            cv2.circle(img, (cx, cy), r, col, -1)
        else:
            cv2.rectangle(img, (cx - r, cy - r // 2), (cx + r, cy + r // 2),
                          col, -1)
    cv2.putText(img, 'vfilterd', (w // 8, h // 2), cv2.FONT_HERSHEY_SIMPLEX,
                max(w / 300, 0.3), (250, 250, 250), max(w // 200, 1))
    img += rng.normal(0, 4, img.shape)
    img = np.clip(np.rint(img), 0, 255).astype(np.uint8)
    if channels == 1:
        return cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    if channels == 4:
        return cv2.cvtColor(img, cv2.COLOR_BGR2BGRA)
    return img
