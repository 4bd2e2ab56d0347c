/* Filters on a subsampled grid, in constant time per pixel.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The frame (extended beyond its edges by the border module) is summed into
 * cells of sx x sy pixels; the grid is smoothed by a small separable
 * Gaussian; each output pixel reads the grid back bilinearly at its
 * position.  The cell average and the bilinear read-back add sx^2/12 +
 * sx^2/6 = sx^2/4 of variance along x (likewise y), so a Gaussian of sigma
 * on the frame is the grid's Gaussian of sqrt(sigma^2 - sx^2/4) / sx cells.
 * Cells follow sigma, so that Gaussian spans the same few cells whatever
 * sigma is: the work per pixel does not grow with it.
 *
 * With range bins (the fast bilateral, vfk-bilateral-fast.c), the range
 * axis is sampled at r_b = b * step: each pixel q adds its range weight
 * w_b(q) and w_b(q) * I(q) to its cell for the bins worth adding; an
 * output pixel reads back the two bins around its range value, divides,
 * and interpolates linearly between them (Yang, Tan & Ahuja 2009 on the
 * bilateral grid of Chen, Paris & Durand 2007).  A second range axis
 * (colour: the range value is then two numbers) is done the bilateral
 * grid's own way: each pixel splatted linearly into the four bins around
 * its two values, the grid smoothed along both (or not: bins far enough
 * apart), each output reading those four bins back, dividing once.
 * Without range bins (the fast Gaussian, vfk-gauss-fast.c), every channel
 * is smoothed (its column sums and read-back: vfk-grid-plain.c).  Where a cell
 * holds many floats (colour at a small sigma-color), only the bins the
 * read-back will take are smoothed: per cell, those of the pixels that
 * interpolate from it (vfk-grid-band.c finds them); the same sums, so the
 * same bytes.
 *
 * Threads take bands of output rows; each computes the grid rows its band
 * needs (a few rows of halo), streaming: a ring of raw grid rows, two
 * smoothed rows, memory independent of the frame height. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vfk-dsp.h"
#include "vfk-grid.h"
#include "vfk-private.h"


typedef float v4f __attribute__((vector_size (16)));

/* Eight floats (two adjacent 4-float bins): one register from AVX2 up;
 * below, two halves (GCC moves a 32-byte vector through the stack there:
 * 2.5x slower) */
#if VFK_VEC_BYTES >= 32
typedef float v8f __attribute__((vector_size (32)));
#else
typedef struct
{
  v4f h[2];
} v8f;
#endif

VFK_ALWAYS_INLINE v8f
v8_load (const float *p)
{
  v8f v;
  memcpy (&v, p, 32);
  return v;
}

/* w v */
VFK_ALWAYS_INLINE v8f
v8_scale (float w, v8f v)
{
#if VFK_VEC_BYTES >= 32
  return w * v;
#else
  for (int i = 0; i < 2; i++)
    v.h[i] *= w;
  return v;
#endif
}

/* acc + w v */
VFK_ALWAYS_INLINE v8f
v8_madd (v8f acc, float w, v8f v)
{
#if VFK_VEC_BYTES >= 32
  return acc + w * v;
#else
  for (int i = 0; i < 2; i++)
    acc.h[i] += w * v.h[i];
  return acc;
#endif
}

/* p[0..4) += w0 v, p[4..8) += w1 v */
VFK_ALWAYS_INLINE void
v8_add_halves (float *p, float w0, float w1, v4f v)
{
#if VFK_VEC_BYTES >= 32
  const v8f w = { w0, w0, w0, w0, w1, w1, w1, w1 };
  const v8f vv = { v[0], v[1], v[2], v[3], v[0], v[1], v[2], v[3] };
  v8f acc = v8_load (p);
  acc += w * vv;
  memcpy (p, &acc, 32);
#else
  v4f acc[2];
  memcpy (acc, p, 32);
  acc[0] += w0 * v;
  acc[1] += w1 * v;
  memcpy (p, acc, 32);
#endif
}

