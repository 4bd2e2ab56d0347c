/* Gaussian blur in constant time per pixel (short windows run the exact
 * filter, see EXACT_GRID_TAPS): Deriche's 4th-order recursive
 * approximation (causal + anti-causal passes), rows then columns; from
 * sigma 4 on, the grid engine of vfk-grid.c does it for a fraction of the
 * work: cells sigma/2 wide, the grid's Gaussian about 1.9 cells, cut at 4
 * of its sigmas.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Borders: each pass runs over the line extended by about 3 sigma of
 * border pixels made by the border module (any policy), starting from the
 * steady state of its first pixel; the start-up error has decayed by the
 * time the pass reaches the frame.  Columns are split between threads
 * (whole columns, no halo); rows are processed eight at a time with one
 * vector lane per row. */
#include <math.h>
#include <string.h>

#include "vfk-dsp.h"
#include "vfk-grid.h"
#include "vfk-private.h"

typedef struct
{
  /* y+[n] = n0 x[n] + n1 x[n-1] + n2 x[n-2] + n3 x[n-3] - d1 y+[n-1] ...
   * y-[n] = m1 x[n+1] + ... + m4 x[n+4] - d1 y-[n+1] ... */
  /* double: with sigma large the poles sit near 1 and float's rounding
   * errors build up in the recursion */
  double n[4], m[4], d[4];
  double scale;                 /* makes the DC gain exactly 1 */
  double ss_causal, ss_anti;    /* steady-state outputs per unit input */
  int pad;                      /* extension on each side */
} Deriche;

static void
deriche_init (Deriche * c, double sigma)
{
  const double a0 = 1.680, a1 = 3.735, b0 = 1.783, b1 = 1.723;
  const double c0 = -0.6803, c1 = -0.2598, w0 = 0.6318, w1 = 1.997;
  const double s = sigma;
  const double cw0 = cos (w0 / s), sw0 = sin (w0 / s);
  const double cw1 = cos (w1 / s), sw1 = sin (w1 / s);
  const double eb0 = exp (-b0 / s), eb1 = exp (-b1 / s);
  double n0, n1, n2, n3, d1, d2, d3, d4, m1, m2, m3, m4, dc;

  n0 = a0 + c0;
  n1 = eb1 * (c1 * sw1 - (c0 + 2 * a0) * cw1)
      + eb0 * (a1 * sw0 - (2 * c0 + a0) * cw0);
  n2 = 2 * eb0 * eb1 * ((a0 + c0) * cw1 * cw0 - a1 * cw1 * sw0
      - c1 * cw0 * sw1) + c0 * eb0 * eb0 + a0 * eb1 * eb1;
  n3 = eb1 * eb0 * eb0 * (c1 * sw1 - c0 * cw1)
      + eb0 * eb1 * eb1 * (a1 * sw0 - a0 * cw0);
  d4 = eb0 * eb0 * eb1 * eb1;
  d3 = -2 * cw0 * eb0 * eb1 * eb1 - 2 * cw1 * eb1 * eb0 * eb0;
  d2 = 4 * cw1 * cw0 * eb0 * eb1 + eb1 * eb1 + eb0 * eb0;
  d1 = -2 * eb1 * cw1 - 2 * eb0 * cw0;
  m1 = n1 - d1 * n0;
  m2 = n2 - d2 * n0;
  m3 = n3 - d3 * n0;
  m4 = -d4 * n0;

  dc = ((n0 + n1 + n2 + n3) + (m1 + m2 + m3 + m4)) / (1 + d1 + d2 + d3 + d4);
  c->n[0] = n0;
  c->n[1] = n1;
  c->n[2] = n2;
  c->n[3] = n3;
  c->m[0] = m1;
  c->m[1] = m2;
  c->m[2] = m3;
  c->m[3] = m4;
  c->d[0] = d1;
  c->d[1] = d2;
  c->d[2] = d3;
  c->d[3] = d4;
  c->scale = 1.0 / dc;
  c->ss_causal = (n0 + n1 + n2 + n3) / (1 + d1 + d2 + d3 + d4);
  c->ss_anti = (m1 + m2 + m3 + m4) / (1 + d1 + d2 + d3 + d4);
  c->pad = (int) ceil (3.0 * sigma) + 8;
}

/* In-place filter of L lines of n samples, stored with `lanes` lines
 * interleaved: x[i * lanes + l].  tmp holds n * lanes floats. */
