/* The fast bilateral: cost per pixel independent of the diameter.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A range-binned bilateral (Yang, Tan & Ahuja 2009) evaluated on the grid
 * engine (vfk-grid.c).  The range axis is sampled at r_b = b * step (step
 * = sigma_color, at most 64 bins); each pixel q adds its range weight
 * w_b(q) = exp(-(g(q) - r_b)^2 / 2 sigma_color^2) and w_b(q) * I(q) to its
 * cell for every bin within 3 sigma_color; an output pixel p reads back
 * the two bins around g(p), divides, and interpolates linearly between
 * them.  g is the range value: the sum of the distance channels (|g(p) -
 * g(q)| is exact mode's L1 colour distance whenever the channels move
 * together) or the guide's first channel.  Space weights: exact mode's
 * window is a Gaussian of sigma_space cut to a circle; this uses the
 * Gaussian of the same spread (sigma_window, the standard deviation along
 * an axis), cells round(sigma_window) wide, the grid's Gaussian cut at
 * 2.5 of its sigmas.
 *
 * Depends on the exact bilateral (its tables; small windows run exact) and
 * on the grid engine; neither depends on it. */
#include <math.h>
#include <stdlib.h>

#include "vfk-grid.h"
#include "vfk-private.h"

/* Range bins for values summed over nch channels (0..255 nch). */
typedef struct
{
  VfkGridRange range;
  float *w, *win;
  uint8_t *blo, *bhi;
} RangeBins;

/* One RangeBins per range-value width (1-4 channels summed), attached to
 * the exact set's tables on first use. */
typedef struct
{
  RangeBins *bins[5];
} FastTables;

static void
range_bins_free (RangeBins * r)
{
  if (!r)
    return;
  free (r->w);
  free (r->win);
  free (r->blo);
  free (r->bhi);
  free (r);
}

static void
fast_tables_free (void *data)
{
  FastTables *t = data;
  for (int i = 0; i < 5; i++)
    range_bins_free (t->bins[i]);
  free (t);
}

/* The bins of values summed over nch channels: one sigma_color apart, at
 * most VFK_GRID_MAX_BINS; returns how many, *step their distance. */
static int
range_size (double sr, int nch, double *step)
{
  const int gmax = 255 * nch;
  *step = MAX (sr, gmax / (double) (VFK_GRID_MAX_BINS - 1));
  return (int) floor (gmax / *step) + 2;
}

static RangeBins *
range_bins_new (double sr, int nch)
{
  const int gmax = 255 * nch;
  RangeBins *r = calloc (1, sizeof (RangeBins));

  if (!r)
    return NULL;
  r->range.nb = range_size (sr, nch, &r->range.step);
  r->w = malloc (sizeof (float) * (gmax + 1) * r->range.nb);
  r->blo = malloc (gmax + 1);
  r->bhi = malloc (gmax + 1);
  if (!r->w || !r->blo || !r->bhi) {
    range_bins_free (r);
    return NULL;
  }
  /* bins beyond 3 sigma_color (weight below 1.1 % of the nearest one's)
   * are skipped: the PSNR checks do not move (they do not from 4 to 3),
   * and a pixel's work drops by a fifth.  Bins are at least sigma_color
   * apart, so a value has at most 7 worth adding (its window fits) */
  for (int v = 0; v <= gmax; v++) {
    int lo = r->range.nb, hi = -1;
    for (int k = 0; k < r->range.nb; k++) {
      const double d = v - k * r->range.step;
      r->w[(size_t) v * r->range.nb + k] =
          (float) exp (-0.5 * d * d / (sr * sr));
      if (fabs (d) <= 3 * sr || fabs (d) <= r->range.step) {
        lo = MIN (lo, k);
        hi = MAX (hi, k);
      }
    }
    r->blo[v] = (uint8_t) lo;
    r->bhi[v] = (uint8_t) hi;
  }
  /* one channel: the bins of a value as one fixed-width window (without
   * memory for it, no tables: the caller runs exact) */
  if (nch == 1) {
    if (!(r->win = calloc ((size_t) (gmax + 1) * 2 * VFK_GRID_WIN,
                sizeof (float)))) {
      range_bins_free (r);
      return NULL;
    }
    for (int v = 0; v <= gmax; v++)
      for (int b = r->blo[v]; b <= r->bhi[v]; b++) {
        float *e = r->win + ((size_t) v * VFK_GRID_WIN + b - r->blo[v]) * 2;
        e[0] = e[1] = r->w[(size_t) v * r->range.nb + b];
      }
  }
  r->range.win = r->win;
  r->range.w = r->w;
  r->range.blo = r->blo;
  r->range.bhi = r->bhi;
  return r;
}