/* w0 (the first 4 floats) + w1 (the last 4) */
VFK_ALWAYS_INLINE v4f
v8_fold (v8f t, float w0, float w1)
{
  v4f h[2];
  memcpy (h, &t, 32);
  return w0 * h[0] + w1 * h[1];
}

typedef float vwin __attribute__((vector_size (8 * VFK_GRID_WIN)));

typedef VfkGridAxis Axis;

typedef VfkGridJob GridJob;

/* ---- hot loops: one variant per CPU level --------------------------------- */

/* A pixel's place on a 2-D range: its bin (kg, kh), the offset of that
 * bin in a cell, the fractions towards kg + 1 and kh + 1. */
VFK_ALWAYS_INLINE size_t
two_bin (const GridJob * job, const int *m, const uint8_t * p, float inv,
    const int CN, float *al, float *be)
{
  int g = 0;
  for (int c = 0; c < CN; c++)
    g += m[c] * p[c];
  const float tg = g * inv + job->rpad;
  const float th = (p[job->chi] - p[job->clo] + 255) * inv + job->rpad;
  const int kg = (int) tg, kh = (int) th;
  *al = tg - kg;
  *be = th - kh;
  return ((size_t) kg * job->nh + kh) * job->K;
}

/* One padded source row into its cell row, 2-D range: each pixel's
 * (1, channels) into the four bins around its two range values, each
 * axis weighted linearly. */
VFK_ALWAYS_INLINE void
splat_two (const GridJob * job, float *restrict cells,
    const uint8_t * restrict pad, int count, float *restrict tmp, const int CN)
{
  const int sx = job->ax.s, K = job->K, nh = job->nh, NK = job->NK;
  const float inv = (float) (1.0 / job->step);
  /* first each pixel's bin and fractions (vectorised) */
  int *restrict O = (int *) tmp;
  float *restrict A = tmp + count, *restrict B = tmp + 2 * count;
  int m[4], f[3];
  for (int c = 0; c < 4; c++)
    m[c] = job->m[c];
  for (int c = 0; c < 3; c++)
    f[c] = job->fch[c];
  for (int x = 0; x < count; x++)
    O[x] = (int) two_bin (job, m, pad + (size_t) x * CN, inv, CN, A + x, B + x);
  for (int x = 0, i = 0, k = 0; x < count; x++) {
    const uint8_t *p = pad + (size_t) x * CN;
    float *e = cells + (size_t) i * NK + O[x];
    const float a = A[x], b = B[x];
    if (++k == sx) {
      k = 0;
      i++;
    }
    /* bins (kg, kh) and (kg, kh + 1) are adjacent: one 8-float update,
     * then the same for kg + 1 */
    const v4f v = { 1.f, p[f[0]], p[f[1]], p[f[2]] };
    v8_add_halves (e, (1 - a) * (1 - b), (1 - a) * b, v);
    v8_add_halves (e + (size_t) nh * K, a * (1 - b), a * b, v);
  }
}

/* Raw grid row j: the sums of the sy source rows it covers.  Compiled per
 * channel count so the (weight, channels) update of a bin is one vector
 * operation. */
