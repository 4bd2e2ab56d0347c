/* The grid engine's parts compiled once: the table of its hot loops
 * (vfk-grid.c), the axes, the bins each cell needs, and the bands.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vfk-dsp.h"
#include "vfk-grid.h"
#include "vfk-private.h"

typedef VfkGridJob GridJob;
typedef VfkGridAxis Axis;

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
        float *const *rows, float *tmp, const int *span));
VFK_DECLARE_VARIANTS (void, expand_plain_row, (const GridJob * job,
        const float *s, const int *idx, const float *fm, float *h));
VFK_DECLARE_VARIANTS (void, slice_plain_row, (const GridJob * job, int y,
        const float *a, const float *b, float fy));

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
  dsp->expand_plain = expand_plain_row_c;
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
  VFK_OVERRIDE (dsp, flags, expand_plain, expand_plain_row);
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

/* The bins the read-back of rows [y0, y1) takes from smoothed grid row j
 * (slice_row: cells ix, ix + 1, bins k, k + 1 of rows j0, j0 + 1), so that
 * the smoothing makes only those.  Per group of output rows sharing j0,
 * the bins per cell, made once: grp[g] for j0 = gj[g], lo at [0, gw),
 * hi at [gw, 2 gw); kb: a row of bin indices. */
typedef struct
{
  int gj[2];
  int *grp[2];
  int *kb;
} SpanCache;

/* floats per cell (bins x K) from which the smoothing is lazy */
#define GRID_LAZY_FLOATS 64

/* Output row y's place on the grid's rows: it reads smoothed rows
 * floor (u) and floor (u) + 1, weighted by the fraction (the slice and
 * the bins each cell needs both go by this) */
static double
row_u (const GridJob * job, int y)
{
  const int sy = job->ay.s;
  return (y - (sy - 1) / 2.0) / sy + job->ay.G;
}

static int
row_j0 (const GridJob * job, int y)
{
  return (int) floor (row_u (job, y));
}

/* the bins per cell of the output rows of [y0, y1) whose j0 is j0 */
static void
span_group (const GridJob * job, int j0, int y0, int y1, const int *ix,
    int *lo, int *kb)
{
  const int gw = job->gw, cn = job->cn, w = job->dst->width;
  const int gch = job->guide ? job->guide->channels : 0;
  const float inv_step = (float) (1.0 / job->step);
  const int top = job->nb - 2;
  int *hi = lo + gw;

  for (int c = 0; c < gw; c++) {
    lo[c] = job->nb;
    hi[c] = -1;
  }
  for (int y = y0; y < y1; y++) {
    if (row_j0 (job, y) != j0)
      continue;
    /* the slice's bin of each pixel: its range value over the step */
    if (gch) {
      const uint8_t *g = vfk_row (job->guide, y + job->oy) +
          (size_t) job->ox * gch;
      for (int x = 0; x < w; x++)
        kb[x] = MIN ((int) (g[(size_t) x * gch] * inv_step), top);
    } else {
      const uint8_t *p = vfk_row (job->src, y + job->oy) +
          (size_t) job->ox * cn;
      for (int x = 0; x < w; x++) {
        int v = 0;
        for (int c = 0; c < cn; c++)
          v += job->m[c] * p[(size_t) x * cn + c];
        kb[x] = MIN ((int) (v * inv_step), top);
      }
    }
    /* ix does not fall: runs of one cell */
    for (int x = 0; x < w;) {
      const int c = ix[x];
      int a = kb[x], z = kb[x];
      for (x++; x < w && ix[x] == c; x++) {
        a = MIN (a, kb[x]);
        z = MAX (z, kb[x]);
      }
      for (int d = c; d <= c + 1; d++) {
        lo[d] = MIN (lo[d], a);
        hi[d] = MAX (hi[d], z + 1);
      }
    }
  }
}

/* span (smooth_row) for smoothed row j: what rows of groups j - 1 and j
 * read, then its union over the horizontal taps for the vertical pass */
static void
grid_span (const GridJob * job, SpanCache * sc, int j, int y0, int y1,
    const int *ix, int *span)
{
  const int gw = job->gw, Rx = job->ax.R;
  const int *g[2];

  for (int h = 0; h < 2; h++) {
    const int jj = j - 1 + h;
    int slot = sc->gj[0] == jj ? 0 : sc->gj[1] == jj ? 1 : -1;
    if (slot < 0) {
      /* replace the group no longer wanted (below j - 1) */
      slot = sc->gj[0] == j - 1 || sc->gj[0] == j ? 1 : 0;
      span_group (job, jj, y0, y1, ix, sc->grp[slot], sc->kb);
      sc->gj[slot] = jj;
    }
    g[h] = sc->grp[slot];
  }
  for (int c = 0; c < gw; c++) {
    span[c] = MIN (g[0][c], g[1][c]);
    span[gw + c] = MAX (g[0][gw + c], g[1][gw + c]);
  }
  for (int c = 0; c < gw; c++) {
    int a = job->nb, b = -1;
    for (int d = MAX (0, c - Rx); d <= MIN (gw - 1, c + Rx); d++) {
      a = MIN (a, span[d]);
      b = MAX (b, span[gw + d]);
    }
    span[2 * gw + c] = a;
    span[3 * gw + c] = b;
  }
}

