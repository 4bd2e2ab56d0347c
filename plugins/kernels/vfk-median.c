/* Exact median filter.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * 3x3: column sorts shared by neighbouring windows, then a median of
 * three (vectorised by the compiler); 5x5 to 11x11: generated networks
 * (vfk-median-networks.h).  Every other odd size up to 255x255: constant
 * time per pixel after Perreault & Hébert (2007): one 256-bin histogram per
 * column, kept as you move down; the window's histogram is the sum of kw
 * column histograms, kept as you move right, on two levels: 16 coarse bins
 * always current, and 16 fine bins per coarse bin brought up to date only
 * when the median falls in that coarse bin.  Counts are stored cumulative,
 * so the bin holding the median is one 16-lane comparison away.  Both paths
 * give the same bytes: the element of rank (kw*kh-1)/2 of the window. */
#include <string.h>

#include "vfk-dsp.h"
#include "vfk-private.h"

typedef struct
{
  const VfkImage *src;
  VfkImage *dst;
  int ox, oy;
  VfkBorder border;
  uint8_t value;
  int kw, kh;
  VfkPool *pool;
} MedianJob;

static inline void
pad_row (uint8_t * dst, const MedianJob * job, int c, int start, int count)
{
  vfk_border_pad_row (dst, job->src, c, start, count, job->border, job->value);
}

/* ---- 3x3 ------------------------------------------------------------------ */

/* The median of a 3x3 window is the median of three numbers: the largest
 * of the column minima, the median of the column medians and the smallest
 * of the column maxima.  Each column is sorted once for the three windows
 * that share it. */
#define MIN8(a, b) ((a) < (b) ? (a) : (b))
#define MAX8(a, b) ((a) < (b) ? (b) : (a))
#define MED3(a, b, c) MAX8 (MIN8 (a, b), MIN8 (MAX8 (a, b), c))

#define median3x3_row VFK_FN (median3x3_row)
void
median3x3_row (uint8_t * restrict out, const uint8_t * restrict r0,
    const uint8_t * restrict r1, const uint8_t * restrict r2,
    uint8_t * restrict lo, uint8_t * restrict mid, uint8_t * restrict hi,
    int cn, int n)
{
  const int m = n + 2 * cn;     /* the padded row's samples */
  for (int s = 0; s < m; s++) {
    const uint8_t a = r0[s], b = r1[s], c = r2[s];
    const uint8_t l = MIN8 (a, b), h = MAX8 (a, b);
    lo[s] = MIN8 (l, c);
    mid[s] = MIN8 (h, MAX8 (l, c));
    hi[s] = MAX8 (h, c);
  }
  for (int s = 0; s < n; s++) {
    const uint8_t L = MAX8 (MAX8 (lo[s], lo[s + cn]), lo[s + 2 * cn]);
    const uint8_t H = MIN8 (MIN8 (hi[s], hi[s + cn]), hi[s + 2 * cn]);
    const uint8_t M = MED3 (mid[s], mid[s + cn], mid[s + 2 * cn]);
    out[s] = MED3 (L, M, H);
  }
}

#if VFK_ONCE

VFK_DECLARE_VARIANTS (void, median3x3_row, (uint8_t * out, const uint8_t * r0,
        const uint8_t * r1, const uint8_t * r2, uint8_t * lo, uint8_t * mid,
        uint8_t * hi, int cn, int n));
VFK_DECLARE_VARIANTS (void, median_hist_band, (void *data, int worker, int y0,
        int y1));
#define NET_VARIANTS(k) \
  VFK_DECLARE_VARIANTS (void, median##k##x##k##_row, (uint8_t * out, \
          const uint8_t * const *r, int cn, int n))
NET_VARIANTS (5);
NET_VARIANTS (7);
NET_VARIANTS (9);
NET_VARIANTS (11);

void
vfk_median_dsp_init (VfkMedianDsp * dsp, unsigned flags)
{
  dsp->row3x3 = median3x3_row_c;
  dsp->hist_band = median_hist_band_c;
  dsp->net[0] = median5x5_row_c;
  dsp->net[1] = median7x7_row_c;
  dsp->net[2] = median9x9_row_c;
  dsp->net[3] = median11x11_row_c;
  VFK_OVERRIDE (dsp, flags, row3x3, median3x3_row);
  VFK_OVERRIDE (dsp, flags, hist_band, median_hist_band);
  VFK_OVERRIDE (dsp, flags, net[0], median5x5_row);
  VFK_OVERRIDE (dsp, flags, net[1], median7x7_row);
  VFK_OVERRIDE (dsp, flags, net[2], median9x9_row);
  VFK_OVERRIDE (dsp, flags, net[3], median11x11_row);
}