#define DERICHE_LINES(LANES)                                                 \
  static void                                                                \
  deriche_lines_##LANES (const Deriche * c, float *restrict x,               \
      float *restrict tmp, int n)                                            \
  {                                                                          \
    double xp[4][LANES], yp[4][LANES];                                        \
    const double n0 = c->n[0], n1 = c->n[1], n2 = c->n[2], n3 = c->n[3];      \
    const double m1 = c->m[0], m2 = c->m[1], m3 = c->m[2], m4 = c->m[3];      \
    const double d1 = c->d[0], d2 = c->d[1], d3 = c->d[2], d4 = c->d[3];      \
    for (int l = 0; l < LANES; l++)                                          \
      for (int k = 0; k < 4; k++) {                                          \
        xp[k][l] = x[l];                                                     \
        yp[k][l] = c->ss_causal * x[l];                                      \
      }                                                                      \
    for (int i = 0; i < n; i++) {                                            \
      float *xi = x + (size_t) i * LANES, *ti = tmp + (size_t) i * LANES;    \
      for (int l = 0; l < LANES; l++) {                                      \
        double y = n0 * xi[l] + n1 * xp[0][l] + n2 * xp[1][l]                 \
            + n3 * xp[2][l] - d1 * yp[0][l] - d2 * yp[1][l]                  \
            - d3 * yp[2][l] - d4 * yp[3][l];                                 \
        xp[2][l] = xp[1][l];                                                 \
        xp[1][l] = xp[0][l];                                                 \
        xp[0][l] = xi[l];                                                    \
        yp[3][l] = yp[2][l];                                                 \
        yp[2][l] = yp[1][l];                                                 \
        yp[1][l] = yp[0][l];                                                 \
        yp[0][l] = y;                                                        \
        ti[l] = (float) y;                                                           \
      }                                                                      \
    }                                                                        \
    for (int l = 0; l < LANES; l++) {                                        \
      const float last = x[(size_t) (n - 1) * LANES + l];                    \
      for (int k = 0; k < 4; k++) {                                          \
        xp[k][l] = last;                                                     \
        yp[k][l] = c->ss_anti * last;                                        \
      }                                                                      \
    }                                                                        \
    for (int i = n - 1; i >= 0; i--) {                                       \
      float *xi = x + (size_t) i * LANES, *ti = tmp + (size_t) i * LANES;    \
      for (int l = 0; l < LANES; l++) {                                      \
        double y = m1 * xp[0][l] + m2 * xp[1][l] + m3 * xp[2][l]              \
            + m4 * xp[3][l] - d1 * yp[0][l] - d2 * yp[1][l]                  \
            - d3 * yp[2][l] - d4 * yp[3][l];                                 \
        xp[3][l] = xp[2][l];                                                 \
        xp[2][l] = xp[1][l];                                                 \
        xp[1][l] = xp[0][l];                                                 \
        xp[0][l] = xi[l];                                                    \
        yp[3][l] = yp[2][l];                                                 \
        yp[2][l] = yp[1][l];                                                 \
        yp[1][l] = yp[0][l];                                                 \
        yp[0][l] = y;                                                        \
        xi[l] = (float) ((ti[l] + y) * c->scale);                                      \
      }                                                                      \
    }                                                                        \
  }

/* *INDENT-OFF* */
DERICHE_LINES (8)
DERICHE_LINES (16)
/* *INDENT-ON* */

typedef struct
{
  const VfkImage *src;
  VfkImage *dst;
  int ox, oy;
  VfkBorder border;
  uint8_t value;
  Deriche cx, cy;
  float *tmpimg;                /* the frame after the row pass, float */
  size_t tmpstride;             /* floats per row of tmpimg */
  VfkPool *pool;
} FastJob;

#define ROWS 8

/* Row pass: rows [y0, y1) of the output geometry into tmpimg. */
/* ---- hot loops: one variant per CPU level -------------------------------- */

