/* The grid engine (vfk-grid.c): a frame summed into cells, the grid
 * smoothed by a small separable Gaussian, read back bilinearly; with range
 * bins, a range-binned bilateral on that grid.  It knows neither filter:
 * the fast Gaussian (vfk-gauss-fast.c) and the fast bilateral
 * (vfk-bilateral-fast.c) give it their axes and, for the bilateral, the
 * range weights.  Internal.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef VFK_GRID_H
#define VFK_GRID_H

#include "vfk.h"
#include "vfk-private.h"

#define VFK_GRID_MAX_TAPS 12    /* grid Gaussian radius, cells */
#define VFK_GRID_MAX_BINS 64
#define VFK_GRID_MAX_BINS2 2048 /* 2-D range: sigma-color 9 and up */

/* One axis: cells of s pixels, the grid Gaussian's taps. */
typedef struct
{
  int s;                        /* cell side in pixels */
  int G;                        /* cells before the frame's first pixel */
  int R;                        /* grid Gaussian radius (cells) */
  float taps[2 * VFK_GRID_MAX_TAPS + 1];
} VfkGridAxis;

/* Cell side s and the grid Gaussian for a Gaussian of `sigma` pixels;
 * `cut` in grid sigmas; `scale` multiplies the taps. */
void vfk_grid_axis_init (VfkGridAxis * a, double sigma, int s, double cut,
    double scale);

/* Range bins: bin b at range value b * step; w[v * nb + b] is the weight
 * of range value v in bin b, blo[v]..bhi[v] the bins worth adding. */
typedef struct
{
  double step;
  int nb;                       /* at most VFK_GRID_MAX_BINS */
  const float *w;
  const uint8_t *blo, *bhi;
  /* for one channel (a range of one channel has it): win[v * 2
   * VFK_GRID_WIN + 2 i] and [... + 1] both hold the weight of value v in
   * bin blo[v] + i, 0 past bhi[v] */
  const float *win;
  /* a second range axis (colour): nh > 0 bins of the difference of the
   * last and first distance channels (+ 255); both axes splatted
   * linearly into bins `step` apart; with rpad (0 or 1), that many empty
   * bins either side and the grid smoothed by rtaps along both */
  int nh, rpad;
  float rtaps[3];
} VfkGridRange;

#define VFK_GRID_WIN 8

/* How the grid lays out a pixel of cn channels (range bins) whose
 * distance takes the channels of dist_mask: the channels it filters,
 * fch[0 .. *nf), the one it copies (*skip: the 4th of 4 when it is out of
 * the distance, else -1); returns the floats per bin and cell (weight and
 * the filtered channels, padded to 2, 4 or 8). */
int vfk_grid_layout (int cn, unsigned dist_mask, int fch[4], int *nf,
    int *skip);

/* One run of the engine, as its hot loops (vfk-grid.c) and its bands
 * (vfk-grid-band.c) see it. */
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
  VfkGridAxis ax, ay;
  int gw;                       /* cells per grid row */
  const float *w;               /* w[v * nb + b]: range weight of value v */
  const uint8_t *blo, *bhi;     /* bins with a weight worth adding, per v */
  const float *win;             /* VfkGridRange.win */
  int nh;                       /* 2-D range: bins of the second axis (with
                                 * their pads), 0 for one axis */
  int clo, chi;                 /* its value: p[chi] - p[clo] + 255 */
  int rpad;                     /* pad bins either side, 0: no smoothing */
  float rtaps[3];               /* the smoothing along both range axes */
} VfkGridJob;

/* Without range bins (range NULL): every channel smoothed on the grid.
 * With them: the range value of a pixel is the sum of its dist_mask
 * channels, or the first channel of guide when there is one; with a
 * second axis (range->nh, three distance channels, no guide), also the
 * difference of the last and the first of them. */
int vfk_grid_run (VfkPool * pool, const VfkImage * src,
    const VfkImage * guide, VfkImage * dst, int ox, int oy, VfkBorder border,
    uint8_t value, unsigned dist_mask, const VfkGridAxis * ax,
    const VfkGridAxis * ay, const VfkGridRange * range);

/* vfk-grid-plain.c, per CPU level (VFK_FN): the plain splat's column
 * sums of grid row j, or 0 where the caller must pad its rows */
int VFK_FN (grid_plain_col_sums) (const VfkGridJob * job, uint32_t * col,
    int j, int x0, int count, int cn);
#define grid_plain_col_sums VFK_FN (grid_plain_col_sums)

#endif
