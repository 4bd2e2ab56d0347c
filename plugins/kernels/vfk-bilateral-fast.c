/* Bilateral filter in constant time per pixel: range-binned bilateral
 * (Yang, Tan & Ahuja 2009) on a spatially subsampled grid (as in the
 * bilateral grid of Chen, Paris & Durand 2007).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The range axis is sampled at values r_b = b * step (step = sigma_color,
 * at most 64 bins).  For each bin, every pixel q contributes its range
 * weight w_b(q) = exp(-(g(q) - r_b)^2 / 2 sigma_color^2) and w_b(q) * I(q)
 * to the grid cell it falls in (cells of s x s pixels); the grid planes are
 * smoothed by a small Gaussian; an output pixel p reads them back
 * bilinearly at its position for the two bins around g(p), divides, and
 * interpolates linearly between the two.  g is the range value: the sum of
 * the distance channels (|g(p) - g(q)| is the L1 colour distance of exact
 * mode whenever the channels move together) or the guide's first channel.
 *
 * Space weights: the exact window is a Gaussian of sigma_space truncated to
 * a circle of the diameter; this mode uses the Gaussian of the same spread
 * (sigma_window, its standard deviation along an axis), which is what the
 * cell size follows: s = round(sigma_window), and the grid's own Gaussian
 * has sigma sqrt(sigma_window^2 - s^2/4) / s cells (the cell average and
 * the bilinear read-back add s^2/12 + s^2/6 of variance) — between 0.5 and
 * 1.5 cells whatever the diameter, so the work per pixel does not grow with
 * it.
 * Borders: cells beyond the frame are filled from the border module.
 *
 * Threads take bands of output rows; each computes the grid rows its band
 * needs (a few rows of halo), streaming: a ring of raw grid rows, two
 * smoothed rows, memory independent of the frame height. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vfk-private.h"

#define MAX_BINS 64

typedef struct {
  const VfkImage *src, *guide;
  VfkImage *dst;
  int ox, oy;
  VfkBorder border;
  uint8_t value;
  unsigned dist_mask;
  VfkPool *pool;

  int cn;                       /* channels filtered */
  int K;                        /* floats per bin and cell: weight + cn */
  int nb;                       /* bins */
  int NK;                       /* floats per cell: nb * K */
  double step;                  /* range distance between bins */
  int s;                        /* cell side in pixels */
  int G;                        /* cells left of / above the frame */
  int R;                        /* grid Gaussian radius (cells) */
  float taps[2 * 8 + 1];        /* grid Gaussian, normalised */
  int gw;                       /* cells per grid row */
  const float *w;               /* w[v * nb + b]: range weight of value v */
  const uint8_t *blo, *bhi;     /* bins with a weight worth adding, per v */
} FastJob;

static inline int
range_value (const FastJob * job, const uint8_t * pix, const uint8_t * gpix)
{
  int g = 0;
  if (gpix)
    return gpix[0];
  for (int c = 0; c < job->cn; c++)
    if ((job->dist_mask >> c) & 1)
      g += pix[c];
  return g;
}

/* Raw grid row j: the sums of the s source rows it covers.  Compiled per
 * channel count so the (weight, channels) update of a bin is one vector
 * operation. */
#define SPLAT_ROW(CN)                                                         \
  VFK_CLONES static void                                                      \
  splat_row_##CN (const FastJob * job, float *restrict cells, int j,          \
      uint8_t * restrict pad, uint8_t * restrict gpad)                        \
  {                                                                           \
    const int s = job->s, NK = job->NK, nb = job->nb;                         \
    const int count = job->gw * s;                                            \
    const int x0 = job->ox - job->G * s;                                      \
    const int gch = job->guide ? job->guide->channels : 0;                    \
    memset (cells, 0, sizeof (float) * job->gw * NK);                         \
    for (int q = 0; q < s; q++) {                                             \
      const int row = job->oy + (j - job->G) * s + q;                         \
      vfk_border_pad_row (pad, job->src, row, x0, count, job->border,         \
          job->value);                                                        \
      if (gch)                                                                \
        vfk_border_pad_row (gpad, job->guide, row, x0, count, job->border,    \
            job->value);                                                      \
      for (int x = 0; x < count; x++) {                                       \
        const uint8_t *p = pad + (size_t) x * CN;                             \
        const int g = range_value (job, p, gch ? gpad + (size_t) x * gch :    \
            NULL);                                                            \
        const float *wv = job->w + (size_t) g * nb;                           \
        float *cell = cells + (size_t) (x / s) * NK;                          \
        float v[CN + 1];                                                      \
        v[0] = 1.f;                                                           \
        for (int c = 0; c < CN; c++)                                          \
          v[1 + c] = p[c];                                                    \
        for (int b = job->blo[g]; b <= job->bhi[g]; b++) {                    \
          const float wb = wv[b];                                             \
          float *restrict e = cell + b * (CN + 1);                            \
          for (int c = 0; c <= CN; c++)                                       \
            e[c] += wb * v[c];                                                \
        }                                                                     \
      }                                                                       \
    }                                                                         \
  }

