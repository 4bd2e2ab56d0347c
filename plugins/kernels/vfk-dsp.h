/* The dispatch tables of the kernel library: one per filter (and one of
 * row primitives shared by the linear filters), each filled with the C
 * entries first, then overridden per CPU flag (vfk-private.h).  Internal;
 * tests/test-checkasm.c walks every entry of every table.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef VFK_DSP_H
#define VFK_DSP_H

#include "vfk.h"

/* ---- row primitives (vfk-cpu.c): box, Gaussian, linear ------------------- */

typedef struct
{
  /* acc[s] += w * row[s] for s in [0, n) */
  void (*mac_u8_i32) (int32_t * acc, const uint8_t * row, int32_t w, int n);
  void (*mac_i32_i32) (int32_t * acc, const int32_t * row, int32_t w, int n);
  void (*mac_u8_f32) (float *acc, const uint8_t * row, float w, int n);
  void (*mac_f32_f32) (float *acc, const float *row, float w, int n);
  /* dst[s] = src[s] */
  void (*u8_to_f32) (float *dst, const uint8_t * src, int n);
  /* Inclusive running sums of interleaved channels for two independent
   * rows a and b: P[s] = P[s-cn] + x[s], with P[-cn..-1] read from P (the
   * caller provides them). */
  void (*prefix2_u32) (uint32_t * Pa, const uint32_t * xa, uint32_t * Pb,
      const uint32_t * xb, int n, int cn);
  /* The same from 16-bit inputs. */
  void (*prefix2_u16) (uint32_t * Pa, const uint16_t * xa, uint32_t * Pb,
      const uint16_t * xb, int n, int cn);
  /* 2-D filter over padded float rows (kh of them):
   * out[s] = sum_j sum_i k[j kw + i] rows[j][s + i cn].  Both may fuse
   * multiply-adds where the CPU has FMA: conv_f32_exact is used only when
   * every sum is an integer < 2^24 and so gives the same bytes everywhere;
   * conv_f32 (float kernels) may differ in the last float bit between CPU
   * variants, which can move an output by 1 where it sits on .5. */
  void (*conv_f32) (float *out, const float *const *rows, const float *k,
      int kw, int kh, int cn, int n);
  void (*conv_f32_exact) (float *out, const float *const *rows,
      const float *k, int kw, int kh, int cn, int n);
  /* Four vertically adjacent outputs of a kh-tap column filter from kh+3
   * rows, each row loaded once: out[o][s] = sum_t k[t] rows[o + t][s] */
  void (*v4_f32) (float *const *out, const float *const *rows,
      const float *k, int kh, int n);
  /* The exact Gaussian in 16 bits: half kernels k ([0, r) outer taps,
   * [r] centre); every sum, computed modulo 2^16, is below 2^16 (the
   * caller checks: any q8 row kernel; columns whose taps share a large
   * power of two, 3x3 and 5x5 at OpenCV's default sigma).  Rows: out[s] =
   * sum_i k[|i - r|] in[s + i cn]; columns, m (1-4) output rows from
   * 2r + m rows: out[o][s] = (sum_j k[..] rows[o + j][s] + add) >> shift */
  void (*hsym_u8_u16) (uint16_t * out, const uint8_t * in, const uint16_t * k,
      int r, int cn, int n);
  void (*vsym_u16_u8) (uint8_t * const *out, int m,
      const uint16_t * const *rows, const uint16_t * k, int r, int n,
      uint16_t add, int shift);
  /* The exact Gaussian's columns for every other kernel: m (1-4) output
   * rows from kh + m - 1 rows of 16-bit sums (any q8 row kernel: below
   * 65281), the whole column kernel k (q8 weights summing to 256):
   * out[o][s] = (sum_t k[t] rows[o + t][s] + 2^15) >> 16 */
  void (*vcol_u16_u8) (uint8_t * const *out, int m,
      const uint16_t * const *rows, const float *k, int kh, int n);
} VfkRowDsp;

