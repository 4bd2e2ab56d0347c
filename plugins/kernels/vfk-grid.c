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
 * bilateral grid of Chen, Paris & Durand 2007).  Without them (the fast
 * Gaussian, vfk-gauss-fast.c), every channel is smoothed.
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
typedef float vwin __attribute__((vector_size (8 * VFK_GRID_WIN)));

typedef VfkGridAxis Axis;

typedef struct VfkGridJob
{
  const VfkImage *src, *guide;
  VfkImage *dst;
  int ox, oy;
  VfkBorder border;
  uint8_t value;
  unsigned dist_mask;
  VfkPool *pool;

  int plain;                    /* Gaussian: no range bins, no weights */
  int cn;                       /* channels per pixel */
  int nf, fch[4];               /* the nf channels filtered (range bins:
                                 * all, or the 3 colours of 4 channels
                                 * when the 4th is not in the distance) */
  int skip;                     /* the channel copied, or -1 */
  int K;                        /* floats per bin and cell: weight, nf
                                 * channels, zeros up to 2, 4 or 8 */
  int m[4];                     /* 1 for the channels in the range value */
  int nb;                       /* bins */
  int NK;                       /* floats per cell: nb * K (plain: cn) */
  double step;                  /* range distance between bins (bilateral) */
  Axis ax, ay;
  int gw;                       /* cells per grid row */
  const float *w;               /* w[v * nb + b]: range weight of value v */
  const uint8_t *blo, *bhi;     /* bins with a weight worth adding, per v */
  const float *win;             /* VfkGridRange.win */
} GridJob;