#define SPLAT_ROW(CN)                                                         \
  void                                                                        \
  VFK_FN (splat_row_##CN) (const GridJob * job, float *restrict cells, int j,          \
      uint8_t * restrict pad, uint8_t * restrict gpad)                        \
  {                                                                           \
    const int sx = job->ax.s, sy = job->ay.s, NK = job->NK, nb = job->nb;     \
    const int K = job->K;                                                     \
    int m[4];                                                                 \
    for (int c = 0; c < 4; c++)                                               \
      m[c] = job->m[c];                                                       \
    const int count = job->gw * sx;                                           \
    const int x0 = job->ox - job->ax.G * sx;                                  \
    const int gch = job->guide ? job->guide->channels : 0;                    \
    vwin win_one, win_odd;  /* (1, 0, 1, 0 ...), (0, 1, 0, 1 ...) */          \
    for (int i = 0; i < 2 * VFK_GRID_WIN; i++) {                              \
      win_one[i] = !(i & 1);                                                  \
      win_odd[i] = i & 1;                                                     \
    }                                                                         \
    memset (cells, 0, sizeof (float) * job->gw * NK);                         \
    if (job->plain) {                                                         \
      /* the sy rows summed per column (vectorised), then sx columns per     \
       * cell */                                                              \
      uint32_t *restrict col = (uint32_t *) gpad;                             \
      const int ns = count * CN;                                              \
      for (int e = 0; e < ns; e++)                                            \
        col[e] = 0;                                                           \
      if (grid_plain_col_sums (job, col, j, x0, count, CN))                        \
        ;                                                                     \
      else                                                                    \
        for (int q = 0; q < sy; q++) {                                        \
          vfk_border_pad_row (pad, job->src, job->oy + (j - job->ay.G) * sy   \
              + q, x0, count, job->border, job->value);                       \
          for (int e = 0; e < ns; e++)                                        \
            col[e] += pad[e];                                                 \
        }                                                                     \
      for (int i = 0; i < job->gw; i++) {                                     \
        const uint32_t *restrict p = col + (size_t) i * sx * CN;              \
        uint32_t acc[CN] = { 0 };                                             \
        for (int k = 0; k < sx; k++)                                          \
          for (int c = 0; c < CN; c++)                                        \
            acc[c] += p[k * CN + c];                                          \
        for (int c = 0; c < CN; c++)                                          \
          cells[i * CN + c] = (float) acc[c];                                 \
      }                                                                       \
      return;                                                                 \
    }                                                                         \
    for (int q = 0; q < sy; q++) {                                            \
      const int row = job->oy + (j - job->ay.G) * sy + q;                     \
      vfk_border_pad_row (pad, job->src, row, x0, count, job->border,         \
          job->value);                                                        \
      if (gch)                                                                \
        vfk_border_pad_row (gpad, job->guide, row, x0, count, job->border,    \
            job->value);                                                      \
      if (CN >= 3 && job->nh) {                                               \
        splat_two (job, cells, pad, count, (float *) gpad, CN);               \
        continue;                                                             \
      }                                                                       \
      for (int x = 0, i = 0, k = 0; x < count; x++) {                         \
        const uint8_t *p = pad + (size_t) x * CN;                             \
        float *cell = cells + (size_t) i * NK;                                \
        int g = 0;                                                            \
        if (++k == sx) {                                                      \
          k = 0;                                                              \
          i++;                                                                \
        }                                                                     \
        if (gch)                                                              \
          g = gpad[(size_t) x * gch];                                         \
        else                                                                  \
          for (int c = 0; c < CN; c++)                                        \
            g += m[c] * p[c];                                                 \
        const float *wv = job->w + (size_t) g * nb;                           \
        const int b0 = job->blo[g], b1 = job->bhi[g];                         \
        if (CN == 1) {                                                        \
          /* the value's bins as one window of (weight, weight * value)     \
           * pairs, zero past its last bin (the cell row has room) */         \
          vwin wv2, a, pv = win_one + (float) p[0] * win_odd;                 \
          memcpy (&wv2, job->win + (size_t) g * 2 * VFK_GRID_WIN, sizeof a);  \
          memcpy (&a, cell + 2 * b0, sizeof a);                               \
          a += wv2 * pv;                                                      \
          memcpy (cell + 2 * b0, &a, sizeof a);                               \
          continue;                                                           \
        }                                                                     \
        v4f v0 = { 1.f, 0, 0, 0 }, v1 = { 0 };                                \
        for (int c = 0; c < CN && c < job->nf; c++)                           \
          if (c < 3)                                                          \
            v0[1 + c] = p[job->fch[c]];                                       \
          else                                                                \
            v1[0] = p[c];                                                     \
        for (int b = b0; b <= b1; b++) {                                      \
          float *e = cell + b * K;                                            \
          v4f a;                                                              \
          memcpy (&a, e, 16);                                                 \
          a += wv[b] * v0;                                                    \
          memcpy (e, &a, 16);                                                 \
          if (CN == 4 && K == 8) {                                            \
            memcpy (&a, e + 4, 16);                                           \
            a += wv[b] * v1;                                                  \
            memcpy (e + 4, &a, 16);                                           \
          }                                                                   \
        }                                                                     \
      }                                                                       \
    }                                                                         \
  }