VFK_DSP_GETTER (VfkMedianDsp, median_dsp, vfk_median_dsp_init);

static void
median3x3_band (void *data, int worker, int y0, int y1)
{
  MedianJob *job = data;
  const int cn = job->src->channels;
  const int ns = job->dst->width * cn, src_n = job->src->width * cn;
  const int pcount = job->dst->width + 2;
  const int pn = pcount * cn;
  const int start = job->ox - 1;
  uint8_t *mem = vfk_pool_scratch (job->pool, worker, 6 * VFK_ALIGN (pn));
  if (!mem)
    return;                     /* the job reports the failure */
  uint8_t *rows[3] = { mem, mem + VFK_ALIGN (pn), mem + 2 * VFK_ALIGN (pn) };
  uint8_t *lo = mem + 3 * VFK_ALIGN (pn), *mid = lo + VFK_ALIGN (pn),
      *hi = mid + VFK_ALIGN (pn);

  pad_row (rows[1], job, y0 + job->oy - 1, start, pcount);
  pad_row (rows[2], job, y0 + job->oy, start, pcount);
  for (int y = y0; y < y1; y++) {
    uint8_t *t = rows[0];
    rows[0] = rows[1];
    rows[1] = rows[2];
    rows[2] = t;
    vfk_border_pad_row_noprefetch (rows[2], job->src, y + job->oy + 1, start,
        pcount, job->border, job->value);
    /* by chunks, each after the prefetch of its span VFK_PREFETCH_ROWS
     * rows down: the source row a later copy reads, the row a later
     * iteration writes (the band's own rows only) */
    const int ahead = y + VFK_PREFETCH_ROWS;
    const uint8_t *src_row = vfk_row_in (job->src, ahead + job->oy + 1);
    const uint8_t *dst_row = ahead < y1 ? vfk_row (job->dst, ahead) : NULL;
    uint8_t *out = vfk_row (job->dst, y);
    for (int x0 = 0; x0 < ns; x0 += VFK_PREFETCH_CHUNK) {
      const int c = MIN (VFK_PREFETCH_CHUNK, ns - x0);
      vfk_prefetch_within (src_row, start * cn + x0,
          start * cn + x0 + c + 2 * cn, src_n);
      vfk_prefetch_within (dst_row, x0, x0 + c, ns);
      median_dsp ()->row3x3 (out + x0, rows[0] + x0, rows[1] + x0,
          rows[2] + x0, lo, mid, hi, cn, c);
    }
  }
}

#endif /* VFK_ONCE */

/* ---- 5x5 ------------------------------------------------------------------ */

#define SORT2(a, b) do { uint8_t lo_ = a < b ? a : b; \
    uint8_t hi_ = a < b ? b : a; a = lo_; b = hi_; } while (0)

#include "vfk-median-networks.h"

#if VFK_ONCE

/* k x k windows (k = 5, 7, 9, 11) by a generated network over whole rows. */
static void
median_net_band (void *data, int worker, int y0, int y1)
{
  MedianJob *job = data;
  const VfkMedianDsp *dsp = median_dsp ();
  const int k = job->kw, r = k / 2;
  const int cn = job->src->channels;
  const int ns = job->dst->width * cn;
  const int pcount = job->dst->width + k - 1;
  const int pn = pcount * cn;
  const int start = job->ox - r;
  uint8_t *mem = vfk_pool_scratch (job->pool, worker, k * VFK_ALIGN (pn));
  if (!mem)
    return;                     /* the job reports the failure */
  uint8_t *rows[11];

  for (int i = 0; i < k; i++)
    rows[i] = mem + i * VFK_ALIGN (pn);
  for (int i = 1; i < k; i++)
    pad_row (rows[i], job, y0 + job->oy - r - 1 + i, start, pcount);
  for (int y = y0; y < y1; y++) {
    uint8_t *t = rows[0];
    for (int i = 0; i < k - 1; i++)
      rows[i] = rows[i + 1];
    rows[k - 1] = t;
    pad_row (rows[k - 1], job, y + job->oy + r, start, pcount);
    const uint8_t *const *rr = (const uint8_t * const *) rows;
    uint8_t *out = vfk_row (job->dst, y);
    dsp->net[(k - 5) / 2] (out, rr, cn, ns);
  }
}