SPLAT_ROW (1)
SPLAT_ROW (2)
SPLAT_ROW (3)
SPLAT_ROW (4)

static void
splat_row (const FastJob * job, float *cells, int j, uint8_t * pad,
    uint8_t * gpad)
{
  switch (job->cn) {
    case 1:
      splat_row_1 (job, cells, j, pad, gpad);
      break;
    case 2:
      splat_row_2 (job, cells, j, pad, gpad);
      break;
    case 3:
      splat_row_3 (job, cells, j, pad, gpad);
      break;
    default:
      splat_row_4 (job, cells, j, pad, gpad);
      break;
  }
}

/* Smoothed grid row: the vertical Gaussian over raw rows rows[0..2R], then
 * the horizontal one. */
VFK_CLONES static void
smooth_row (const FastJob * job, float *restrict out, float *const *rows,
    float *restrict tmp)
{
  const int n = job->gw * job->NK, NK = job->NK, R = job->R;

  for (int e = 0; e < n; e++)
    tmp[e] = 0.f;
  for (int t = 0; t <= 2 * R; t++) {
    const float k = job->taps[t];
    const float *restrict r = rows[t];
    for (int e = 0; e < n; e++)
      tmp[e] += k * r[e];
  }
  /* cells R .. gw-R-1 are the ones read back */
  for (int i = R; i < job->gw - R; i++) {
    float *restrict o = out + (size_t) i * NK;
    for (int e = 0; e < NK; e++)
      o[e] = 0.f;
    for (int t = 0; t <= 2 * R; t++) {
      const float k = job->taps[t];
      const float *restrict r = tmp + (size_t) (i - R + t) * NK;
      for (int e = 0; e < NK; e++)
        o[e] += k * r[e];
    }
  }
}

/* Output row y from smoothed grid rows a (above) and b (below), per
 * channel count like splat_row. */
#define SLICE_ROW(CN)                                                         \
  VFK_CLONES static void                                                      \
  slice_row_##CN (const FastJob * job, int y, const float *restrict a,        \
      const float *restrict b, float fy, const int *ix, const float *fx)      \
  {                                                                           \
    const int K = CN + 1, NK = job->NK;                                       \
    const int gch = job->guide ? job->guide->channels : 0;                    \
    const uint8_t *srow = vfk_row (job->src, y + job->oy) +                   \
        (size_t) job->ox * CN;                                                \
    const uint8_t *grow = gch ? vfk_row (job->guide, y + job->oy) +           \
        (size_t) job->ox * gch : NULL;                                        \
    const float inv_step = (float) (1.0 / job->step);                         \
    uint8_t *out = vfk_row (job->dst, y);                                     \
    for (int x = 0; x < job->dst->width; x++) {                               \
      const uint8_t *p = srow + (size_t) x * CN;                              \
      const int g = range_value (job, p, gch ? grow + (size_t) x * gch :      \
          NULL);                                                              \
      const float t = g * inv_step;                                           \
      const int k = MIN ((int) t, job->nb - 2);                               \
      const float al = t - k;                                                 \
      const float w00 = (1 - fx[x]) * (1 - fy), w01 = fx[x] * (1 - fy);       \
      const float w10 = (1 - fx[x]) * fy, w11 = fx[x] * fy;                   \
      const size_t o = (size_t) ix[x] * NK + (size_t) k * K;                  \
      const float *a0 = a + o, *a1 = a + o + NK, *b0 = b + o, *b1 = b + o + NK; \
      float acc[2 * K];                                                       \
      for (int e = 0; e < 2 * K; e++)                                         \
        acc[e] = w00 * a0[e] + w01 * a1[e] + w10 * b0[e] + w11 * b1[e];       \
      if (acc[0] > 1e-30f && acc[K] > 1e-30f) {                               \
        const float f0 = (1 - al) / acc[0], f1 = al / acc[K];                 \
        for (int c = 0; c < CN; c++) {                                        \
          int v = (int) lrintf (f0 * acc[1 + c] + f1 * acc[K + 1 + c]);       \
          out[(size_t) x * CN + c] = (uint8_t) (v < 0 ? 0 : v > 255 ? 255 :   \
              v);                                                             \
        }                                                                     \
      } else {                                                                \
        /* no weight anywhere near (sigma_color far below the bin step):     \
         * the pixel keeps its value */                                       \
        for (int c = 0; c < CN; c++)                                          \
          out[(size_t) x * CN + c] = p[c];                                    \
      }                                                                       \
    }                                                                         \
  }

SLICE_ROW (1)
SLICE_ROW (2)
SLICE_ROW (3)
SLICE_ROW (4)

