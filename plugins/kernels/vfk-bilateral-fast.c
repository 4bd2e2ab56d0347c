/* The fast bilateral: cost per pixel independent of the diameter.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A range-binned bilateral (Yang, Tan & Ahuja 2009) evaluated on the grid
 * engine (vfk-grid.c).  One range axis (gray, YUV planes, a guide, four
 * distance channels): sampled at r_b = b * step (step = sigma_color, at
 * most 64 bins); each pixel q adds its range weight w_b(q) = exp(-(g(q) -
 * r_b)^2 / 2 sigma_color^2) and w_b(q) * I(q) to its cell for every bin
 * within 3 sigma_color; an output pixel p reads back the two bins around
 * g(p), divides, and interpolates linearly between them.  g is the range
 * value: the channel or the sum of the distance channels, or the guide's
 * first channel.  Three distance channels (colour) take two axes, the sum
 * and the difference of the last and first channel (range_two_init): a
 * sum alone makes neighbours whose channels move in opposite directions
 * look alike (37.7 dB against exact on the skimage astronaut at the
 * seed's parameters; two axes: 43.6).  Space weights: exact mode's window
 * is a Gaussian of sigma_space cut to a circle; this uses the Gaussian of
 * the same spread (sigma_window, the standard deviation along an axis),
 * cells round(sigma_window) wide, the grid's Gaussian cut at 2.5 of its
 * sigmas.
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

/* The exact window's cost per tap, in the grid's units, at the CPU level
 * in use: the model was fitted at AVX-512; against the grid, AVX2's exact
 * window costs 1.25 times as much, the C level's (4 lanes, no fused
 * multiply-add; what non-x86 builds run) 3 times (exact / grid at 720p,
 * diameters 11-19: 3.3-10.3 there, 1.4-3.3 at AVX-512; geometric mean of
 * the six sets' quotients 2.96, colour and gray). */
static double
exact_tap_cost (void)
{
  const unsigned f = vfk_cpu_flags ();
  return f & VFK_CPU_AVX512 ? 1.0 : f & VFK_CPU_AVX2 ? 1.25 : 3.0;
}

/* Whether the grid costs less than the exact window for this set and
 * frame layout, in units of one exact tap of one sample (about 0.057 ms
 * per 720p frame at 2 threads here): the exact filter reads (1 + channels)
 * samples per window tap; the grid pays a fixed cost per pixel (splat,
 * read back) and smooths `floats` per cell of s x s pixels over `taps`,
 * one unit each.  One range axis: fixed 50 + 12 x (filtered channels),
 * nb x K floats over the two space axes' taps; fitted on 720p gray and
 * BGR frames (diameters 11-19, sigma-color 20-75, sigma-space 3 and 75:
 * within 25 % of the measured times).  Two: fixed 150, the space axes'
 * and the range axes' taps at one unit (fitted on 720p BGR with both
 * paths timed, diameters 11-25, sigma-color 10-75, sigma-space d/6 and
 * 75: of 112 sets, 3 where the choice costs more than 15 %, near ties
 * at the edge of the noise).  It matters where one costs nearly twice
 * the other (BGR at diameter 11, sigma-space 3, sigma-color 30: exact 19
 * ms, one axis 32). */
static int
grid_is_cheaper (const VfkBilateral * bl, int cn, double fixed,
    double floats, double taps, const VfkGridAxis * axis)
{
  const double exact = (double) bl->maxk * (1 + cn) * exact_tap_cost ();
  return fixed + floats * taps / ((double) axis->s * axis->s) < exact;
}