#endif /* VFK_ONCE */

/* ---- histograms -------------------------------------------------------------- */

/* Every count is kept cumulative ("how many values lie below this bin"), so
 * finding the bin that holds rank r is one comparison of 16 lanes and a
 * lane count, with no prefix sums:
 *   ccum[x][k]        values of column x in coarse bins < k (k < 16);
 *   fcum[b][x][f]     values of column x in coarse bin b with fine < f
 * (bin-major: the window's catch-up for bin b reads consecutive columns). */
typedef struct
{
  uint16_t *ccum;               /* [pcount][16] */
  uint16_t *fcum;               /* [16][pcount][16] */
  size_t bstride;               /* pcount * 16 */
} ColumnHist;

typedef uint16_t vu16x16 __attribute__((vector_size (32)));
typedef int16_t vs16x16 __attribute__((vector_size (32)));

/* above[j]: lane k is 1 where k > j */
static const uint16_t above[16][16] __attribute__((aligned (32))) = {
#define ROW(j) { 0 > j, 1 > j, 2 > j, 3 > j, 4 > j, 5 > j, 6 > j, 7 > j, \
      8 > j, 9 > j, 10 > j, 11 > j, 12 > j, 13 > j, 14 > j, 15 > j }
  ROW (0), ROW (1), ROW (2), ROW (3), ROW (4), ROW (5), ROW (6), ROW (7),
  ROW (8), ROW (9), ROW (10), ROW (11), ROW (12), ROW (13), ROW (14),
  ROW (15)
#undef ROW
};

VFK_ALWAYS_INLINE void
vadd (uint16_t * restrict acc, const uint16_t * restrict m, int d)
{
  vu16x16 a, v;
  memcpy (&a, acc, 32);
  memcpy (&v, m, 32);
  if (d > 0)
    a += v;
  else
    a -= v;
  memcpy (acc, &a, 32);
}

VFK_ALWAYS_INLINE void
col_add (ColumnHist * h, int x, int v)
{
  vadd (h->ccum + (size_t) x * 16, above[v >> 4], 1);
  vadd (h->fcum + (v >> 4) * h->bstride + (size_t) x * 16, above[v & 15], 1);
}

/* Column x loses value vout and gains vin. */
VFK_ALWAYS_INLINE void
col_swap (ColumnHist * h, int x, int vout, int vin)
{
  uint16_t *cc = h->ccum + (size_t) x * 16;
  vu16x16 a, p, m;
  memcpy (&a, cc, 32);
  memcpy (&p, above[vin >> 4], 32);
  memcpy (&m, above[vout >> 4], 32);
  a = a + p - m;
  memcpy (cc, &a, 32);
  vadd (h->fcum + (vout >> 4) * h->bstride + (size_t) x * 16,
      above[vout & 15], -1);
  vadd (h->fcum + (vin >> 4) * h->bstride + (size_t) x * 16,
      above[vin & 15], 1);
}

/* 16 counts as a vector (a macro: a function returning a 32-byte vector
 * would change the ABI of the non-AVX build) */
#define load16(p) ({ vu16x16 v_; memcpy (&v_, (p), 32); v_; })

/* The last bin whose cumulative count is <= r (lane 0 always is, being
 * 0): the number of such lanes, minus one. */
