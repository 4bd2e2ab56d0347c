"""ctypes binding of the vfilterd kernel library (libvfk-py.so), used by the
OpenCV oracle tests and the benchmark.  Test-only: never installed."""
import ctypes
import os

import numpy as np

BORDERS = {'constant': 0, 'replicate': 1, 'reflect': 2, 'symmetric': 3,
           'wrap': 4, 'valid': 5}


class VfkImage(ctypes.Structure):
    _fields_ = [('data', ctypes.c_void_p), ('stride', ctypes.c_ssize_t),
                ('width', ctypes.c_int), ('height', ctypes.c_int),
                ('channels', ctypes.c_int)]


def _view(a):
    assert a.dtype == np.uint8 and a.flags['C_CONTIGUOUS']
    h, w = a.shape[:2]
    cn = 1 if a.ndim == 2 else a.shape[2]
    return VfkImage(a.ctypes.data, a.strides[0], w, h, cn)


class Vfk:
    def __init__(self, path=None, n_threads=1):
        path = path or os.environ.get('VFK_PY_LIB')
        if not path:
            raise RuntimeError('set VFK_PY_LIB to the path of libvfk-py.so')
        lib = ctypes.CDLL(path)
        self.lib = lib
        P = ctypes.POINTER
        lib.vfk_pool_new.restype = ctypes.c_void_p
        lib.vfk_pool_new.argtypes = [ctypes.c_uint]
        lib.vfk_pool_free.argtypes = [ctypes.c_void_p]
        lib.vfk_box.argtypes = [ctypes.c_void_p, P(VfkImage), P(VfkImage),
                                ctypes.c_int, ctypes.c_int, ctypes.c_int,
                                ctypes.c_uint8, ctypes.c_int, ctypes.c_int,
                                ctypes.c_int]
        lib.vfk_gauss_exact.argtypes = [ctypes.c_void_p, P(VfkImage),
                                        P(VfkImage), ctypes.c_int,
                                        ctypes.c_int, ctypes.c_int,
                                        ctypes.c_uint8, ctypes.c_int,
                                        ctypes.c_int, ctypes.c_double,
                                        ctypes.c_double]
        lib.vfk_gauss_resolve_size.restype = ctypes.c_int
        lib.vfk_gauss_resolve_size.argtypes = [ctypes.c_int, ctypes.c_double]
        lib.vfk_kernel_new.restype = ctypes.c_void_p
        lib.vfk_kernel_new.argtypes = [P(ctypes.c_double), ctypes.c_int,
                                       ctypes.c_int, ctypes.c_int,
                                       ctypes.c_int, ctypes.c_double,
                                       ctypes.c_double,
                                       P(ctypes.c_char_p)]
        lib.vfk_kernel_free.argtypes = [ctypes.c_void_p]
        lib.vfk_kernel_flip.argtypes = [ctypes.c_void_p]
        lib.vfk_filter2d.argtypes = [ctypes.c_void_p, P(VfkImage),
                                     P(VfkImage), ctypes.c_int, ctypes.c_int,
                                     ctypes.c_int, ctypes.c_uint8,
                                     ctypes.c_void_p]
        lib.vfk_median.argtypes = [ctypes.c_void_p, P(VfkImage), P(VfkImage),
                                   ctypes.c_int, ctypes.c_int, ctypes.c_int,
                                   ctypes.c_uint8, ctypes.c_int, ctypes.c_int]
        lib.vfk_bilateral_new.restype = ctypes.c_void_p
        lib.vfk_bilateral_new.argtypes = [ctypes.c_int, ctypes.c_double,
                                          ctypes.c_double]
        lib.vfk_bilateral_free.argtypes = [ctypes.c_void_p]
        lib.vfk_bilateral_get_radius.restype = ctypes.c_int
        lib.vfk_bilateral_get_radius.argtypes = [ctypes.c_void_p]
        lib.vfk_bilateral_exact.argtypes = [ctypes.c_void_p, P(VfkImage),
                                            ctypes.c_void_p,
                                            P(VfkImage), ctypes.c_int,
                                            ctypes.c_int, ctypes.c_int,
                                            ctypes.c_uint8, ctypes.c_uint,
                                            ctypes.c_void_p]
        lib.vfk_bilateral_fast.argtypes = lib.vfk_bilateral_exact.argtypes
        lib.vfk_gauss_fast.argtypes = [ctypes.c_void_p, P(VfkImage),
                                       P(VfkImage), ctypes.c_int,
                                       ctypes.c_int, ctypes.c_int,
                                       ctypes.c_uint8, ctypes.c_double,
                                       ctypes.c_double]
        lib.vfk_nlmeans_new.restype = ctypes.c_void_p
        lib.vfk_nlmeans_new.argtypes = [ctypes.c_float, ctypes.c_int,
                                        ctypes.c_int, ctypes.c_int]
        lib.vfk_nlmeans_free.argtypes = [ctypes.c_void_p]
        lib.vfk_nlmeans.argtypes = [ctypes.c_void_p, P(VfkImage),
                                    P(VfkImage), ctypes.c_int, ctypes.c_int,
                                    ctypes.c_int, ctypes.c_uint8,
                                    ctypes.c_uint, ctypes.c_void_p]
        self.pool = lib.vfk_pool_new(n_threads)

    def close(self):
        if self.pool:
            self.lib.vfk_pool_free(self.pool)
            self.pool = None

    @staticmethod
    def _out_geometry(src, kw, kh, ax, ay, border):
        h, w = src.shape[:2]
        if border == 'valid':
            shape = (h - kh + 1, w - kw + 1) + src.shape[2:]
            return np.empty(shape, np.uint8), ax, ay
        return np.empty_like(src), 0, 0

    def box(self, src, kw, kh, border='reflect', value=0, rounding=0):
        dst, ox, oy = self._out_geometry(src, kw, kh, kw // 2, kh // 2, border)
        b = 'replicate' if border == 'valid' else border
        s, d = _view(src), _view(dst)
        self.lib.vfk_box(self.pool, ctypes.byref(s), ctypes.byref(d), ox, oy,
                         BORDERS[b], value, kw, kh, rounding)
        return dst

    def median(self, src, kw, kh, border='replicate', value=0):
        dst, ox, oy = self._out_geometry(src, kw, kh, kw // 2, kh // 2, border)
        b = 'replicate' if border == 'valid' else border
        s, d = _view(src), _view(dst)
        self.lib.vfk_median(self.pool, ctypes.byref(s), ctypes.byref(d), ox,
                            oy, BORDERS[b], value, kw, kh)
        return dst

    def bilateral(self, src, d, sigma_color, sigma_space, border='reflect',
                  value=0, dist_mask=None, mode='exact'):
        b = self.lib.vfk_bilateral_new(d, sigma_color, sigma_space)
        try:
            r = self.lib.vfk_bilateral_get_radius(b)
            dst, ox, oy = self._out_geometry(src, 2 * r + 1, 2 * r + 1, r, r,
                                             border)
            bd = 'replicate' if border == 'valid' else border
            s, dd = _view(src), _view(dst)
            cn = 1 if src.ndim == 2 else src.shape[2]
            mask = dist_mask if dist_mask is not None else (1 << cn) - 1
            fn = (self.lib.vfk_bilateral_fast if mode == 'fast'
                  else self.lib.vfk_bilateral_exact)
            fn(self.pool, ctypes.byref(s), None, ctypes.byref(dd), ox, oy,
               BORDERS[bd], value, mask, b)
        finally:
            self.lib.vfk_bilateral_free(b)
        return dst

    def nlmeans(self, src, h, patch=7, search=21, border='reflect', value=0,
                mask=None):
        """Non-local means on the channels of mask (default: all), one
        weight from all of them; the others are copied from src."""
        cn = 1 if src.ndim == 2 else src.shape[2]
        mask = (1 << cn) - 1 if mask is None else mask
        k = patch + search - 1
        dst, ox, oy = self._out_geometry(src, k, k, k // 2, k // 2, border)
        if border == 'valid':
            dst[...] = src[oy:oy + dst.shape[0], ox:ox + dst.shape[1]]
        else:
            dst[...] = src
        bd = 'replicate' if border == 'valid' else border
        n = self.lib.vfk_nlmeans_new(h, patch, search, bin(mask).count('1'))
        if not n:
            raise ValueError(f'nlmeans h={h} patch={patch} search={search}')
        try:
            s, d = _view(src), _view(dst)
            if self.lib.vfk_nlmeans(self.pool, ctypes.byref(s),
                                    ctypes.byref(d), ox, oy, BORDERS[bd],
                                    value, mask, n) != 0:
                raise MemoryError('vfk_nlmeans')
        finally:
            self.lib.vfk_nlmeans_free(n)
        return dst

    def gauss_fast(self, src, sx, sy=0.0, border='reflect', value=0):
        dst = np.empty_like(src)
        s, d = _view(src), _view(dst)
        self.lib.vfk_gauss_fast(self.pool, ctypes.byref(s), ctypes.byref(d),
                                0, 0, BORDERS[border], value, sx, sy)
        return dst

    def gauss(self, src, kw, kh, sx, sy=0.0, border='reflect', value=0):
        if sy <= 0:
            sy = sx
        rkw = self.lib.vfk_gauss_resolve_size(kw, sx)
        rkh = self.lib.vfk_gauss_resolve_size(kh, sy)
        dst, ox, oy = self._out_geometry(src, rkw, rkh, rkw // 2, rkh // 2,
                                         border)
        b = 'replicate' if border == 'valid' else border
        s, d = _view(src), _view(dst)
        self.lib.vfk_gauss_exact(self.pool, ctypes.byref(s), ctypes.byref(d),
                                 ox, oy, BORDERS[b], value, kw, kh, sx, sy)
        return dst

    def filter2d(self, src, kernel, border='reflect', value=0, anchor=(-1, -1),
                 divisor=1.0, bias=0.0, convolution=False):
        k = np.ascontiguousarray(kernel, dtype=np.float64)
        kh, kw = k.shape
        err = ctypes.c_char_p()
        kp = self.lib.vfk_kernel_new(
            k.ctypes.data_as(ctypes.POINTER(ctypes.c_double)), kw, kh,
            anchor[0], anchor[1], divisor, bias, ctypes.byref(err))
        if not kp:
            raise ValueError(err.value.decode())
        try:
            if convolution:
                self.lib.vfk_kernel_flip(kp)
            ax = anchor[0] if anchor[0] >= 0 else kw // 2
            ay = anchor[1] if anchor[1] >= 0 else kh // 2
            if convolution:
                ax, ay = kw - 1 - ax, kh - 1 - ay
            dst, ox, oy = self._out_geometry(src, kw, kh, ax, ay, border)
            b = 'replicate' if border == 'valid' else border
            s, d = _view(src), _view(dst)
            self.lib.vfk_filter2d(self.pool, ctypes.byref(s), ctypes.byref(d),
                                  ox, oy, BORDERS[b], value, kp)
        finally:
            self.lib.vfk_kernel_free(kp)
        return dst