void vfk_row_dsp_init (VfkRowDsp * dsp, unsigned flags);
const VfkRowDsp *vfk_row_dsp (void);

/* ---- box (vfk-box.c) ------------------------------------------------------- */

/* OpenCV 4.6 cv2.blur's rounding of a window sum: areas up to 256 in fixed
 * point, ((sum + dd) ds) >> 23; larger ones sum * sf in float32 (sd, in
 * double, for a row's last ns % 8 samples) */
typedef struct
{
  int fixed;
  uint32_t dd, ds;
  float sf;
  double sd;
} VfkBoxCvRound;

typedef struct
{
  /* out[s] = round-half-up((hi[s] - lo[s]) / area) */
  void (*output_half_up) (uint8_t * out, const uint32_t * hi,
      const uint32_t * lo, int ns, uint32_t area);
  /* dst[s] = src[s] + in[s] - out[s] (dst and src never overlap) */
  void (*col_update) (uint32_t * dst, const uint32_t * src,
      const uint8_t * in, const uint8_t * out, int n);
  /* The same in 16 bits (column sums of at most 257 rows) */
  void (*col_update16) (uint16_t * dst, const uint16_t * src,
      const uint8_t * in, const uint8_t * out, int n);
  /* small windows: out[s] = the half-up mean of the kw 16-bit column sums
   * col[s + i cn], i < kw, summed directly (area * 255 < 2^16) */
  void (*hsum_half_up16) (uint8_t * out, const uint16_t * col, int kw,
      int cn, int ns, uint32_t area);
  /* out[s] = OpenCV's rounding of hi[s] - lo[s] */
  void (*output_opencv) (uint8_t * out, const uint32_t * hi,
      const uint32_t * lo, int ns, const VfkBoxCvRound * cv);
} VfkBoxDsp;

void vfk_box_dsp_init (VfkBoxDsp * dsp, unsigned flags);

/* ---- linear (vfk-linear.c) --------------------------------------------------- */

typedef struct
{
  /* n accumulators to 8-bit output with the kernel's rounding */
  void (*finish_i32) (uint8_t * out, const int32_t * acc, int n,
      const VfkRound * r);
  void (*finish_f32) (uint8_t * out, const float *acc, int n,
      const VfkRound * r);
  /* integer-valued float sums (overwritten) with the integer rounding */
  void (*finish_exact) (uint8_t * out, float *acc, int n, const VfkRound * r);
} VfkLinearDsp;

void vfk_linear_dsp_init (VfkLinearDsp * dsp, unsigned flags);

/* ---- fast Gaussian (vfk-gauss-fast.c) ------------------------------------------ */

typedef struct
{
  VfkBandFunc row_band;         /* Deriche along rows, into a float frame */
  VfkBandFunc col_band;         /* ... then down columns, to bytes */
} VfkGaussFastDsp;

void vfk_gauss_fast_dsp_init (VfkGaussFastDsp * dsp, unsigned flags);

/* ---- grid engine (vfk-grid.c) -------------------------------------------------- */

struct VfkGridJob;
typedef struct
{
  /* raw grid row j, per channel count 1-4 */
  void (*splat[4]) (const struct VfkGridJob * job, float *cells, int j,
      uint8_t * pad, uint8_t * gpad);
  /* a smoothed grid row from raw rows: every bin of every cell, or with
   * span (range bins) per cell c only bins span[c] .. span[gw + c] of out
   * and span[2 gw + c] .. span[3 gw + c] of the vertical pass (tmp) */
  void (*smooth) (const struct VfkGridJob * job, float *out,
      float *const *rows, float *tmp, const int *span);
  /* an output row from two smoothed rows: range bins, per channel count;
   * tmp: 5 floats per output pixel */
  void (*slice[4]) (const struct VfkGridJob * job, int y, const float *a,
      const float *b, float fy, const int *ix, const float *fx, float *tmp);
  /* ... without range bins (the Gaussian): a smoothed row s interpolated
   * horizontally once into h (sample m reads cell sample idx[m] and the
   * next cell's at fraction fm[m]), then each output row from two such
   * rows a and b at fraction fy */
  void (*expand_plain) (const struct VfkGridJob * job, const float *s,
      const int *idx, const float *fm, float *h);
  void (*slice_plain) (const struct VfkGridJob * job, int y, const float *a,
      const float *b, float fy);
} VfkGridDsp;