static void
slice_row (const FastJob * job, int y, const float *a, const float *b,
    float fy, const int *ix, const float *fx)
{
  switch (job->cn) {
    case 1:
      slice_row_1 (job, y, a, b, fy, ix, fx);
      break;
    case 2:
      slice_row_2 (job, y, a, b, fy, ix, fx);
      break;
    case 3:
      slice_row_3 (job, y, a, b, fy, ix, fx);
      break;
    default:
      slice_row_4 (job, y, a, b, fy, ix, fx);
      break;
  }
}

static void
fast_band (void *data, int worker, int y0, int y1)
{
  const FastJob *job = data;
  const int s = job->s, R = job->R, cn = job->cn;
  const int wout = job->dst->width;
  const size_t rowf = (size_t) job->gw * job->NK;
  const size_t rowb = VFK_ALIGN (sizeof (float) * rowf);
  const int nraw = 2 * R + 1;
  const size_t ring_bytes = vfk_ring_bytes (nraw, rowb);
  const size_t padb = VFK_ALIGN ((size_t) job->gw * s * 4);
  uint8_t *mem = vfk_pool_scratch (job->pool, worker, ring_bytes + 3 * rowb
      + 2 * padb + VFK_ALIGN (sizeof (int) * wout)
      + VFK_ALIGN (sizeof (float) * wout));
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

  (void) cn;
  vfk_ring_init (&ring, mem, nraw, rowb);
  for (int x = 0; x < wout; x++) {
    const double v = (x - (s - 1) / 2.0) / s + job->G;
    ix[x] = (int) floor (v);
    fx[x] = (float) (v - ix[x]);
  }
  for (int y = y0; y < y1; y++) {
    const double u = (y - (s - 1) / 2.0) / s + job->G;
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
          splat_row (job, rows[t], j - R + t, pad, gpad);
      }
      smooth_row (job, dst, rows, tmp);
      have[dst == sm[1]] = j;
      ab[h] = dst;
    }
    slice_row (job, y, ab[0], ab[1], (float) (u - j0), ix, fx);
  }
}

void
vfk_bilateral_fast (VfkPool * pool, const VfkImage * src,
    const VfkImage * guide, VfkImage * dst, int ox, int oy, VfkBorder border,
    uint8_t value, unsigned dist_mask, const VfkBilateral * bl)
{
  FastJob job = {
    .src = src,.guide = guide,.dst = dst,.ox = ox,.oy = oy,.border = border,
    .value = value,.dist_mask = dist_mask,.pool = pool,.cn = src->channels,
  };
  const double sr = bl->sigma_color, sw = bl->sigma_window;
  int nch = 0, gmax;
  double sg;
  float *w;
  uint8_t *blo, *bhi;

  for (int c = 0; c < job.cn; c++)
    nch += (dist_mask >> c) & 1;
  gmax = 255 * (guide ? 1 : MAX (nch, 1));
  job.K = job.cn + 1;
  job.step = MAX (sr, gmax / (double) (MAX_BINS - 1));
  job.nb = (int) floor (gmax / job.step) + 2;
  job.NK = job.nb * job.K;
  job.s = MAX (1, (int) (sw + 0.5));
  sg = job.s > 1 ? sqrt (sw * sw - job.s * job.s / 4.0) / job.s : sw;
  sg = MAX (sg, 0.3);
  job.R = MIN (8, (int) ceil (3 * sg));
  {
    double sum = 0;
    for (int t = -job.R; t <= job.R; t++)
      sum += exp (-0.5 * t * t / (sg * sg));
    for (int t = -job.R; t <= job.R; t++)
      job.taps[t + job.R] = (float) (exp (-0.5 * t * t / (sg * sg)) / sum);
  }
  job.G = job.R + 2;
  job.gw = (dst->width + job.s - 1) / job.s + 2 * job.G + 1;

  /* range weights per value and bin; bins beyond 4 sigma_color add less
   * than 3.4e-4 of the nearest one's weight and are skipped */
  w = malloc (sizeof (float) * (gmax + 1) * job.nb);
  blo = malloc (gmax + 1);
  bhi = malloc (gmax + 1);
  if (!w || !blo || !bhi) {
    free (w);
    free (blo);
    free (bhi);
    vfk_bilateral_exact (pool, src, guide, dst, ox, oy, border, value,
        dist_mask, bl);
    return;
  }
  for (int v = 0; v <= gmax; v++) {
    int lo = job.nb, hi = -1;
    for (int b = 0; b < job.nb; b++) {
      const double d = v - b * job.step;
      w[(size_t) v * job.nb + b] = (float) exp (-0.5 * d * d / (sr * sr));
      if (fabs (d) <= 4 * sr || fabs (d) <= job.step) {
        lo = MIN (lo, b);
        hi = MAX (hi, b);
      }
    }
    blo[v] = (uint8_t) lo;
    bhi[v] = (uint8_t) hi;
  }
  job.w = w;
  job.blo = blo;
  job.bhi = bhi;
  vfk_pool_run (pool, dst->height, fast_band, &job);
  free (w);
  free (blo);
  free (bhi);
}