#define deriche_row_band VFK_FN (deriche_row_band)
void
deriche_row_band (void *data, int worker, int y0, int y1)
{
  FastJob *job = data;
  const VfkImage *src = job->src;
  const int cn = src->channels;
  const int wout = job->dst->width;
  const int pad = job->cx.pad;
  const int n = wout + 2 * pad;
  const size_t lines = (size_t) ROWS * cn;
  const size_t xb = VFK_ALIGN (sizeof (float) * n * MAX (lines, 8));
  const size_t lb = VFK_ALIGN (sizeof (float) * n * 16);
  uint8_t *mem = vfk_pool_scratch (job->pool, worker,
      VFK_ALIGN ((size_t) n * cn * ROWS) + xb + 2 * lb);
  if (!mem)
    return;                     /* the job reports the failure */
  uint8_t *padrows = mem;
  float *x = (float *) (mem + VFK_ALIGN ((size_t) n * cn * ROWS));
  float *tmp = (float *) ((uint8_t *) x + xb);
  float *xx = (float *) ((uint8_t *) tmp + lb);

  for (int yb = y0; yb < y1; yb += ROWS) {
    const int nr = MIN (ROWS, y1 - yb);
    /* rows of this block, padded, transposed to [i][row*cn + c] */
    for (int r = 0; r < ROWS; r++) {
      int yy = yb + MIN (r, nr - 1) + job->oy;
      vfk_border_pad_row (padrows + (size_t) r * n * cn, src, yy,
          job->ox - pad, n, job->border, job->value);
    }
    for (int i = 0; i < n; i++)
      for (int r = 0; r < ROWS; r++)
        for (int c = 0; c < cn; c++)
          x[(size_t) i * lines + r * cn + c] =
              padrows[((size_t) r * n + i) * cn + c];
    if (lines <= 8) {
      /* pad the lanes to 8 */
      for (int i = n - 1; i >= 0; i--)
        for (int l = 7; l >= 0; l--)
          x[(size_t) i * 8 + l] = l < (int) lines ?
              x[(size_t) i * lines + l] : 0.f;
      deriche_lines_8 (&job->cx, x, tmp, n);
      for (int r = 0; r < nr; r++)
        for (int i = 0; i < wout; i++)
          for (int c = 0; c < cn; c++)
            job->tmpimg[(size_t) (yb + r) * job->tmpstride + i * cn + c] =
                x[(size_t) (i + pad) * 8 + r * cn + c];
    } else {
      /* 8 rows x cn channels: process in groups of 16 lanes */
      for (size_t g = 0; g < lines; g += 16) {
        const int gl = (int) MIN (16, lines - g);
        for (int i = 0; i < n; i++)
          for (int l = 0; l < 16; l++)
            xx[(size_t) i * 16 + l] = l < gl ?
                x[(size_t) i * lines + g + l] : 0.f;
        deriche_lines_16 (&job->cx, xx, tmp, n);
        for (int l = 0; l < gl; l++) {
          int r = (int) (g + l) / cn, c = (int) (g + l) % cn;
          if (r >= nr)
            continue;
          for (int i = 0; i < wout; i++)
            job->tmpimg[(size_t) (yb + r) * job->tmpstride + i * cn + c] =
                xx[(size_t) (i + pad) * 16 + l];
        }
      }
    }
  }
}

/* Column pass over sample columns [s0, s1) (split across threads with no
 * halo: the recursion runs down whole columns). */
#define deriche_col_band VFK_FN (deriche_col_band)
void
deriche_col_band (void *data, int worker, int s0, int s1)
{
  FastJob *job = data;
  const int hout = job->dst->height;
  const int pad = job->cy.pad;
  const int n = hout + 2 * pad;
  float *x = vfk_pool_scratch (job->pool, worker,
      2 * VFK_ALIGN (sizeof (float) * n * 16));
  if (!x)
    return;                     /* the job reports the failure */
  float *tmp = (float *) ((uint8_t *) x + VFK_ALIGN (sizeof (float) * n * 16));

  for (int sb = s0; sb < s1; sb += 16) {
    const int ns = MIN (16, s1 - sb);
    for (int i = 0; i < n; i++) {
      /* the border policy applied to rows of the row-filtered frame (the
       * row pass made exactly the output rows) */
      int yy = vfk_border_index (i - pad + job->oy, job->src->height,
          job->border);
      float *xi = x + (size_t) i * 16;
      if (yy < 0) {
        for (int l = 0; l < 16; l++)
          xi[l] = job->value;   /* a constant row stays constant */
      } else {
        const float *t = job->tmpimg + (size_t) MIN (MAX (yy - job->oy, 0),
            hout - 1) * job->tmpstride + sb;
        if (ns == 16)
          memcpy (xi, t, sizeof (float) * 16);
        else
          for (int l = 0; l < 16; l++)
            xi[l] = t[MIN (l, ns - 1)];
      }
    }
    deriche_lines_16 (&job->cy, x, tmp, n);
    for (int y = 0; y < hout; y++) {
      uint8_t *out = vfk_row (job->dst, y) + sb;
      for (int l = 0; l < ns; l++) {
        float v = x[(size_t) (y + pad) * 16 + l] + 0.5f;
        out[l] = v <= 0.f ? 0 : v >= 255.f ? 255 : (uint8_t) v;
      }
    }
  }
}