void vfk_grid_dsp_init (VfkGridDsp * dsp, unsigned flags);

/* ---- median (vfk-median.c) ------------------------------------------------------ */

typedef struct
{
  /* one 3x3 output row from three padded rows (lo, mid, hi: scratch) */
  void (*row3x3) (uint8_t * out, const uint8_t * r0, const uint8_t * r1,
      const uint8_t * r2, uint8_t * lo, uint8_t * mid, uint8_t * hi, int cn,
      int n);
  VfkBandFunc hist_band;        /* the histogram path */
  /* one row of 5x5, 7x7, 9x9, 11x11 medians by sorting networks over the
   * k padded rows r */
  void (*net[4]) (uint8_t * out, const uint8_t * const *r, int cn, int n);
} VfkMedianDsp;

void vfk_median_dsp_init (VfkMedianDsp * dsp, unsigned flags);

/* ---- exact bilateral (vfk-bilateral.c) -------------------------------------------- */

struct VfkBilateralJob;
typedef struct
{
  /* The pair sweep's source row (vfk-bilateral.c): rows[0..r] and
   * acc[0..r] from the source row down; out (NULL for the rows above a
   * band) gets the finished row */
  void (*pairs) (const struct VfkBilateralJob * job, float *const *rows,
      float *const *acc, int pstride, int cn, int npos, uint8_t * out,
      int kmin, int kmax);
} VfkBilateralDsp;

void vfk_bilateral_dsp_init (VfkBilateralDsp * dsp, unsigned flags);

/* ---- temporal (vfk-temporal.c) ------------------------------------------- */

/* One parameter set's integer coefficients, for a noise level. */
typedef struct
{
  int t0, span, aq, shift;      /* motion ramp: 256 from sad - t0 = span
                                 * on, below ((sad - t0) << shift) * aq >> 16 */
  int amin;                     /* Q8 weight of a still sample */
  int T;                        /* spatial limit, Q4 */
} VfkTemporalCoef;

/* The smallest noise level the coefficients assume (half a level, Q4). */
#define VFK_TEMPORAL_MIN_SIGMA16 8

void vfk_temporal_coef (VfkTemporalCoef * c, int sigma16, double strength,
    double spatial);
/* The estimate after one frame whose own figure is cand (both Q4). */
int vfk_temporal_next_sigma16 (int est, int cand);

typedef struct
{
  /* a row of n samples x and its history p into the rows padded by one
   * pixel (cn samples) each side whose edges the caller has set:
   * ad[cn + k] = |16 x[k] - p[k]|, xw[cn + k] = x[k], then for s in [0, n)
   * hs[s] = ad[s] + ad[s + cn] + ad[s + 2 cn],
   * hb[s] = xw[s] + 2 xw[s + cn] + xw[s + 2 cn] */
  void (*prep) (uint16_t * hs, uint16_t * hb, uint16_t * ad, uint16_t * xw,
      const uint8_t * x, const uint16_t * p, int n, int cn);
  /* one output row from the sums of the rows above, at and below it (the
   * formulas of vfk-temporal.c): the new history pn and the output */
  void (*row) (uint16_t * pn, uint8_t * out, const uint16_t * p,
      const uint8_t * x, const uint16_t * const *hs,
      const uint16_t * const *hb, int n, const VfkTemporalCoef * c);
} VfkTemporalDsp;

void vfk_temporal_dsp_init (VfkTemporalDsp * dsp, unsigned flags);

/* ---- packed 4:2:2 and luma (vfk-layout.c) ------------------------------- */