/* *INDENT-OFF* */
SPLAT_ROW (1)
SPLAT_ROW (2)
SPLAT_ROW (3)
SPLAT_ROW (4)
/* *INDENT-ON* */


/* Smoothed grid row: the vertical Gaussian over raw rows rows[0..2Ry],
 * then the horizontal one. */
/* o = sum over t of taps[t] r[t], len floats (a multiple of 16), the
 * taps in order from 0, 16 floats at a time held across the taps */
VFK_ALWAYS_INLINE void
taps_sum (float *restrict o, const float *const *r, const float *taps,
    int nt, size_t len)
{
  /* one register per vector (VFK_VEC_BYTES), 16 floats a step */
  typedef float vnf __attribute__((vector_size (VFK_VEC_BYTES)));
  enum
  { NV = 64 / VFK_VEC_BYTES, W = VFK_VEC_BYTES / 4 };
  for (size_t e = 0; e < len; e += 16) {
    vnf acc[NV];
    for (int q = 0; q < NV; q++)
      acc[q] = (vnf) {
      };
    for (int t = 0; t < nt; t++) {
      const vnf w = taps[t] - (vnf) { };        /* a broadcast: x - 0 is x */
      for (int q = 0; q < NV; q++) {
        vnf v;
        memcpy (&v, r[t] + e + q * W, sizeof v);
        acc[q] += w * v;
      }
    }
    memcpy (o + e, acc, sizeof acc);
  }
}

#define smooth_row VFK_FN (smooth_row)
void
smooth_row (const GridJob * job, float *restrict out,
    float *const *rows, float *restrict tmp, const int *span)
{
  const int n = job->gw * job->NK, NK = job->NK, gw = job->gw;
  const int Rx = job->ax.R, Ry = job->ay.R;

  if (span) {
    /* only the bins the read-back takes: per cell a run of whole
     * 16-float blocks (a run may spill into the next cell's floats with
     * their true sums, or, in out, with values nobody reads; the rows
     * have 2 VFK_GRID_WIN floats to spare); vertical pass, then across */
    const float *r[2 * VFK_GRID_MAX_TAPS + 1];
    for (int pass = 0; pass < 2; pass++) {
      const int *lo = span + (pass ? 0 : 2 * gw), *hi = lo + gw;
      const int R = pass ? Rx : Ry;
      for (int c = pass ? Rx : 0; c < (pass ? gw - Rx : gw); c++) {
        if (lo[c] > hi[c])
          continue;
        const size_t e0 = (size_t) c * NK + (size_t) lo[c] * job->K;
        const size_t len = ((size_t) (hi[c] - lo[c] + 1) * job->K + 15) &
            ~(size_t) 15;
        for (int t = 0; t <= 2 * R; t++)
          r[t] = pass ? tmp + e0 + ((ptrdiff_t) t - Rx) * NK : rows[t] + e0;
        taps_sum ((pass ? out : tmp) + e0, r, pass ? job->ax.taps :
            job->ay.taps, 2 * R + 1, len);
      }
    }
    return;
  }
  /* every bin of every cell: whole rows (to 16 floats past their end,
   * which the rows have to spare); cells Rx .. gw-Rx-1 are the ones read
   * back, cell-major order makes the horizontal pass one long run */
  {
    const float *r[2 * VFK_GRID_MAX_TAPS + 1];
    const size_t m0 = (size_t) Rx * NK, m1 = (size_t) (gw - Rx) * NK;
    for (int t = 0; t <= 2 * Ry; t++)
      r[t] = rows[t];
    taps_sum (tmp, r, job->ay.taps, 2 * Ry + 1, ((size_t) n + 15) &
        ~(size_t) 15);
    for (int t = 0; t <= 2 * Rx; t++)
      r[t] = tmp + m0 + ((ptrdiff_t) t - Rx) * NK;
    taps_sum (out + m0, r, job->ax.taps, 2 * Rx + 1, (m1 - m0 + 15) &
        ~(size_t) 15);
    if (job->nh && job->rpad) {
      /* a 2-D range: across each bin row (K floats apart), then down the
       * rows (nh K apart); what spills lands in the pads, which no bin
       * read back takes and which hold zeros until then */
      const size_t dk[2] = { (size_t) job->K, (size_t) job->nh * job->K };
      float *io[2][2] = { {out, tmp}, {tmp, out} };
      for (int pass = 0; pass < 2; pass++) {
        for (int t = 0; t < 3; t++)
          r[t] = io[pass][0] + m0 + ((ptrdiff_t) t - 1) * (ptrdiff_t) dk[pass];
        taps_sum (io[pass][1] + m0, r, job->rtaps, 3, (m1 - m0 + 15) &
            ~(size_t) 15);
      }
    }
  }
}