/* The range bins for values summed over nch channels, made once per
 * parameter set (on first use, under the set's lock: the set is shared by
 * every frame and every element thread); NULL without memory. */
static const VfkGridRange *
range_bins (const VfkBilateral * bl, int nch)
{
  VfkBilateral *b = (VfkBilateral *) bl;
  const VfkGridRange *range = NULL;
  FastTables *t;

  pthread_mutex_lock (&b->ext_lock);
  t = b->ext;
  if (!t && (t = calloc (1, sizeof (FastTables)))) {
    b->ext = t;
    b->ext_free = fast_tables_free;
  }
  if (t && !t->bins[nch])
    t->bins[nch] = range_bins_new (bl->sigma_color, nch);
  if (t && t->bins[nch])
    range = &t->bins[nch]->range;
  pthread_mutex_unlock (&b->ext_lock);
  return range;
}

/* Whether the grid costs less than the exact window for this set and
 * frame layout, in units of one exact tap of one sample (about 0.057 ms
 * per 720p frame at 2 threads here): the exact filter reads (1 + channels)
 * samples per window tap; the grid pays a fixed 50 + 12 x (filtered
 * channels) per pixel (splat, read back) and smooths nb x K floats per
 * cell over the two axes' taps, one unit each, per cell of s x s pixels.
 * Fitted on 720p gray and BGR frames (diameters 11-19, sigma-color 20-75,
 * sigma-space 3 and 75: within 25 % of the measured times); it matters
 * where one costs nearly twice the other (BGR at diameter 11,
 * sigma-space 3, sigma-color 30: exact 19 ms, the grid 32). */
static int
grid_is_cheaper (const VfkBilateral * bl, int cn, int nf, int range_nch,
    int K, const VfkGridAxis * axis)
{
  double step;
  const int nb = range_size (bl->sigma_color, range_nch, &step);
  const double exact = (double) bl->maxk * (1 + cn);
  const double grid = 50.0 + 12.0 * nf + (double) nb * K * 2 * (2 * axis->R
      + 1) / ((double) axis->s * axis->s);
  return grid < exact;
}

int
vfk_bilateral_fast (VfkPool * pool, const VfkImage * src,
    const VfkImage * guide, VfkImage * dst, int ox, int oy, VfkBorder border,
    uint8_t value, unsigned dist_mask, const VfkBilateral * bl)
{
  const double sw = bl->sigma_window;
  /* cells sigma_window wide: wider ones (1.25-1.5 sigma_window) save up
   * to a third of the time but cost 2.5-5 dB at diameter 35 on gray
   * photos, below the 40 dB promise */
  const int s = MAX (1, (int) (sw + 0.5));
  const int cn = src->channels;
  const VfkGridRange *range;
  VfkGridAxis axis;
  int nch = 0, fch[4], nf, skip;
  const int K = vfk_grid_layout (cn, dist_mask, fch, &nf, &skip);

  for (int c = 0; c < cn; c++)
    nch += (dist_mask >> c) & 1;
  /* the grid Gaussian cut at 2.5 of its sigmas (taps beyond weigh < 4.4 %
   * of the centre's; 3 sigmas cost 10-20 % more at diameters 11-15 for
   * the same PSNR to 0.01 dB on six photos) */
  vfk_grid_axis_init (&axis, sw, s, 2.5, 1.0);
  /* the cheaper of the two (a diameter of 9 or less always runs exact:
   * exact needs no bin tables, should there be no memory for them) */
  if (bl->radius <= VFK_BILATERAL_FAST_MIN_RADIUS
      || !grid_is_cheaper (bl, cn, nf, guide ? 1 : MAX (nch, 1), K, &axis)
      || !(range = range_bins (bl, guide ? 1 : MAX (nch, 1))))
    return vfk_bilateral_exact (pool, src, guide, dst, ox, oy, border,
        value, dist_mask, bl);
  return vfk_grid_run (pool, src, guide, dst, ox, oy, border, value,
      dist_mask, &axis, &axis, range);
}

int
vfk_bilateral_luma (VfkPool * pool, const VfkImage * src, VfkImage * dst,
    int ox, int oy, VfkBorder border, uint8_t value, unsigned dist_mask,
    const int rgb[3], int fast, const VfkBilateral * bl)
{
  VfkImage y = {.width = src->width,.height = src->height,.channels = 1,
    .stride = (src->width + 63) & ~63
  };
  if (!(y.data = vfk_pool_shared_scratch (pool, (size_t) y.stride * y.height)))
    return -1;
  vfk_luma (src, rgb, &y);
  return fast ? vfk_bilateral_fast (pool, src, &y, dst, ox, oy, border, value,
      dist_mask, bl) : vfk_bilateral_exact (pool, src, &y, dst, ox, oy,
      border, value, dist_mask, bl);
}