/* ---- hot loops: one variant per CPU level --------------------------------- */

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
      for (int q = 0; q < sy; q++) {                                          \
        vfk_border_pad_row (pad, job->src, job->oy + (j - job->ay.G) * sy +   \
            q, x0, count, job->border, job->value);                           \
        for (int e = 0; e < ns; e++)                                          \
          col[e] += pad[e];                                                   \
      }                                                                       \
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
#define smooth_row VFK_FN (smooth_row)
void
smooth_row (const GridJob * job, float *restrict out,
    float *const *rows, float *restrict tmp)
{
  const int n = job->gw * job->NK, NK = job->NK;
  const int Rx = job->ax.R, Ry = job->ay.R;

  for (int e = 0; e < n; e++)
    tmp[e] = 0.f;
  for (int t = 0; t <= 2 * Ry; t++) {
    const float k = job->ay.taps[t];
    const float *restrict r = rows[t];
    for (int e = 0; e < n; e++)
      tmp[e] += k * r[e];
  }
  /* cells Rx .. gw-Rx-1 are the ones read back; cell-major order makes
   * the horizontal pass one long loop per tap */
  {
    const size_t m0 = (size_t) Rx * NK, m1 = (size_t) (job->gw - Rx) * NK;
    float *restrict o = out;
    for (size_t m = m0; m < m1; m++)
      o[m] = 0.f;
    for (int t = 0; t <= 2 * Rx; t++) {
      const float k = job->ax.taps[t];
      const float *restrict r = tmp + ((ptrdiff_t) t - Rx) * NK;
      for (size_t m = m0; m < m1; m++)
        o[m] += k * r[m];
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

/* The Gaussian's output row: the two grid rows interpolated vertically
 * into v (cells), then horizontally per sample: sample m of the row reads
 * cell sample idx[m] and the next cell's, at fraction fm[m]. */
#define slice_plain_row VFK_FN (slice_plain_row)
void
slice_plain_row (const GridJob * job, int y, const float *restrict a,
    const float *restrict b, float fy, const int *restrict idx,
    const float *restrict fm, float *restrict v, float *restrict d,
    float *restrict row)
{
  const int n = job->gw * job->cn, cn = job->cn;
  const int m1 = job->dst->width * cn;
  uint8_t *restrict out = vfk_row (job->dst, y);

  for (int e = 0; e < n; e++)
    v[e] = a[e] + fy * (b[e] - a[e]);
  for (int e = 0; e + cn < n; e++)
    d[e] = v[e + cn] - v[e];
  for (int m = 0; m < m1; m++)
    row[m] = v[idx[m]] + fm[m] * d[idx[m]] + 0.5f;
  for (int m = 0; m < m1; m++) {
    const float t = row[m];
    out[m] = t <= 0.f ? 0 : t >= 255.f ? 255 : (uint8_t) t;
  }
}

#if VFK_ONCE

#define GRID_VARIANTS(name, args) \
  VFK_DECLARE_VARIANTS (void, name##_1, args); \
  VFK_DECLARE_VARIANTS (void, name##_2, args); \
  VFK_DECLARE_VARIANTS (void, name##_3, args); \
  VFK_DECLARE_VARIANTS (void, name##_4, args)
GRID_VARIANTS (splat_row, (const GridJob * job, float *cells, int j,
        uint8_t * pad, uint8_t * gpad));
GRID_VARIANTS (slice_row, (const GridJob * job, int y, const float *a,
        const float *b, float fy, const int *ix, const float *fx, float *tmp));
VFK_DECLARE_VARIANTS (void, smooth_row, (const GridJob * job, float *out,
        float *const *rows, float *tmp));
VFK_DECLARE_VARIANTS (void, slice_plain_row, (const GridJob * job, int y,
        const float *a, const float *b, float fy, const int *idx,
        const float *fm, float *v, float *d, float *row));

void
vfk_grid_dsp_init (VfkGridDsp * dsp, unsigned flags)
{
  dsp->splat[0] = splat_row_1_c;
  dsp->splat[1] = splat_row_2_c;
  dsp->splat[2] = splat_row_3_c;
  dsp->splat[3] = splat_row_4_c;
  dsp->smooth = smooth_row_c;
  dsp->slice[0] = slice_row_1_c;
  dsp->slice[1] = slice_row_2_c;
  dsp->slice[2] = slice_row_3_c;
  dsp->slice[3] = slice_row_4_c;
  dsp->slice_plain = slice_plain_row_c;
  VFK_OVERRIDE (dsp, flags, splat[0], splat_row_1);
  VFK_OVERRIDE (dsp, flags, splat[1], splat_row_2);
  VFK_OVERRIDE (dsp, flags, splat[2], splat_row_3);
  VFK_OVERRIDE (dsp, flags, splat[3], splat_row_4);
  VFK_OVERRIDE (dsp, flags, smooth, smooth_row);
  VFK_OVERRIDE (dsp, flags, slice[0], slice_row_1);
  VFK_OVERRIDE (dsp, flags, slice[1], slice_row_2);
  VFK_OVERRIDE (dsp, flags, slice[2], slice_row_3);
  VFK_OVERRIDE (dsp, flags, slice[3], slice_row_4);
  VFK_OVERRIDE (dsp, flags, slice_plain, slice_plain_row);
}

VFK_DSP_GETTER (VfkGridDsp, grid_dsp, vfk_grid_dsp_init);

void
vfk_grid_axis_init (Axis * a, double sigma, int s, double cut, double scale)
{
  double sg, sum = 0;
  a->s = s;
  sg = s > 1 ? sqrt (MAX (sigma * sigma - s * s / 4.0, 0.0)) / s : sigma;
  sg = MAX (sg, 0.3);
  a->R = MIN (VFK_GRID_MAX_TAPS, (int) ceil (cut * sg));
  for (int t = -a->R; t <= a->R; t++)
    sum += exp (-0.5 * t * t / (sg * sg));
  for (int t = -a->R; t <= a->R; t++)
    a->taps[t + a->R] = (float) (scale * exp (-0.5 * t * t / (sg * sg)) / sum);
  a->G = a->R + 2;
}

static void
grid_band (void *data, int worker, int y0, int y1)
{
  const GridJob *job = data;
  const VfkGridDsp *dsp = grid_dsp ();
  const int sx = job->ax.s, sy = job->ay.s, R = job->ay.R;
  const int wout = job->dst->width;
  const size_t rowf = (size_t) job->gw * job->NK;
  /* (+ the splat window's overhang past the last cell) */
  const size_t rowb = VFK_ALIGN (sizeof (float) * (rowf + 2 * VFK_GRID_WIN));
  const int nraw = 2 * R + 1;
  const size_t ring_bytes = vfk_ring_bytes (nraw, rowb);
  /* pad: a padded source row; gpad: a padded guide row, or (plain) the
   * 32-bit column sums of a cell row */
  const size_t padb = VFK_ALIGN ((size_t) job->gw * sx * 4 * 4);
  const int m1 = wout * job->cn;
  /* plain: per-sample cell index and fraction, the interpolated row */
  const size_t plainb = job->plain ? 2 * rowb + VFK_ALIGN (sizeof (int) * m1)
      + 2 * VFK_ALIGN (sizeof (float) * m1) : 0;
  /* slice: up to 9 floats and 4 bytes per output pixel */
  const size_t sliceb = VFK_ALIGN (sizeof (float) * 10 * wout);
  uint8_t *mem = vfk_pool_scratch (job->pool, worker, ring_bytes + 3 * rowb
      + 2 * padb + VFK_ALIGN (sizeof (int) * wout)
      + VFK_ALIGN (sizeof (float) * wout) + plainb + sliceb);
  if (!mem)
    return;                     /* the job reports the failure */
  float *sm[2] = { (float *) (mem + ring_bytes),
    (float *) (mem + ring_bytes + rowb)
  };
  float *tmp = (float *) (mem + ring_bytes + 2 * rowb);
  uint8_t *pad = mem + ring_bytes + 3 * rowb;
  uint8_t *gpad = pad + padb;
  int *ix = (int *) (gpad + padb);
  float *fx = (float *) ((uint8_t *) ix + VFK_ALIGN (sizeof (int) * wout));
  float **rows = alloca (sizeof (float *) * nraw);
  int have[2] = { INT_MIN, INT_MIN };   /* grid row held by sm[0], sm[1] */
  VfkRing ring;

  uint8_t *pm = (uint8_t *) fx + VFK_ALIGN (sizeof (float) * wout);
  float *pv = (float *) pm, *pd = (float *) (pm + rowb);
  int *idx = (int *) (pm + 2 * rowb);
  float *fm = (float *) ((uint8_t *) idx + VFK_ALIGN (sizeof (int) * m1));
  float *prow = (float *) ((uint8_t *) fm + VFK_ALIGN (sizeof (float) * m1));
  float *stmp = (float *) (pm + plainb);

  vfk_ring_init (&ring, mem, nraw, rowb);
  for (int x = 0; x < wout; x++) {
    const double v = (x - (sx - 1) / 2.0) / sx + job->ax.G;
    ix[x] = (int) floor (v);
    fx[x] = (float) (v - ix[x]);
    if (job->plain)
      for (int c = 0; c < job->cn; c++) {
        idx[x * job->cn + c] = ix[x] * job->cn + c;
        fm[x * job->cn + c] = fx[x];
      }
  }
  for (int y = y0; y < y1; y++) {
    const double u = (y - (sy - 1) / 2.0) / sy + job->ay.G;
    const int j0 = (int) floor (u);
    const float *ab[2];

    for (int h = 0; h < 2; h++) {
      const int j = j0 + h;
      float *dst;
      if (have[0] == j) {
        ab[h] = sm[0];
        continue;
      }
      if (have[1] == j) {
        ab[h] = sm[1];
        continue;
      }
      /* replace the row no longer needed (the one above j0) */
      dst = (have[0] == j0 || have[0] == j0 + 1) ? sm[1] : sm[0];
      for (int t = 0; t < nraw; t++) {
        int fresh;
        rows[t] = vfk_ring_slot (&ring, j - R + t, &fresh);
        if (fresh)
          dsp->splat[job->cn - 1] (job, rows[t], j - R + t, pad, gpad);
      }
      dsp->smooth (job, dst, rows, tmp);
      have[dst == sm[1]] = j;
      ab[h] = dst;
    }
    if (job->plain)
      dsp->slice_plain (job, y, ab[0], ab[1], (float) (u - j0), idx, fm, pv,
          pd, prow);
    else
      dsp->slice[job->cn - 1] (job, y, ab[0], ab[1], (float) (u - j0), ix, fx,
          stmp);
  }
}

int
vfk_grid_layout (int cn, unsigned dist_mask, int fch[4], int *nf, int *skip)
{
  int nm = 0;
  for (int c = 0; c < cn; c++)
    nm += (dist_mask >> c) & 1;
  /* four channels, one of them out of the distance (alpha, padding): it
   * is copied (the elements pass it through), the others filtered */
  *skip = -1;
  *nf = 0;
  for (int c = 0; c < cn; c++)
    if (cn == 4 && nm == 3 && !((dist_mask >> c) & 1))
      *skip = c;
    else
      fch[(*nf)++] = c;
  /* one channel: (weight, value) pairs; else whole 4-float vectors */
  return cn == 1 ? 2 : *nf + 1 <= 4 ? 4 : 8;
}

int
vfk_grid_run (VfkPool * pool, const VfkImage * src, const VfkImage * guide,
    VfkImage * dst, int ox, int oy, VfkBorder border, uint8_t value,
    unsigned dist_mask, const Axis * ax, const Axis * ay,
    const VfkGridRange * range)
{
  GridJob job = {
    .src = src,.guide = guide,.dst = dst,.ox = ox,.oy = oy,.border = border,
    .value = value,.dist_mask = dist_mask,.pool = pool,.cn = src->channels,
    .ax = *ax,.ay = *ay,.skip = -1,
  };

  if (!range) {
    job.plain = 1;
    job.guide = NULL;
    job.NK = job.cn;
  } else {
    for (int c = 0; c < job.cn; c++)
      job.m[c] = (dist_mask >> c) & 1;
    job.K = vfk_grid_layout (job.cn, dist_mask, job.fch, &job.nf, &job.skip);
    job.step = range->step;
    job.nb = range->nb;
    job.w = range->w;
    job.blo = range->blo;
    job.bhi = range->bhi;
    job.win = job.cn == 1 ? range->win : NULL;
    job.NK = job.nb * job.K;
  }
  job.gw = (dst->width + job.ax.s - 1) / job.ax.s + 2 * job.ax.G + 1;
  return vfk_pool_run (pool, dst->height, grid_band, &job);
}

#endif /* VFK_ONCE */