/* The read-back's second pass, vectorised: each pixel's factors for its
 * two bins, (1 - al) / W0 and al / W1, in place of W0 and W1, and whether
 * both had weight (else the pixel keeps its value: sigma_color far below
 * the bin step). */
static inline void
slice_factors (float *restrict W0, float *restrict W1,
    const float *restrict AL, uint8_t * restrict ok, int n)
{
  for (int x = 0; x < n; x++) {
    ok[x] = W0[x] > 1e-30f && W1[x] > 1e-30f;
    const float f0 = (1 - AL[x]) / (ok[x] ? W0[x] : 1.f);
    const float f1 = AL[x] / (ok[x] ? W1[x] : 1.f);
    W0[x] = f0;
    W1[x] = f1;
  }
}

/* One channel's bytes from the factors and its two bins' sums: round half
 * up (the values are >= 0). */
static inline void
slice_bytes (uint8_t * restrict r, const float *restrict F0,
    const float *restrict F1, const float *restrict S0,
    const float *restrict S1, int n)
{
  for (int x = 0; x < n; x++) {
    const float v = F0[x] * S0[x] + F1[x] * S1[x] + 0.5f;
    r[x] = v >= 255.f ? 255 : (uint8_t) v;
  }
}

/* slice_row for one channel (K == 2: bins k and k + 1 side by side) in two
 * passes: the bilinear reads per pixel (W0, S0, W1, S1), then the
 * divisions and roundings, vectorised. */
static inline void
slice_one (const GridJob * job, const uint8_t * srow, const uint8_t * grow,
    int gch, const float *restrict a, const float *restrict b, float fy,
    const int *ix, const float *fx, float *restrict tmp, uint8_t * out)
{
  const int n = job->dst->width, NK = job->NK;
  const float inv_step = (float) (1.0 / job->step);
  float *restrict W0 = tmp, *restrict S0 = tmp + n, *restrict W1 = tmp + 2 * n;
  float *restrict S1 = tmp + 3 * n, *restrict AL = tmp + 4 * n;

  for (int x = 0; x < n; x++) {
    const int g = gch ? grow[(size_t) x * gch] : job->m[0] * srow[x];
    const float t = g * inv_step;
    const int k = MIN ((int) t, job->nb - 2);
    const float w00 = (1 - fx[x]) * (1 - fy), w01 = fx[x] * (1 - fy);
    const float w10 = (1 - fx[x]) * fy, w11 = fx[x] * fy;
    const size_t o = (size_t) ix[x] * NK + (size_t) k * 2;
    v4f q00, q01, q10, q11, s;
    memcpy (&q00, a + o, 16);
    memcpy (&q01, a + o + NK, 16);
    memcpy (&q10, b + o, 16);
    memcpy (&q11, b + o + NK, 16);
    s = w00 * q00 + w01 * q01 + w10 * q10 + w11 * q11;
    W0[x] = s[0];
    S0[x] = s[1];
    W1[x] = s[2];
    S1[x] = s[3];
    AL[x] = t - k;
  }
  {
    uint8_t *restrict ok = (uint8_t *) (tmp + 5 * n), *restrict r = ok + n;
    slice_factors (W0, W1, AL, ok, n);
    slice_bytes (r, W0, W1, S0, S1, n);
    for (int x = 0; x < n; x++)
      out[x] = ok[x] ? r[x] : srow[x];
  }
}