static void
grid_band (void *data, int worker, int y0, int y1)
{
  const GridJob *job = data;
  const VfkGridDsp *dsp = grid_dsp ();
  const int sx = job->ax.s, R = job->ay.R;
  const int wout = job->dst->width;
  const size_t rowf = (size_t) job->gw * job->NK;
  /* (+ the splat window's overhang past the last cell) */
  const size_t rowb = VFK_ALIGN (sizeof (float) * (rowf + 2 * VFK_GRID_WIN));
  const int nraw = 2 * R + 1;
  const size_t ring_bytes = vfk_ring_bytes (nraw, rowb);
  /* pad: a padded source row; gpad: a padded guide row, or (plain) the
   * 32-bit column sums of a cell row, or (2-D range) the row's bins and
   * fractions */
  const size_t padb = VFK_ALIGN ((size_t) job->gw * sx * 4 * 4);
  const int m1 = wout * job->cn;
  /* plain: per-sample cell index and fraction, the two smoothed rows
   * interpolated horizontally (beside sm[0], sm[1]) */
  const size_t plainb = job->plain ? VFK_ALIGN (sizeof (int) * m1)
      + 3 * VFK_ALIGN (sizeof (float) * m1) : 0;
  /* slice: up to 9 floats and 4 bytes per output pixel */
  const size_t sliceb = VFK_ALIGN (sizeof (float) * 10 * wout);
  /* range bins: the bins each cell needs (grid_span), two row groups'
   * and a row of bins; where a cell has many floats to smooth (colour at
   * small sigma-color: 26 bins of 4 at 30) making only those read back
   * pays for finding them (about 12 cycles a pixel), where it has few
   * (one channel, or sigma-color 75) it does not */
  const int lazy = !job->plain && !job->nh && job->NK >= GRID_LAZY_FLOATS;
  const size_t spanb = lazy ? VFK_ALIGN (sizeof (int) * (8 * job->gw +
          wout)) : 0;
  uint8_t *mem = vfk_pool_scratch (job->pool, worker, ring_bytes + 3 * rowb
      + 2 * padb + VFK_ALIGN (sizeof (int) * wout)
      + VFK_ALIGN (sizeof (float) * wout) + plainb + sliceb + spanb);
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
  int *idx = (int *) pm;
  float *fm = (float *) ((uint8_t *) idx + VFK_ALIGN (sizeof (int) * m1));
  float *hx[2] = { (float *) ((uint8_t *) fm + VFK_ALIGN (sizeof (float) * m1)),
    (float *) ((uint8_t *) fm + 2 * VFK_ALIGN (sizeof (float) * m1))
  };
  float *stmp = (float *) (pm + plainb);
  int *span = lazy ? (int *) ((uint8_t *) stmp + sliceb) : NULL;
  SpanCache sc = { {INT_MIN, INT_MIN}, {span ? span + 4 * job->gw : NULL,
      span ? span + 6 * job->gw : NULL}, span ? span + 8 * job->gw : NULL
  };

  vfk_ring_init (&ring, mem, nraw, rowb);
  /* (a 2-D range's smoothing reads the cells left of those it makes) */
  if (job->nh && job->rpad)
    memset (sm[0], 0, 3 * rowb);
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
    const double u = row_u (job, y);
    const int j0 = row_j0 (job, y);
    const float *ab[2];

    for (int h = 0; h < 2; h++) {
      const int j = j0 + h;
      float *dst;
      if (have[0] == j || have[1] == j) {
        const int k = have[1] == j;
        ab[h] = job->plain ? hx[k] : sm[k];
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
      if (span)
        grid_span (job, &sc, j, y0, y1, ix, span);
      dsp->smooth (job, dst, rows, tmp, span);
      have[dst == sm[1]] = j;
      ab[h] = dst;
      if (job->plain) {
        dsp->expand_plain (job, dst, idx, fm, hx[dst == sm[1]]);
        ab[h] = hx[dst == sm[1]];
      }
    }
    if (job->plain)
      dsp->slice_plain (job, y, ab[0], ab[1], (float) (u - j0));
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
    if (range->nh) {
      job.nh = range->nh;
      job.NK *= job.nh;
      job.clo = job.chi = -1;
      for (int c = 0; c < job.cn; c++)
        if (job.m[c]) {
          job.clo = job.clo < 0 ? c : job.clo;
          job.chi = c;
        }
      job.rpad = range->rpad;
      memcpy (job.rtaps, range->rtaps, sizeof job.rtaps);
    }
  }
  job.gw = (dst->width + job.ax.s - 1) / job.ax.s + 2 * job.ax.G + 1;
  return vfk_pool_run (pool, dst->height, grid_band, &job);
}