#if VFK_ONCE

VFK_DECLARE_VARIANTS (void, deriche_row_band, (void *data, int worker, int y0,
        int y1));
VFK_DECLARE_VARIANTS (void, deriche_col_band, (void *data, int worker, int s0,
        int s1));

void
vfk_gauss_fast_dsp_init (VfkGaussFastDsp * dsp, unsigned flags)
{
  dsp->row_band = deriche_row_band_c;
  dsp->col_band = deriche_col_band_c;
  VFK_OVERRIDE (dsp, flags, row_band, deriche_row_band);
  VFK_OVERRIDE (dsp, flags, col_band, deriche_col_band);
}

VFK_DSP_GETTER (VfkGaussFastDsp, gauss_fast_dsp, vfk_gauss_fast_dsp_init);

/* From this sigma on, the grid (cells of at least 2 pixels). */
#define GRID_MIN_SIGMA 4.0

/* The exact 8-bit kernel (OpenCV's window: 3 sigma each side) costs about
 * 0.04 ms per tap of its two windows at 1080p BGR (2 threads); the grid
 * 4 ms at sigma 4-5 (cells of 2 pixels), 2.5 at 6-7, 2 at 8 and 1.2 from
 * 20 on; the recursion 13 ms.  So "fast" runs the exact windows while they
 * add up to at most EXACT_GRID_TAPS taps (sigma 5.5 on both axes; at 5
 * the windows take 2.4 ms, the grid 4.0; at 6 2.8 against 2.5), or
 * EXACT_MAX_TAPS where an axis is below the grid's sigma (the recursion's
 * turn) — and the exact windows are nearer a true Gaussian (58 dB against
 * float64, the recursion 50-59): "fast" is never the slower of the two. */
#define EXACT_GRID_TAPS 70
#define EXACT_MAX_TAPS 320

/* The Gaussian on a grid of cells sigma/2 wide: the cell average and the
 * bilinear read-back make up sx^2/4 of the variance, the grid's own
 * Gaussian the rest. */
static int
gauss_grid (VfkPool * pool, const VfkImage * src, VfkImage * dst, int ox,
    int oy, VfkBorder border, uint8_t value, double sigma_x, double sigma_y)
{
  const int sx = MAX (1, (int) (sigma_x / 2));
  const int sy = MAX (1, (int) (sigma_y / 2));
  VfkGridAxis ax, ay;

  vfk_grid_axis_init (&ax, sigma_x, sx, 4, 1.0 / sx);
  vfk_grid_axis_init (&ay, sigma_y, sy, 4, 1.0 / sy);
  return vfk_grid_run (pool, src, NULL, dst, ox, oy, border, value, 0, &ax,
      &ay, NULL);
}

int
vfk_gauss_fast (VfkPool * pool, const VfkImage * src, VfkImage * dst,
    int ox, int oy, VfkBorder border, uint8_t value, double sigma_x,
    double sigma_y)
{
  FastJob job = {
    .src = src,.dst = dst,.ox = ox,.oy = oy,.border = border,.value = value,
    .tmpstride = (size_t) dst->width * src->channels,.pool = pool,
  };
  if (sigma_y <= 0)
    sigma_y = sigma_x;
  {
    const int kw = vfk_gauss_resolve_size (0, sigma_x);
    const int kh = vfk_gauss_resolve_size (0, sigma_y);
    const int grid = sigma_x >= GRID_MIN_SIGMA && sigma_y >= GRID_MIN_SIGMA;
    if (kw + kh <= (grid ? EXACT_GRID_TAPS : EXACT_MAX_TAPS))
      return vfk_gauss_exact (pool, src, dst, ox, oy, border, value, kw, kh,
          sigma_x, sigma_y);
    if (grid)
      return gauss_grid (pool, src, dst, ox, oy, border, value, sigma_x,
          sigma_y);
  }
  job.tmpimg = vfk_pool_shared_scratch (pool, sizeof (float) *
      job.tmpstride * dst->height);
  if (!job.tmpimg)
    return -1;
  deriche_init (&job.cx, MAX (sigma_x, 0.5));
  deriche_init (&job.cy, MAX (sigma_y, 0.5));
  if (vfk_pool_run (pool, dst->height, gauss_fast_dsp ()->row_band, &job) != 0)
    return -1;
  return vfk_pool_run (pool, dst->width * src->channels,
      gauss_fast_dsp ()->col_band, &job);
}

#endif /* VFK_ONCE */