/* slice_row for K == 4 (2 or 3 channels filtered, the 4th copied), in two
 * passes like slice_one. */
static inline void
slice_four (const GridJob * job, const uint8_t * srow, const uint8_t * grow,
    int gch, const float *restrict a, const float *restrict b, float fy,
    const int *ix, const float *fx, float *restrict tmp, uint8_t * out,
    const int CN)
{
  const int n = job->dst->width, NK = job->NK, nf = job->nf;
  const float inv_step = (float) (1.0 / job->step);
  float *restrict W0 = tmp, *restrict W1 = tmp + n, *restrict AL = tmp + 2 * n;
  float *restrict S = tmp + 3 * n;      /* S0 of channel c at 2c n, S1 at
                                         * (2c + 1) n */
  int m[4];
  for (int c = 0; c < 4; c++)
    m[c] = job->m[c];

  for (int x = 0; x < n; x++) {
    const uint8_t *p = srow + (size_t) x * CN;
    int g = 0;
    if (gch)
      g = grow[(size_t) x * gch];
    else
      for (int c = 0; c < CN; c++)
        g += m[c] * p[c];
    const float t = g * inv_step;
    const int k = MIN ((int) t, job->nb - 2);
    const float w00 = (1 - fx[x]) * (1 - fy), w01 = fx[x] * (1 - fy);
    const float w10 = (1 - fx[x]) * fy, w11 = fx[x] * fy;
    const size_t o = (size_t) ix[x] * NK + (size_t) k * 4;
    v4f acc[2];
    for (int bb = 0; bb < 2; bb++) {
      v4f q00, q01, q10, q11;
      memcpy (&q00, a + o + bb * 4, 16);
      memcpy (&q01, a + o + bb * 4 + NK, 16);
      memcpy (&q10, b + o + bb * 4, 16);
      memcpy (&q11, b + o + bb * 4 + NK, 16);
      acc[bb] = w00 * q00 + w01 * q01 + w10 * q10 + w11 * q11;
    }
    W0[x] = acc[0][0];
    W1[x] = acc[1][0];
    AL[x] = t - k;
    for (int c = 0; c < nf; c++) {
      S[2 * c * n + x] = acc[0][1 + c];
      S[(2 * c + 1) * n + x] = acc[1][1 + c];
    }
  }
  /* the two bins' factors once per pixel, each channel's bytes as a
   * contiguous row (all vectorised), then interleaved */
  uint8_t *restrict ok = (uint8_t *) (tmp + 9 * n);
  uint8_t *restrict rb = ok + n;        /* channel c's bytes at c n */
  slice_factors (W0, W1, AL, ok, n);
  for (int c = 0; c < nf; c++)
    slice_bytes (rb + c * n, W0, W1, S + 2 * c * n, S + (2 * c + 1) * n, n);
  for (int x = 0; x < n; x++)
    for (int c = 0; c < nf; c++) {
      const int ch = job->fch[c];
      out[(size_t) x * CN + ch] = ok[x] ? rb[c * n + x] :
          srow[(size_t) x * CN + ch];
    }
  if (job->skip >= 0)
    for (int x = 0; x < n; x++)
      out[(size_t) x * CN + job->skip] = srow[(size_t) x * CN + job->skip];
}