/* The two-axis range of three distance channels (the channel sum, and the
 * last channel minus the first), which weighs a neighbour by
 * exp (-(dsum^2 + ddiff^2) / 2 sigma_color^2) in place of exact mode's
 * exp (-(|db| + |dg| + |dr|)^2 / 2 sigma_color^2): 46-57 dB against it by
 * brute force on the skimage photos where the sum alone gives 36-38.  The
 * linear splat and read-back add a sixth of a bin's variance each.  Above
 * sigma-color 40, bins sigma_color apart and the grid smoothed by (1/3,
 * 1/3, 1/3) for the other two thirds (a box of three beat the 5-tap
 * Gaussian of the same variance by 0.5-1 dB); at 40 and below (where the
 * bins get many and PSNR has room) bins sqrt 3 sigma_color apart, the
 * splat and read-back all of it: a third the bins, no smoothing, 1.5 dB
 * less; at 10 and below, 2.5 sigma_color apart.  The smaller sigma-color,
 * the less the filter changes a picture and the more room PSNR has: the
 * cells and bins grow as it falls so that the cost does not climb (at
 * 720p, diameter 15: 6.7-9.9 ms from sigma-color 8 to 30, where the
 * exact window costs 23; 43-49 dB on the skimage photos). */
static void
range_two_init (VfkGridRange * r, double sr)
{
  const int smooth = sr > 40;
  const double step = smooth ? sr : sr * (sr <= 10 ? 2.5 : sqrt (3.0));

  *r = (VfkGridRange) {
  .step = step,.rpad = smooth};
  r->nb = (int) floor (765 / step) + 2 + 2 * r->rpad;
  r->nh = (int) floor (510 / step) + 2 + 2 * r->rpad;
  for (int t = 0; t < 3; t++)
    r->rtaps[t] = 1.f / 3;
}

int
vfk_bilateral_fast (VfkPool * pool, const VfkImage * src,
    const VfkImage * guide, VfkImage * dst, int ox, int oy, VfkBorder border,
    uint8_t value, unsigned dist_mask, const VfkBilateral * bl)
{
  const double sw = bl->sigma_window;
  const int cn = src->channels;
  const VfkGridRange *range = NULL;
  VfkGridRange two;
  VfkGridAxis axis;
  int nch = 0, fch[4], nf, skip;
  const int K = vfk_grid_layout (cn, dist_mask, fch, &nf, &skip);
  double step;

  for (int c = 0; c < cn; c++)
    nch += (dist_mask >> c) & 1;
  const int colour = !guide && nch == 3, range_nch = guide ? 1 : MAX (nch, 1);
  /* cells sigma_window wide: wider ones (1.25-1.5 sigma_window) save up
   * to a third of the time but cost 2.5-5 dB at diameter 35 on gray
   * photos, below the 40 dB promise; colour's twice as wide up to
   * sigma-color 30, four times up to 20 (PSNR has the room: 42.4 dB or
   * more on the skimage photos at diameters 11-45, sigma-space 2-75) */
  const double cell = !colour || bl->sigma_color > 30 ? 1
      : bl->sigma_color > 20 ? 2 : 4;
  /* the grid Gaussian cut at 2.5 of its sigmas (taps beyond weigh < 4.4 %
   * of the centre's; 3 sigmas cost 10-20 % more at diameters 11-15 for
   * the same PSNR to 0.01 dB on six photos) */
  vfk_grid_axis_init (&axis, sw, MAX (1, (int) (cell * sw + 0.5)), 2.5, 1.0);
  /* the cheaper of the grid and the exact window (a diameter of 9 or less
   * always runs exact: exact needs no bin tables, should there be no
   * memory for them); colour on two range axes, the rest on one */
  if (bl->radius > VFK_BILATERAL_FAST_MIN_RADIUS) {
    if (colour) {
      range_two_init (&two, bl->sigma_color);
      if (two.nb * two.nh <= VFK_GRID_MAX_BINS2
          && grid_is_cheaper (bl, cn, 150, (double) two.nb * two.nh * K,
              2 * (2 * axis.R + 1) + 6 * two.rpad, &axis))
        range = &two;
    } else if (grid_is_cheaper (bl, cn, 50 + 12 * nf,
            (double) range_size (bl->sigma_color, range_nch, &step) * K,
            2 * (2 * axis.R + 1), &axis))
      range = range_bins (bl, range_nch);       /* NULL: no memory, exact */
  }
  if (!range)
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
