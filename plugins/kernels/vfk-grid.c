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
 * Two filters use it:
 *
 * - the Gaussian for large sigmas (vfk_gauss_fast): cells sigma/2 wide, the
 *   grid's Gaussian about 1.9 cells, cut at 4 of its sigmas;
 *
 * - the fast bilateral (vfk_bilateral_fast): range-binned bilateral (Yang,
 *   Tan & Ahuja 2009) on the grid (as in the bilateral grid of Chen, Paris
 *   & Durand 2007).  The range axis is sampled at r_b = b * step (step =
 *   sigma_color, at most 64 bins); each pixel q adds its range weight
 *   w_b(q) = exp(-(g(q) - r_b)^2 / 2 sigma_color^2) and w_b(q) * I(q) to its
 *   cell for every bin within 3 sigma_color; an output pixel p reads back
 *   the two bins around g(p), divides, and interpolates linearly between
 *   them.  g is the range value: the sum of the distance channels (|g(p) -
 *   g(q)| is exact mode's L1 colour distance whenever the channels move
 *   together) or the guide's first channel.  Space weights: exact mode's
 *   window is a Gaussian of sigma_space cut to a circle; this uses the
 *   Gaussian of the same spread (sigma_window, the standard deviation along
 *   an axis), cells round(sigma_window) wide, the grid's Gaussian 0.5-1.5
 *   cells cut at 3 of its sigmas.
 *
 * Threads take bands of output rows; each computes the grid rows its band
 * needs (a few rows of halo), streaming: a ring of raw grid rows, two
 * smoothed rows, memory independent of the frame height. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vfk-private.h"

#define MAX_BINS 64
#define MAX_TAPS 12             /* grid Gaussian radius, cells */

typedef float v4f __attribute__((vector_size (16)));

typedef struct
{
  int s;                        /* cell side in pixels */
  int G;                        /* cells before the frame's first pixel */
  int R;                        /* grid Gaussian radius (cells) */
  float taps[2 * MAX_TAPS + 1];
} Axis;

typedef struct
{
  const VfkImage *src, *guide;
  VfkImage *dst;
  int ox, oy;
  VfkBorder border;
  uint8_t value;
  unsigned dist_mask;
  VfkPool *pool;

  int plain;                    /* Gaussian: no range bins, no weights */
  int cn;                       /* channels filtered */
  int K;                        /* floats per bin and cell: weight, cn
                                 * channels, zeros up to 4 or 8 */
  int m[4];                     /* 1 for the channels in the range value */
  int nb;                       /* bins */
  int NK;                       /* floats per cell: nb * K (plain: cn) */
  double step;                  /* range distance between bins (bilateral) */
  Axis ax, ay;
  int gw;                       /* cells per grid row */
  const float *w;               /* w[v * nb + b]: range weight of value v */
  const uint8_t *blo, *bhi;     /* bins with a weight worth adding, per v */
} GridJob;

/* Cell side, grid Gaussian and margin for a Gaussian of `sigma` pixels on
 * cells of side s; `cut` in grid sigmas.  `scale` multiplies the taps. */
static void
axis_init (Axis * a, double sigma, int s, double cut, double scale)
{
  double sg, sum = 0;
  a->s = s;
  sg = s > 1 ? sqrt (MAX (sigma * sigma - s * s / 4.0, 0.0)) / s : sigma;
  sg = MAX (sg, 0.3);
  a->R = MIN (MAX_TAPS, (int) ceil (cut * sg));
  for (int t = -a->R; t <= a->R; t++)
    sum += exp (-0.5 * t * t / (sg * sg));
  for (int t = -a->R; t <= a->R; t++)
    a->taps[t + a->R] = (float) (scale * exp (-0.5 * t * t / (sg * sg)) / sum);
  a->G = a->R + 2;
}

/* Raw grid row j: the sums of the sy source rows it covers.  Compiled per
 * channel count so the (weight, channels) update of a bin is one vector
 * operation. */
