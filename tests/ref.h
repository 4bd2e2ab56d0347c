/* Independent brute-force references for the tests: no code shared with
 * the kernel library.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef VF_TEST_REF_H
#define VF_TEST_REF_H

#include <stdint.h>
#include <stddef.h>

enum { REF_CONSTANT, REF_REPLICATE, REF_REFLECT, REF_SYMMETRIC, REF_WRAP };

/* Pads by literal repeated mirroring / shifting; -1 = the constant. */
static inline int
ref_index (int p, int n, int b)
{
  switch (b) {
    case REF_CONSTANT:
      return (p < 0 || p >= n) ? -1 : p;
    case REF_REPLICATE:
      return p < 0 ? 0 : p >= n ? n - 1 : p;
    case REF_REFLECT:
      if (n == 1)
        return 0;
      while (p < 0 || p >= n)
        p = p < 0 ? -p : 2 * (n - 1) - p;
      return p;
    case REF_SYMMETRIC:
      while (p < 0 || p >= n)
        p = p < 0 ? -p - 1 : 2 * n - 1 - p;
      return p;
    case REF_WRAP:
      while (p < 0)
        p += n;
      while (p >= n)
        p -= n;
      return p;
  }
  return -1;
}

typedef enum {
  REF_ROUND_HALF_UP_DIV,        /* floor(s / div + bias + 1/2), div > 0 */
  REF_ROUND_SHIFT16,            /* (s + 2^15) >> 16 */
} RefRound;

typedef struct {
  int kw, kh, ax, ay;
  const int *k;                 /* kw*kh correlation weights */
  RefRound round;
  long div, bias;
} RefKernel;

static inline uint8_t
ref_finish (long s, const RefKernel * k)
{
  long v;
  if (k->round == REF_ROUND_SHIFT16) {
    v = (s + 32768) >> 16;
  } else {
    long num = 2 * s + 2 * k->bias * k->div + k->div, den = 2 * k->div;
    v = num >= 0 ? num / den : -((-num + den - 1) / den);
  }
  return (uint8_t) (v < 0 ? 0 : v > 255 ? 255 : v);
}

/* Filters channel c of a w x h plane (cn bytes per pixel) into out, with
 * output pixel (x, y) centred on input (x + ox, y + oy); ow x oh output. */
static inline void
ref_filter_plane (const uint8_t * in, ptrdiff_t istride, int w, int h, int cn,
    int c, uint8_t * out, ptrdiff_t ostride, int ow, int oh, int ox, int oy,
    int border, uint8_t value, const RefKernel * k)
{
  for (int y = 0; y < oh; y++)
    for (int x = 0; x < ow; x++) {
      long s = 0;
      for (int j = 0; j < k->kh; j++) {
        int sy = ref_index (y + oy + j - k->ay, h, border);
        for (int i = 0; i < k->kw; i++) {
          int wgt = k->k[j * k->kw + i];
          int sx, p;
          if (!wgt)
            continue;
          sx = ref_index (x + ox + i - k->ax, w, border);
          p = (sy < 0 || sx < 0) ? value : in[sy * istride + sx * cn + c];
          s += (long) wgt * p;
        }
      }
      out[y * ostride + x * cn + c] = ref_finish (s, k);
    }
}

/* Median of the kw x kh window by sorting it (kw*kh <= 255*255). */
static inline void
ref_median_plane (const uint8_t * in, ptrdiff_t istride, int w, int h, int cn,
    int c, uint8_t * out, ptrdiff_t ostride, int ow, int oh, int ox, int oy,
    int border, uint8_t value, int kw, int kh)
{
  for (int y = 0; y < oh; y++)
    for (int x = 0; x < ow; x++) {
      int hist[256] = { 0 }, n = 0, rank = (kw * kh - 1) / 2, v = 0;
      for (int j = 0; j < kh; j++)
        for (int i = 0; i < kw; i++) {
          int sy = ref_index (y + oy + j - kh / 2, h, border);
          int sx = ref_index (x + ox + i - kw / 2, w, border);
          hist[(sy < 0 || sx < 0) ? value : in[sy * istride + sx * cn + c]]++;
          n++;
        }
      while (rank >= hist[v])
        rank -= hist[v++];
      out[y * ostride + x * cn + c] = (uint8_t) v;
    }
}

#include <math.h>

/* cv2.bilateralFilter's definition in double precision; the colour
 * distance sums the channels in dist_mask. */
/* The same with the distance taken from a guide: gstep bytes between guide
 * pixels, gstride between guide rows (a subsampled view of a luma plane). */
static inline void
ref_bilateral_guided (const uint8_t * in, ptrdiff_t istride, int w, int h,
    int cn, const uint8_t * guide, ptrdiff_t gstride, int gstep,
    uint8_t * out, ptrdiff_t ostride, int border, uint8_t value, int radius,
    double sc, double ss)
{
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      double num[4] = { 0 }, den = 0;
      int g0 = guide[y * gstride + x * gstep];
      for (int i = -radius; i <= radius; i++)
        for (int j = -radius; j <= radius; j++) {
          double d = sqrt ((double) i * i + (double) j * j), cd, wgt;
          int sy = ref_index (y + i, h, border);
          int sx = ref_index (x + j, w, border);
          int g;
          if (d > radius)
            continue;
          g = (sy < 0 || sx < 0) ? value : guide[sy * gstride + sx * gstep];
          cd = fabs ((double) g - g0);
          wgt = exp (-d * d / (2 * ss * ss)) * exp (-cd * cd / (2 * sc * sc));
          for (int c = 0; c < cn; c++)
            num[c] += wgt * ((sy < 0 || sx < 0) ? value :
                in[sy * istride + sx * cn + c]);
          den += wgt;
        }
      for (int c = 0; c < cn; c++) {
        long v = lrint (num[c] / den);
        out[y * ostride + x * cn + c] = (uint8_t) (v < 0 ? 0 : v > 255 ? 255 :
            v);
      }
    }
}

static inline void
ref_bilateral_plane (const uint8_t * in, ptrdiff_t istride, int w, int h,
    int cn, unsigned dist_mask, uint8_t * out, ptrdiff_t ostride, int border,
    uint8_t value, int radius, double sc, double ss)
{
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      double num[4] = { 0 }, den = 0;
      const uint8_t *c0 = in + y * istride + x * cn;
      for (int i = -radius; i <= radius; i++)
        for (int j = -radius; j <= radius; j++) {
          double d = sqrt ((double) i * i + (double) j * j), cd = 0, wgt;
          int sy = ref_index (y + i, h, border);
          int sx = ref_index (x + j, w, border);
          uint8_t px[4];
          if (d > radius)
            continue;
          for (int c = 0; c < cn; c++)
            px[c] = (sy < 0 || sx < 0) ? value : in[sy * istride + sx * cn + c];
          for (int c = 0; c < cn; c++)
            if (dist_mask & (1u << c))
              cd += fabs ((double) px[c] - c0[c]);
          wgt = exp (-d * d / (2 * ss * ss)) * exp (-cd * cd / (2 * sc * sc));
          for (int c = 0; c < cn; c++)
            num[c] += wgt * px[c];
          den += wgt;
        }
      for (int c = 0; c < cn; c++) {
        long v = lrint (num[c] / den);
        out[y * ostride + x * cn + c] = (uint8_t) (v < 0 ? 0 : v > 255 ? 255 :
            v);
      }
    }
}

#endif