/* (the lane count of a mask where the CPU level has one) */
#if VFK_ARCH == 2
#include <immintrin.h>
/* AVX-512: the lanes <= r as a mask, counted */
VFK_ALWAYS_INLINE int
last_le (vu16x16 cum, int r)
{
  return __builtin_popcount (_mm256_cmple_epu16_mask ((__m256i) cum,
          _mm256_set1_epi16 ((short) r))) - 1;
}
#elif VFK_ARCH == 1
#include <immintrin.h>
/* AVX2: cum <= r where max(cum, r) == r; two mask bits a lane */
VFK_ALWAYS_INLINE int
last_le (vu16x16 cum, int r)
{
  const __m256i rv = _mm256_set1_epi16 ((short) r);
  return __builtin_popcount ((unsigned) _mm256_movemask_epi8
      (_mm256_cmpeq_epi16 (_mm256_max_epu16 ((__m256i) cum, rv), rv))) / 2 - 1;
}
#elif defined (__SSE2__)
#include <emmintrin.h>
/* SSE2: cum <= r where cum - r saturates to 0, in two halves */
VFK_ALWAYS_INLINE int
last_le (vu16x16 cum, int r)
{
  __m128i h[2], rv = _mm_set1_epi16 ((short) r);
  memcpy (h, &cum, 32);
  const __m128i z = _mm_setzero_si128 ();
  return (__builtin_popcount ((unsigned) _mm_movemask_epi8 (_mm_cmpeq_epi16
              (_mm_subs_epu16 (h[0], rv), z)))
      + __builtin_popcount ((unsigned) _mm_movemask_epi8 (_mm_cmpeq_epi16
              (_mm_subs_epu16 (h[1], rv), z)))) / 2 - 1;
}
#else
VFK_ALWAYS_INLINE int
last_le (vu16x16 cum, int r)
{
  vs16x16 m = (vs16x16) (cum <= (uint16_t) r);
  m += __builtin_shuffle (m, (vs16x16) {
      8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15});
  m += __builtin_shuffle (m, (vs16x16) {
      4, 5, 6, 7, 4, 5, 6, 7, 4, 5, 6, 7, 4, 5, 6, 7});
  m += __builtin_shuffle (m, (vs16x16) {
      2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3});
  m += __builtin_shuffle (m, (vs16x16) {
      1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1});
  return -m[0] - 1;
}
#endif

/* Sweeps one output row of one channel: the window's cumulative coarse
 * counts follow it column by column; the fine counts of a coarse bin are
 * brought up to date only when the median falls in that bin, and those of
 * the bin holding the median stay in a register while it stays there. */
VFK_ALWAYS_INLINE void
median_row (const ColumnHist * h, uint8_t * out, int cn, int wout, int kw,
    int rank)
{
  vu16x16 kc = { 0 };
  vu16x16 cur = { 0 };          /* the fine counts of bin cb, in a register */
  uint16_t kf[16][16] __attribute__((aligned (32)));
  int last[16];                 /* window start the fine bucket is valid for */
  int cb = -1;

  for (int b = 0; b < 16; b++)
    last[b] = -1 - kw;          /* stale */
  for (int x = 0; x < kw; x++)
    kc += load16 (h->ccum + (size_t) x * 16);

  for (int x = 0; x < wout; x++) {
    int b, f;
    if (x > 0)
      kc += load16 (h->ccum + (size_t) (x + kw - 1) * 16)
          - load16 (h->ccum + (size_t) (x - 1) * 16);
    b = last_le (kc, rank);
    const uint16_t *fb = h->fcum + b * h->bstride;
    if (b == cb) {
      /* the common case: the median stays in its bin */
      cur += load16 (fb + (size_t) (x + kw - 1) * 16)
          - load16 (fb + (size_t) (x - 1) * 16);
    } else {
      if (cb >= 0) {
        memcpy (kf[cb], &cur, 32);
        last[cb] = x - 1;
      }
      /* bring the fine counts of bin b to this window */
      if (x - last[b] >= kw) {
        cur = (vu16x16) {
        0};
        for (int i = x; i < x + kw; i++)
          cur += load16 (fb + (size_t) i * 16);
      } else {
        cur = load16 (kf[b]);
        for (int i = last[b] + 1; i <= x; i++)
          cur += load16 (fb + (size_t) (i + kw - 1) * 16)
              - load16 (fb + (size_t) (i - 1) * 16);
      }
      cb = b;
    }
    f = last_le (cur, rank - kc[b]);
    out[(size_t) x * cn] = (uint8_t) (b * 16 + f);
  }
}

/* Channel c of one vertical strip of output columns [tx0, tx0 + tw): its
 * column histograms stay in the per-core cache while the strip moves
 * down (one channel at a time keeps them small). */