typedef struct
{
  /* n macropixels of 4 bytes split: y[2i], y[2i+1] from bytes offsets[0]
   * and offsets[0] + 2 of macropixel i, u[i] from offsets[1], v[i] from
   * offsets[2]; pack_422 is the inverse */
  void (*unpack_422) (uint8_t * y, uint8_t * u, uint8_t * v,
      const uint8_t * src, int n, const int offsets[3]);
  void (*pack_422) (uint8_t * dst, const uint8_t * y, const uint8_t * u,
      const uint8_t * v, int n, const int offsets[3]);
  /* d[x] = (77 s[x cn + rgb[0]] + 150 s[.. rgb[1]] + 29 s[.. rgb[2]] + 128)
   * >> 8 for x in [0, n) */
  void (*luma) (uint8_t * d, const uint8_t * s, int n, int cn,
      const int rgb[3]);
} VfkLayoutDsp;

void vfk_layout_dsp_init (VfkLayoutDsp * dsp, unsigned flags);

/* ---- non-local means (vfk-nlmeans.c) ------------------------------------- */

/* The weight table (vfk-nlmeans-tiles.c), read by the tiles. */
struct VfkNlmeans
{
  int patch, search, channels, shift, tlen;
  int32_t *table;               /* tlen + 1 entries, the last 0 */
  int32_t table64[64];          /* the first 64, zeros after tlen */
  uint16_t table16[1024];       /* the low 16 bits, when it fits */
  int blocks16;                 /* 64-entry blocks of table16, or 0 */
  int big16;                    /* entries below this one are >= 2^16 */
};

/* One tile of output rows being filtered, for the hot loop. */
/* Offsets of one row of the search window taken in one pass. */
#define VFK_NLM_BATCH 6

typedef struct
{
  const uint8_t *pad;           /* the tile's source, padded by R rows and
                                 * C columns each side */
  ptrdiff_t pstride;
  int32_t *est, *wsum;          /* rows x w (x nm) sums of the tile */
  size_t sstride;               /* their rows: w rounded up to 32 */
  uint32_t *col;                /* VFK_NLM_BATCH rows of column sums down
                                 * the patch, row_len apart */
  uint32_t *dist, *prefix;      /* rows of w + search (+ tws) */
  int32_t *weights;             /* VFK_NLM_BATCH rows of weights */
  size_t row_len;               /* >= w + search + patch */
  const int32_t *table;         /* weights by D >> shift; table[tlen] = 0 */
  const int32_t *table64;       /* its first 64 entries, 0 from tlen on */
  const uint16_t *table16;      /* all of it, 16 low bits, when it has
                                 * < 1024 entries (blocks16 of 64) of at
                                 * most 17 bits, or NULL */
  int blocks16, big16;          /* entries [0, big16) have bit 16 set */
  int tlen, shift;
  int tws, twh, R;              /* patch size, its half, search/2 + twh */
  int C;                        /* the padding's columns: R + VFK_NLM_BATCH */
  int rows, w;                  /* of the tile */
  int cn, nm, ch[4];            /* channels; the nm weighted ones */
  int narrow;                   /* one channel, weights < 2^16: AVX-512
                                 * keeps weight - 32768 in 16 bits */
  int sat16;                    /* tlen <= 65535 >> shift: distances
                                 * saturated at 65535 give the same index */
} VfkNlmTile;

typedef struct
{
  /* offsets d = (dy, dx0 + k), k < K <= VFK_NLM_BATCH (dy > 0, or dy = 0
   * and dx0 > 0) and their mirrors -d: for every output pixel p of the
   * tile, the distances D to p + d and to p - d, their weights, then
   * wsum += weight, est += weight * candidate */
  void (*offsets) (const VfkNlmTile * t, int dy, int dx0, int K);
  /* output row r of the tile: with the pixel's own weight (d = 0) added
   * to est and wsum, (est + wsum / 2) / wsum rounded down into the
   * weighted channels of out */
  void (*finish) (const VfkNlmTile * t, int r, uint8_t * out);
} VfkNlmeansDsp;

void vfk_nlmeans_dsp_init (VfkNlmeansDsp * dsp, unsigned flags);

#endif