/* slice_row for a 2-D range, in two passes like slice_one: the four bins
 * around the pixel's two range values, each read bilinearly and weighted
 * linearly (W, S per channel), then the divisions and roundings. */
static inline void
slice_two (const GridJob * job, const uint8_t * srow, const float *restrict a,
    const float *restrict b, float fy, const int *ix, const float *fx,
    float *restrict tmp, uint8_t * out, const int CN)
{
  const int n = job->dst->width, NK = job->NK, K = job->K, nh = job->nh;
  const float inv = (float) (1.0 / job->step);
  float *restrict W = tmp, *restrict S = tmp + n;       /* channel c at c n */
  /* first each pixel's bins and fractions (vectorised) */
  int *restrict O = (int *) (tmp + 5 * n);
  float *restrict AL = tmp + 6 * n, *restrict BE = tmp + 7 * n;
  int m[4];
  for (int c = 0; c < 4; c++)
    m[c] = job->m[c];
  for (int x = 0; x < n; x++)
    O[x] = ix[x] * NK + (int) two_bin (job, m, srow + (size_t) x * CN, inv,
        CN, AL + x, BE + x);

  for (int x = 0; x < n; x++) {
    const float al = AL[x], be = BE[x];
    const size_t o = (size_t) O[x];
    const float w00 = (1 - fx[x]) * (1 - fy), w01 = fx[x] * (1 - fy);
    const float w10 = (1 - fx[x]) * fy, w11 = fx[x] * fy;
    /* bins (kg, kh .. kh + 1) in t0, (kg + 1, kh .. kh + 1) in t1: 8
     * floats each, read bilinearly in space */
    v8f t[2];
    for (int i = 0; i < 2; i++) {
      const size_t oi = o + i * (size_t) nh * K;
      t[i] = v8_scale (w00, v8_load (a + oi));
      t[i] = v8_madd (t[i], w01, v8_load (a + oi + NK));
      t[i] = v8_madd (t[i], w10, v8_load (b + oi));
      t[i] = v8_madd (t[i], w11, v8_load (b + oi + NK));
    }
    const v4f s = v8_fold (v8_madd (v8_scale (1 - al, t[0]), al, t[1]),
        1 - be, be);
    W[x] = s[0];
    for (int c = 0; c < 3; c++)
      S[c * n + x] = s[1 + c];
  }
  {
    uint8_t *restrict ok = (uint8_t *) (tmp + 4 * n), *restrict r = ok + n;
    for (int x = 0; x < n; x++) {
      ok[x] = W[x] > 1e-30f;
      W[x] = 1.f / (ok[x] ? W[x] : 1.f);
    }
    for (int c = 0; c < 3; c++) {
      const int ch = job->fch[c];
      for (int x = 0; x < n; x++) {
        /* values are >= 0: round half up */
        const float v = S[c * n + x] * W[x] + 0.5f;
        r[x] = v >= 255.f ? 255 : (uint8_t) v;
      }
      for (int x = 0; x < n; x++)
        out[(size_t) x * CN + ch] = ok[x] ? r[x] : srow[(size_t) x * CN + ch];
    }
    if (job->skip >= 0)
      for (int x = 0; x < n; x++)
        out[(size_t) x * CN + job->skip] = srow[(size_t) x * CN + job->skip];
  }
}

/* Output row y from smoothed grid rows a (above) and b (below), per
 * channel count like splat_row. */