VFK_ALWAYS_INLINE void
median_hist_tile (MedianJob * job, uint8_t * mem, int y0, int y1, int tx0,
    int tw, int c)
{
  const int cn = job->src->channels;
  const int kw = job->kw, kh = job->kh;
  const int pcount = tw + kw - 1;
  const int pn = pcount * cn;
  const int start = job->ox + tx0 - kw / 2;
  const int ay = kh / 2;
  const int rank = (kw * kh - 1) / 2;
  const size_t fine_b = VFK_ALIGN (sizeof (uint16_t) * 256 * pcount);
  const size_t coarse_b = VFK_ALIGN (sizeof (uint16_t) * 16 * pcount);
  uint8_t *row_in = mem + fine_b + coarse_b;
  uint8_t *row_out = row_in + VFK_ALIGN (pn);
  ColumnHist h;

  h.fcum = (uint16_t *) mem;
  h.ccum = (uint16_t *) (mem + fine_b);
  h.bstride = (size_t) pcount *16;
  memset (h.fcum, 0, fine_b + coarse_b);
  /* the column histograms of the kh rows around the first output row */
  for (int j = 0; j < kh; j++) {
    pad_row (row_in, job, y0 + job->oy - ay + j, start, pcount);
    for (int x = 0; x < pcount; x++)
      col_add (&h, x, row_in[x * cn + c]);
  }
  for (int y = y0; y < y1; y++) {
    if (y > y0) {
      /* the rows entering and leaving as runs: the frame's samples read
       * in place (this runs once per channel) */
      VfkRowRuns in, out;
      vfk_border_row_runs (&in, row_in, job->src, y + job->oy - ay + kh - 1,
          start, pcount, job->border, job->value);
      vfk_border_row_runs (&out, row_out, job->src, y + job->oy - ay - 1,
          start, pcount, job->border, job->value);
      for (int k = 0, x = 0; k < 3; k++) {
        const uint8_t *pi = in.p[k] + c, *po = out.p[k] + c;
        for (int i = 0; i < in.n[k]; i++, x++)
          col_swap (&h, x, po[i * cn], pi[i * cn]);
      }
    }
    median_row (&h, vfk_row (job->dst, y) + (size_t) tx0 * cn + c, cn, tw,
        kw, rank);
  }
}

#ifndef MEDIAN_TILE
#define MEDIAN_TILE 512
#endif

#define median_hist_band VFK_FN (median_hist_band)
void
median_hist_band (void *data, int worker, int y0, int y1)
{
  MedianJob *job = data;
  const int cn = job->src->channels;
  const int wout = job->dst->width;
  /* strips wide enough that the kw-1 halo columns stay a small cost */
  const int tile = MAX (MEDIAN_TILE, 4 * job->kw);
  const int tmax = MIN (tile, wout);
  const int pcount = tmax + job->kw - 1;
  uint8_t *mem = vfk_pool_scratch (job->pool, worker,
      VFK_ALIGN (sizeof (uint16_t) * 256 * pcount)
      + VFK_ALIGN (sizeof (uint16_t) * 16 * pcount)
      + 2 * VFK_ALIGN (pcount * cn));
  if (!mem)
    return;                     /* the job reports the failure */

  for (int tx0 = 0; tx0 < wout; tx0 += tile)
    for (int c = 0; c < cn; c++)
      median_hist_tile (job, mem, y0, y1, tx0, MIN (tile, wout - tx0), c);
}

#if VFK_ONCE

int
vfk_median (VfkPool * pool, const VfkImage * src, VfkImage * dst, int ox,
    int oy, VfkBorder border, uint8_t value, int kw, int kh)
{
  MedianJob job = {
    .src = src,.dst = dst,.ox = ox,.oy = oy,.border = border,.value = value,
    .kw = kw,.kh = kh,.pool = pool,
  };
  if (kw == 1 && kh == 1) {
    for (int y = 0; y < dst->height; y++)
      memcpy (vfk_row (dst, y), vfk_row (src, y + oy) + (size_t) ox *
          src->channels, (size_t) dst->width * src->channels);
    return 0;
  }
  if (kw == 3 && kh == 3)
    return vfk_pool_run (pool, dst->height, median3x3_band, &job);
  if (kw == kh && kw >= 5 && kw <= 11)
    return vfk_pool_run (pool, dst->height, median_net_band, &job);
  return vfk_pool_run (pool, dst->height, median_dsp ()->hist_band, &job);
}

int
vfk_median_histogram (VfkPool * pool, const VfkImage * src, VfkImage * dst,
    int ox, int oy, VfkBorder border, uint8_t value, int kw, int kh)
{
  MedianJob job = {
    .src = src,.dst = dst,.ox = ox,.oy = oy,.border = border,.value = value,
    .kw = kw,.kh = kh,.pool = pool,
  };
  return vfk_pool_run (pool, dst->height, median_dsp ()->hist_band, &job);
}

#endif /* VFK_ONCE */