#define SPLAT_ROW(CN)                                                         \
  VFK_CLONES static void                                                      \
  splat_row_##CN (const GridJob * job, float *restrict cells, int j,          \
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
        v4f v0 = { 1.f, 0, 0, 0 }, v1 = { 0 };                                \
        for (int c = 0; c < CN; c++)                                          \
          if (c < 3)                                                          \
            v0[1 + c] = p[c];                                                 \
          else                                                                \
            v1[0] = p[c];                                                     \
        for (int b = b0; b <= b1; b++) {                                      \
          float *e = cell + b * K;                                            \
          v4f a;                                                              \
          memcpy (&a, e, 16);                                                 \
          a += wv[b] * v0;                                                    \
          memcpy (e, &a, 16);                                                 \
          if (CN == 4) {                                                      \
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

typedef void (*SplatFunc) (const GridJob * job, float *cells, int j,
    uint8_t * pad, uint8_t * gpad);
static const SplatFunc splat_rows[4] = {
  splat_row_1, splat_row_2, splat_row_3, splat_row_4
};

/* Smoothed grid row: the vertical Gaussian over raw rows rows[0..2Ry],
 * then the horizontal one. */
VFK_CLONES static void
smooth_row (const GridJob * job, float *restrict out, float *const *rows,
    float *restrict tmp)
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

/* Output row y from smoothed grid rows a (above) and b (below), per
 * channel count like splat_row. */
#define SLICE_ROW(CN)                                                         \
  VFK_CLONES static void                                                      \
  slice_row_##CN (const GridJob * job, int y, const float *restrict a,        \
      const float *restrict b, float fy, const int *ix, const float *fx)      \
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
VFK_CLONES static void
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

typedef void (*SliceFunc) (const GridJob * job, int y, const float *a,
    const float *b, float fy, const int *ix, const float *fx);
static const SliceFunc slice_rows[4] = {
  slice_row_1, slice_row_2, slice_row_3, slice_row_4
};

static void
grid_band (void *data, int worker, int y0, int y1)
{
  const GridJob *job = data;
  const int sx = job->ax.s, sy = job->ay.s, R = job->ay.R;
  const int wout = job->dst->width;
  const size_t rowf = (size_t) job->gw * job->NK;
  const size_t rowb = VFK_ALIGN (sizeof (float) * rowf);
  const int nraw = 2 * R + 1;
  const size_t ring_bytes = vfk_ring_bytes (nraw, rowb);
  /* pad: a padded source row; gpad: a padded guide row, or (plain) the
   * 32-bit column sums of a cell row */
  const size_t padb = VFK_ALIGN ((size_t) job->gw * sx * 4 * 4);
  const int m1 = wout * job->cn;
  /* plain: per-sample cell index and fraction, the interpolated row */
  const size_t plainb = job->plain ? 2 * rowb + VFK_ALIGN (sizeof (int) * m1)
      + 2 * VFK_ALIGN (sizeof (float) * m1) : 0;
  uint8_t *mem = vfk_pool_scratch (job->pool, worker, ring_bytes + 3 * rowb
      + 2 * padb + VFK_ALIGN (sizeof (int) * wout)
      + VFK_ALIGN (sizeof (float) * wout) + plainb);
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
          splat_rows[job->cn - 1] (job, rows[t], j - R + t, pad, gpad);
      }
      smooth_row (job, dst, rows, tmp);
      have[dst == sm[1]] = j;
      ab[h] = dst;
    }
    if (job->plain)
      slice_plain_row (job, y, ab[0], ab[1], (float) (u - j0), idx, fm, pv,
          pd, prow);
    else
      slice_rows[job->cn - 1] (job, y, ab[0], ab[1], (float) (u - j0), ix, fx);
  }
}

static int
grid_run (GridJob * job)
{
  job->gw = (job->dst->width + job->ax.s - 1) / job->ax.s + 2 * job->ax.G + 1;
  return vfk_pool_run (job->pool, job->dst->height, grid_band, job);
}