#define SLICE_ROW(CN)                                                         \
  void                                                                        \
  VFK_FN (slice_row_##CN) (const GridJob * job, int y, const float *restrict a,        \
      const float *restrict b, float fy, const int *ix, const float *fx,      \
      float *restrict tmp)                                                    \
  {                                                                           \
    const int K = job->K, NK = job->NK, NV = CN < 4 ? 1 : 2;                  \
    const int gch = job->guide ? job->guide->channels : 0;                    \
    const uint8_t *srow = vfk_row (job->src, y + job->oy) +                   \
        (size_t) job->ox * CN;                                                \
    const uint8_t *grow = gch ? vfk_row (job->guide, y + job->oy) +           \
        (size_t) job->ox * gch : NULL;                                        \
    const float inv_step = (float) (1.0 / job->step);                         \
    uint8_t *out = vfk_row (job->dst, y);                                     \
    int m[4];                                                                 \
    for (int c = 0; c < 4; c++)                                               \
      m[c] = job->m[c];                                                       \
    if (CN == 1) {                                                            \
      slice_one (job, srow, grow, gch, a, b, fy, ix, fx, tmp, out);           \
      return;                                                                 \
    }                                                                         \
    if (CN >= 3 && job->nh) {                                                 \
      slice_two (job, srow, a, b, fy, ix, fx, tmp, out, CN);                  \
      return;                                                                 \
    }                                                                         \
    if (K == 4) {                                                             \
      slice_four (job, srow, grow, gch, a, b, fy, ix, fx, tmp, out, CN);      \
      return;                                                                 \
    }                                                                         \
    for (int x = 0; x < job->dst->width; x++) {                               \
      const uint8_t *p = srow + (size_t) x * CN;                              \
      int g = 0;                                                              \
      if (gch)                                                                \
        g = grow[(size_t) x * gch];                                           \
      else                                                                    \
        for (int c = 0; c < CN; c++)                                          \
          g += m[c] * p[c];                                                   \
      const float t = g * inv_step;                                           \
      const int k = MIN ((int) t, job->nb - 2);                               \
      const float al = t - k;                                                 \
      const float w00 = (1 - fx[x]) * (1 - fy), w01 = fx[x] * (1 - fy);       \
      const float w10 = (1 - fx[x]) * fy, w11 = fx[x] * fy;                   \
      const size_t o = (size_t) ix[x] * NK + (size_t) k * K;                  \
      v4f acc[2][2];                                                          \
      for (int bb = 0; bb < 2; bb++)                                          \
        for (int h = 0; h < NV; h++) {                                        \
          const size_t oe = o + bb * K + h * 4;                               \
          v4f q00, q01, q10, q11;                                             \
          memcpy (&q00, a + oe, 16);                                          \
          memcpy (&q01, a + oe + NK, 16);                                     \
          memcpy (&q10, b + oe, 16);                                          \
          memcpy (&q11, b + oe + NK, 16);                                     \
          acc[bb][h] = w00 * q00 + w01 * q01 + w10 * q10 + w11 * q11;         \
        }                                                                     \
      if (acc[0][0][0] > 1e-30f && acc[1][0][0] > 1e-30f) {                   \
        const float f0 = (1 - al) / acc[0][0][0], f1 = al / acc[1][0][0];     \
        v4f r0 = f0 * acc[0][0] + f1 * acc[1][0], r1 = { 0 };                 \
        if (NV == 2)                                                          \
          r1 = f0 * acc[0][1] + f1 * acc[1][1];                               \
        for (int c = 0; c < CN; c++) {                                        \
          /* values are >= 0: round half up */                                \
          const float v = (c < 3 ? r0[1 + c] : r1[0]) + 0.5f;                 \
          out[(size_t) x * CN + c] = v >= 255.f ? 255 : (uint8_t) v;          \
        }                                                                     \
      } else {                                                                \
        /* no weight anywhere near (sigma_color far below the bin step):     \
         * the pixel keeps its value */                                       \
        for (int c = 0; c < CN; c++)                                          \
          out[(size_t) x * CN + c] = p[c];                                    \
      }                                                                       \
    }                                                                         \
  }

/* *INDENT-OFF* */
SLICE_ROW (1)
SLICE_ROW (2)
SLICE_ROW (3)
SLICE_ROW (4)
/* *INDENT-ON* */