int
vfk_gauss_grid (VfkPool * pool, const VfkImage * src, VfkImage * dst,
    int ox, int oy, VfkBorder border, uint8_t value, double sigma_x,
    double sigma_y)
{
  GridJob job = {
    .src = src,.dst = dst,.ox = ox,.oy = oy,.border = border,.value = value,
    .pool = pool,.plain = 1,.cn = src->channels,.NK = src->channels,
  };
  const int sx = MAX (1, (int) (sigma_x / 2)), sy = MAX (1,
      (int) (sigma_y / 2));
  axis_init (&job.ax, sigma_x, sx, 4, 1.0 / sx);
  axis_init (&job.ay, sigma_y, sy, 4, 1.0 / sy);
  return grid_run (&job);
}

void
vfk_range_bins_free (VfkRangeBins * r)
{
  if (!r)
    return;
  free (r->w);
  free (r->blo);
  free (r->bhi);
  free (r);
}

/* The range bins for values summed over nch channels, made once per
 * parameter set (on first use, under the set's lock: the set is shared by
 * every frame and every element thread). */
static const VfkRangeBins *
range_bins (const VfkBilateral * bl, int nch)
{
  VfkBilateral *b = (VfkBilateral *) bl;
  const double sr = bl->sigma_color;
  const int gmax = 255 * nch;
  VfkRangeBins *r;

  pthread_mutex_lock (&b->fast_lock);
  r = b->fast[nch];
  if (!r && (r = calloc (1, sizeof (VfkRangeBins)))) {
    r->step = MAX (sr, gmax / (double) (MAX_BINS - 1));
    r->nb = (int) floor (gmax / r->step) + 2;
    r->w = malloc (sizeof (float) * (gmax + 1) * r->nb);
    r->blo = malloc (gmax + 1);
    r->bhi = malloc (gmax + 1);
    if (!r->w || !r->blo || !r->bhi) {
      vfk_range_bins_free (r);
      r = NULL;
    } else {
      /* bins beyond 3 sigma_color (weight below 1.1 % of the nearest
       * one's) are skipped: the PSNR checks do not move (they do not from
       * 4 to 3), and a pixel's work drops by a fifth */
      for (int v = 0; v <= gmax; v++) {
        int lo = r->nb, hi = -1;
        for (int k = 0; k < r->nb; k++) {
          const double d = v - k * r->step;
          r->w[(size_t) v * r->nb + k] = (float) exp (-0.5 * d * d / (sr * sr));
          if (fabs (d) <= 3 * sr || fabs (d) <= r->step) {
            lo = MIN (lo, k);
            hi = MAX (hi, k);
          }
        }
        r->blo[v] = (uint8_t) lo;
        r->bhi[v] = (uint8_t) hi;
      }
      b->fast[nch] = r;
    }
  }
  pthread_mutex_unlock (&b->fast_lock);
  return r;
}

int
vfk_bilateral_fast (VfkPool * pool, const VfkImage * src,
    const VfkImage * guide, VfkImage * dst, int ox, int oy, VfkBorder border,
    uint8_t value, unsigned dist_mask, const VfkBilateral * bl)
{
  GridJob job = {
    .src = src,.guide = guide,.dst = dst,.ox = ox,.oy = oy,.border = border,
    .value = value,.dist_mask = dist_mask,.pool = pool,.cn = src->channels,
  };
  const double sw = bl->sigma_window;
  const int s = MAX (1, (int) (sw + 0.5));
  const VfkRangeBins *r;
  int nch = 0;

  for (int c = 0; c < job.cn; c++) {
    job.m[c] = (dist_mask >> c) & 1;
    nch += job.m[c];
  }
  /* a window this small costs less exactly than on the grid (and exact
   * needs no bin tables, should there be no memory for them) */
  if (bl->radius <= VFK_BILATERAL_FAST_MIN_RADIUS
      || !(r = range_bins (bl, guide ? 1 : MAX (nch, 1)))) {
    return vfk_bilateral_exact (pool, src, guide, dst, ox, oy, border,
        value, dist_mask, bl);
  }
  job.K = job.cn + 1 <= 4 ? 4 : 8;      /* whole 4-float vectors */
  job.step = r->step;
  job.nb = r->nb;
  job.w = r->w;
  job.blo = r->blo;
  job.bhi = r->bhi;
  job.NK = job.nb * job.K;
  axis_init (&job.ax, sw, s, 3, 1.0);
  job.ay = job.ax;
  return grid_run (&job);
}
