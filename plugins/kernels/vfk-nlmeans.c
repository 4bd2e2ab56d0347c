/* Non-local means with the arithmetic of OpenCV's 8-bit
 * fastNlMeansDenoising.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * For output pixel p, every candidate q = p + d of the search x search
 * window (d in [-S, S]^2, S = search / 2; candidates outside the frame are
 * read through the border policy) gets the patch distance
 *
 *   D(p, d) = sum over t in [-T, T]^2 and the weighted channels c of
 *             (I(p + t)[c] - I(p + d + t)[c])^2            (T = patch / 2)
 *
 * an integer, and the weight table[D >> shift], where shift is the
 * smallest s with 2^s >= patch^2 and, with m = 2^shift / patch^2 and
 * fpm = min(INT_MAX / (search^2 * 255), INT_MAX),
 *
 *   table[i] = round-half-even(fpm * exp(-i m / (h h cn))), 0 when that is
 *              below 0.001 fpm           (h h cn in float, as OpenCV)
 *
 * Then out[c] = (sum w I(q)[c] + W / 2) / W in unsigned integers, W = sum w
 * (W >= fpm: d = 0 has D = 0).  Everything but the table is integer, so
 * any order of summation gives the same bytes; this one works tile by
 * tile (TILE output rows, the whole width): per offset, column sums of the
 * squared differences down the patch, kept by adding the row that enters
 * and taking off the one that leaves, their sums across the patch, the
 * weights and the accumulation into the tile's sums.  The offsets are
 * taken in pairs: D(p, d) = D(p + d, -d), so one weight serves p for its
 * candidate p + d and p + d for its candidate p (the distances are made
 * for the tile and the rows and columns it reaches by d).  Nothing
 * frame-sized is streamed per offset.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vfk-dsp.h"
#include "vfk-private.h"

#if VFK_ARCH >= 1
#include <immintrin.h>
#endif

/* Patches up to this wide sum their column sums directly; wider ones by
 * a running sum, so the cost stops growing with the patch. */
#define DIRECT 9

/* ---- per-CPU hot loop -------------------------------------------------- */

/* col[x] += sign * (the squared differences of padded row pair a, b over
 * the weighted channels), x in [0, n) */
VFK_ALWAYS_INLINE void
col_add (uint32_t * restrict col, const uint8_t * restrict a,
    const uint8_t * restrict b, int n, const VfkNlmTile * t, int sign)
{
  const int cn = t->cn;
  if (cn == 1) {
    if (sign > 0)
      for (int x = 0; x < n; x++) {
        int d = (int) a[x] - (int) b[x];
        col[x] += (uint32_t) (d * d);
    } else
      for (int x = 0; x < n; x++) {
        int d = (int) a[x] - (int) b[x];
        col[x] -= (uint32_t) (d * d);
      }
    return;
  }
  {
    /* packed pixels: every channel's squared difference, weighted 1 or 0
     * (alpha, padding, the other channel of an NV12 plane), with cn a
     * constant so that the loops vectorise */
    int32_t m[4] = { 0, 0, 0, 0 };
    const int32_t s = sign > 0 ? 1 : -1;
    for (int k = 0; k < t->nm; k++)
      m[t->ch[k]] = s;
#define PACKED(CN) \
    for (int x = 0; x < n; x++) { \
      int32_t acc = 0; \
      for (int c = 0; c < (CN); c++) { \
        int d = (int) a[x * (CN) + c] - (int) b[x * (CN) + c]; \
        acc += m[c] * d * d; \
      } \
      col[x] += (uint32_t) acc; \
    }
    if (cn == 2) {
      PACKED (2);
    } else if (cn == 3) {
      PACKED (3);
    } else {
      PACKED (4);
    }
#undef PACKED
  }
}

/* col[x] += s(a_in, b_in)[x] - s(a_out, b_out)[x]: the row entering the
 * patch and the one leaving it, one channel */
VFK_ALWAYS_INLINE void
col_slide1 (uint32_t * restrict col, const uint8_t * restrict ai,
    const uint8_t * restrict bi, const uint8_t * restrict ao,
    const uint8_t * restrict bo, int n)
{
  int x = 0;
#if VFK_ARCH == 2
  for (; x + 32 <= n; x += 32) {
    /* |d| <= 255: d * d fits 16 unsigned bits, the low half of mullo */
    __m512i di = _mm512_sub_epi16 (_mm512_cvtepu8_epi16 (_mm256_loadu_si256
            ((const __m256i *) (ai + x))),
        _mm512_cvtepu8_epi16 (_mm256_loadu_si256 ((const __m256i *) (bi + x))));
    __m512i dout = _mm512_sub_epi16 (_mm512_cvtepu8_epi16 (_mm256_loadu_si256
            ((const __m256i *) (ao + x))),
        _mm512_cvtepu8_epi16 (_mm256_loadu_si256 ((const __m256i *) (bo + x))));
    __m512i si = _mm512_mullo_epi16 (di, di);
    __m512i so = _mm512_mullo_epi16 (dout, dout);
    for (int h = 0; h < 2; h++) {
      __m256i si_h = h ? _mm512_extracti64x4_epi64 (si, 1) :
          _mm512_castsi512_si256 (si);
      __m256i so_h = h ? _mm512_extracti64x4_epi64 (so, 1) :
          _mm512_castsi512_si256 (so);
      __m512i c = _mm512_loadu_si512 (col + x + 16 * h);
      c = _mm512_add_epi32 (c, _mm512_cvtepu16_epi32 (si_h));
      c = _mm512_sub_epi32 (c, _mm512_cvtepu16_epi32 (so_h));
      _mm512_storeu_si512 (col + x + 16 * h, c);
    }
  }
#endif
  for (; x < n; x++) {
    int di = (int) ai[x] - (int) bi[x], dout = (int) ao[x] - (int) bo[x];
    col[x] += (uint32_t) (di * di) - (uint32_t) (dout * dout);
  }
}

/* The patch distances of one output row from the column sums:
 * d[x] = sum of col over [x, x + tws) */
VFK_ALWAYS_INLINE void
row_dist (uint32_t * restrict d, const uint32_t * restrict col, int w,
    int tws, uint32_t * restrict prefix)
{
  if (tws <= DIRECT) {
    for (int x = 0; x < w; x++)
      d[x] = col[x];
    for (int k = 1; k < tws; k++)
      for (int x = 0; x < w; x++)
        d[x] += col[x + k];
    return;
  }
  /* wide patches: one running sum, the cost not growing with the patch */
  prefix[0] = 0;
  for (int x = 0; x < w + tws - 1; x++)
    prefix[x + 1] = prefix[x] + col[x];
  for (int x = 0; x < w; x++)
    d[x] = prefix[x + tws] - prefix[x];
}

/* The patch distance of pixel x: from the row row_dist made (d), or
 * summed here from the column sums (patches up to DIRECT wide). */
VFK_ALWAYS_INLINE uint32_t
dist1 (const uint32_t * col, const uint32_t * d, int x, int tws)
{
  uint32_t acc = 0;
  if (d)
    return d[x];
  for (int k = 0; k < tws; k++)
    acc += col[x + k];
  return acc;
}

#if VFK_ARCH >= 1
/* one vector of 32-bit lanes: 16 at AVX-512, 8 at AVX2 */
#if VFK_ARCH == 2
typedef __m512i vec32;
#define VLOAD32(p) _mm512_loadu_si512 ((const void *) (p))
#define VADD32(a, b) _mm512_add_epi32 (a, b)
#else
typedef __m256i vec32;
#define VLOAD32(p) _mm256_loadu_si256 ((const __m256i *) (p))
#define VADD32(a, b) _mm256_add_epi32 (a, b)
#endif

/* dist1 for a vector of pixels from x */
VFK_ALWAYS_INLINE vec32
distv (const uint32_t * col, const uint32_t * d, int x, int tws)
{
  vec32 acc;
  if (d)
    return VLOAD32 (d + x);
  acc = VLOAD32 (col + x);
  for (int k = 1; k < tws; k++)
    acc = VADD32 (acc, VLOAD32 (col + x + k));
  return acc;
}
#endif

#if VFK_ARCH == 2
/* Weights from a table of up to 1024 entries of 17 bits, 32 lanes at once:
 * one permute per 64 entries of the low 16 bits, blended by the index's
 * block; bit 16 (searches under 15) belongs to the first entries, below
 * big16.  Returns the pixels done (a multiple of 32). */
VFK_ALWAYS_INLINE int
lookup16 (int32_t * restrict W, const uint32_t * restrict col,
    const uint32_t * restrict d, int w, const VfkNlmTile * t, const int tws,
    const int nb)
{
  const __m128i sh = _mm_cvtsi32_si128 (t->shift);
  const __m512i lim16 = _mm512_set1_epi16 ((short) t->tlen);
  const __m512i zero = _mm512_setzero_si512 ();
  const __m512i big = _mm512_set1_epi32 (t->big16);
  const __m512i bit16 = _mm512_set1_epi32 (65536);
  __m512i lo[16], hi[16];
  int x = 0;

  for (int b = 0; b < nb; b++) {
    lo[b] = _mm512_loadu_si512 (t->table16 + 64 * b);
    hi[b] = _mm512_loadu_si512 (t->table16 + 64 * b + 32);
  }
  for (; x + 32 <= w; x += 32) {
    __m512i ia = _mm512_srl_epi32 (distv (col, d, x, tws), sh);
    __m512i ib = _mm512_srl_epi32 (distv (col, d, x + 16, tws), sh);
    /* 16-bit lanes in packus order (the unpacking below undoes it),
     * saturated, then clamped to tlen: D >> shift <= 255^2 cn, positive */
    __m512i i = _mm512_min_epu16 (_mm512_packus_epi32 (ia, ib), lim16);
    __m512i w16 = _mm512_permutex2var_epi16 (lo[0], i, hi[0]);
    for (int b = 1; b < nb; b++) {
      __mmask32 in = _mm512_cmpge_epu16_mask (i, _mm512_set1_epi16 ((short)
              (64 * b)));
      w16 = _mm512_mask_blend_epi16 (in, w16,
          _mm512_permutex2var_epi16 (lo[b], i, hi[b]));
    }
    for (int k = 0; k < 2; k++) {
      __m512i wt = k ? _mm512_unpackhi_epi16 (w16, zero) :
          _mm512_unpacklo_epi16 (w16, zero);
      wt = _mm512_mask_add_epi32 (wt, _mm512_cmplt_epu32_mask (k ? ib : ia,
              big), wt, bit16);
      _mm512_storeu_si512 (W + x + 16 * k, wt);
    }
  }
  return x;
}
#endif

/* One row of weights: W[x] = table[min (D >> shift, tlen)], D the patch
 * distance of pixel x (dist1). */
VFK_ALWAYS_INLINE void
row_lookup_k (int32_t * restrict W, const uint32_t * restrict col,
    const uint32_t * restrict d, int w, const VfkNlmTile * t, const int tws)
{
  const int32_t *table = t->table;
  const uint32_t tlen = (uint32_t) t->tlen;
  const int shift = t->shift;
  int x = 0;
#if VFK_ARCH == 2
  const __m128i sh = _mm_cvtsi32_si128 (shift);
  if (tlen < 64 && !t->table16) {
    /* weights over 17 bits (searches under 9), the whole table in four
     * registers: two permutes and a blend */
    const __m512i t0 = _mm512_loadu_si512 (t->table64);
    const __m512i t1 = _mm512_loadu_si512 (t->table64 + 16);
    const __m512i t2 = _mm512_loadu_si512 (t->table64 + 32);
    const __m512i t3 = _mm512_loadu_si512 (t->table64 + 48);
    const __m512i top = _mm512_set1_epi32 (63), half = _mm512_set1_epi32 (32);
    for (; x + 16 <= w; x += 16) {
      __m512i i =
          _mm512_min_epu32 (_mm512_srl_epi32 (distv (col, d, x, tws), sh),
          top);
      __m512i lo = _mm512_permutex2var_epi32 (t0, i, t1);
      __m512i hi = _mm512_permutex2var_epi32 (t2, i, t3);
      __mmask16 up = _mm512_cmpge_epu32_mask (i, half);
      __m512i wt = _mm512_mask_blend_epi32 (up, lo, hi);
      _mm512_storeu_si512 (W + x, wt);
    }
  } else if (t->table16) {
    /* the block count a constant, so that the blocks stay in registers */
    switch (t->blocks16) {
#define BLOCKS(NB) case NB: x = lookup16 (W, col, d, w, t, tws, NB); break;
        BLOCKS (1) BLOCKS (2) BLOCKS (3) BLOCKS (4) BLOCKS (5) BLOCKS (6)
            BLOCKS (7) BLOCKS (8)
#undef BLOCKS
      default:
        x = lookup16 (W, col, d, w, t, tws, t->blocks16);
    }
  } else {
    const __m512i lim = _mm512_set1_epi32 ((int) tlen);
    for (; x + 16 <= w; x += 16) {
      __m512i i =
          _mm512_min_epu32 (_mm512_srl_epi32 (distv (col, d, x, tws), sh),
          lim);
      __m512i wt = _mm512_i32gather_epi32 (i, table, 4);
      _mm512_storeu_si512 (W + x, wt);
    }
  }
#elif VFK_ARCH == 1
  const __m128i sh = _mm_cvtsi32_si128 (shift);
  const __m256i lim = _mm256_set1_epi32 ((int) tlen);
  for (; x + 8 <= w; x += 8) {
    __m256i i =
        _mm256_min_epu32 (_mm256_srl_epi32 (distv (col, d, x, tws), sh), lim);
    __m256i wt = _mm256_i32gather_epi32 (table, i, 4);
    _mm256_storeu_si256 ((__m256i *) (W + x), wt);
  }
#endif
  for (; x < w; x++) {
    uint32_t i = dist1 (col, d, x, tws) >> shift;
    W[x] = table[i < tlen ? i : tlen];
  }
}

/* row_lookup_k with the patch width a constant where the distances are
 * summed here, so that the sum is unrolled */
static void
row_lookup (int32_t * restrict W, const uint32_t * restrict col,
    const uint32_t * restrict d, int w, const VfkNlmTile * t)
{
  switch (d ? 0 : t->tws) {
#define WIDTH(TWS) case TWS: row_lookup_k (W, col, d, w, t, TWS); break;
      WIDTH (1) WIDTH (3) WIDTH (5) WIDTH (7) WIDTH (9)
#undef WIDTH
    default:
      row_lookup_k (W, col, d, w, t, t->tws);
  }
}

/* ws[x] += sum_k Wk[x], est[x] += sum_k Wk[x] qk[x] over the weighted
 * channels, for the K offsets of a batch: the tile's sums are read and
 * written once for all of them (their loads and stores bound this loop) */
VFK_ALWAYS_INLINE void
accumulate_k (int32_t * restrict ws, int32_t * restrict est,
    const int32_t * const *Wk, const uint8_t * const *qk, int n,
    const VfkNlmTile * t, const int K)
{
  const int cn = t->cn, nm = t->nm;
  if (cn == 1) {
    /* the K rows in locals, so that the compiler sees they stay put */
    const int32_t *wv[VFK_NLM_BATCH];
    const uint8_t *qv[VFK_NLM_BATCH];
    for (int k = 0; k < K; k++) {
      wv[k] = Wk[k];
      qv[k] = qk[k];
    }
    for (int x = 0; x < n; x++) {
      int32_t sw = 0, se = 0;
      for (int k = 0; k < K; k++) {
        sw += wv[k][x];
        se += wv[k][x] * qv[k][x];
      }
      ws[x] += sw;
      est[x] += se;
    }
    return;
  }
  {
    /* packed pixels: the weighted channels are consecutive (alpha or
     * padding sits first or last) from ch[0]; cn and nm constants so that
     * the loops vectorise */
    const int o = t->ch[0];
#define PACKED(CN, NM) \
    for (int x = 0; x < n; x++) { \
      int32_t sw = 0, se[NM] = { 0 }; \
      for (int k = 0; k < K; k++) { \
        const int32_t wt = Wk[k][x]; \
        sw += wt; \
        for (int c = 0; c < (NM); c++) \
          se[c] += wt * qk[k][x * (CN) + o + c]; \
      } \
      ws[x] += sw; \
      for (int c = 0; c < (NM); c++) \
        est[x * (NM) + c] += se[c]; \
    }
    if (cn == 2 && nm == 1) {
      PACKED (2, 1);
    } else if (cn == 3 && nm == 3) {
      PACKED (3, 3);
    } else if (cn == 4 && nm == 3) {
      PACKED (4, 3);
    } else {
      for (int x = 0; x < n; x++)
        for (int k = 0; k < K; k++) {
          ws[x] += Wk[k][x];
          for (int c = 0; c < nm; c++)
            est[x * nm + c] += Wk[k][x] * qk[k][x * cn + t->ch[c]];
        }
    }
#undef PACKED
  }
}

_Static_assert (VFK_NLM_BATCH == 6, "accumulate: one case per batch size");

static void
accumulate (int32_t * restrict ws, int32_t * restrict est,
    const int32_t * const *Wk, const uint8_t * const *qk, int n,
    const VfkNlmTile * t, int K)
{
  switch (K) {
#define BATCH(K) case K: accumulate_k (ws, est, Wk, qk, n, t, K); break;
      BATCH (1) BATCH (2) BATCH (3) BATCH (4) BATCH (5)
#undef BATCH
    default:
      accumulate_k (ws, est, Wk, qk, n, t, 6);
  }
}

void VFK_FN (nlm_offsets) (const VfkNlmTile * t, int dy, int dx0, int K);

/* Offsets come in pairs d, -d with D(p, d) = D(p + d, -d): the caller
 * passes one of each pair (dy > 0, or dy = 0 and dx > 0) in batches of
 * K <= VFK_NLM_BATCH offsets (dy, dx0 + k).  Each
 * weight computed at pixel p for its candidate p + d also serves p + d for
 * its candidate p; the distances are computed for every p of the tile and
 * every p whose p + d lies in it: rows [-dy, rows), columns [xlo, xhi). */
void VFK_FN (nlm_offsets) (const VfkNlmTile * t, int dy, int dx0, int K)
{
  const int tws = t->tws, th = t->twh, w = t->w, cn = t->cn, nm = t->nm;
  const int rows = t->rows, R = t->R, C = t->C;
  const int xlo = MIN (0, -(dx0 + K - 1)), xhi = MAX (w, w - dx0);
  const int wn = xhi - xlo, n = wn + tws - 1;
  const int direct = tws <= DIRECT && cn == 1;
  const ptrdiff_t ps = t->pstride;
  uint32_t *d = t->dist;
  uint32_t *col[VFK_NLM_BATCH];
  int32_t *W[VFK_NLM_BATCH];
  const int32_t *Wk[VFK_NLM_BATCH];
  const uint8_t *qk[VFK_NLM_BATCH];
  /* row rr of the tile (relative to its first output row) at column
   * xlo - T, and the same row of the candidates of offset k */
#define ROW_A(rr) (t->pad + ((rr) + R) * ps + (C - th + xlo) * cn)
#define ROW_B(rr, k) (ROW_A (rr) + dy * ps + (dx0 + (k)) * cn)
  /* pixel (x, r) of the tile */
#define PIX(r, x) (t->pad + ((r) + R) * ps + ((x) + C) * cn)

  for (int k = 0; k < K; k++) {
    col[k] = t->col + (size_t) k *t->row_len;
    W[k] = t->weights + (size_t) k *t->row_len;
    memset (col[k], 0, sizeof (uint32_t) * n);
    for (int rr = -dy - th; rr <= -dy + th; rr++)
      col_add (col[k], ROW_A (rr), ROW_B (rr, k), n, t, 1);
  }
  for (int r = -dy; r < rows; r++) {
    const int tr = r + dy;      /* the row p + d is in */
    for (int k = 0; k < K; k++) {
      if (!direct)
        row_dist (d, col[k], wn, tws, t->prefix);
      row_lookup (W[k], col[k], direct ? NULL : d, wn, t);
    }
    if (r >= 0) {
      for (int k = 0; k < K; k++) {
        Wk[k] = W[k] - xlo;
        qk[k] = PIX (r + dy, dx0 + k);
      }
      accumulate (t->wsum + (size_t) r * w, t->est + (size_t) r * w * nm, Wk,
          qk, w, t, K);
    }
    if (tr < rows) {
      for (int k = 0; k < K; k++) {
        Wk[k] = W[k] - xlo - (dx0 + k);
        qk[k] = PIX (r, -(dx0 + k));
      }
      accumulate (t->wsum + (size_t) tr * w, t->est + (size_t) tr * w * nm,
          Wk, qk, w, t, K);
    }
    if (r + 1 < rows)
      for (int k = 0; k < K; k++) {
        if (cn == 1) {
          col_slide1 (col[k], ROW_A (r + th + 1), ROW_B (r + th + 1, k),
              ROW_A (r - th), ROW_B (r - th, k), n);
        } else {
          col_add (col[k], ROW_A (r + th + 1), ROW_B (r + th + 1, k), n, t, 1);
          col_add (col[k], ROW_A (r - th), ROW_B (r - th, k), n, t, -1);
        }
      }
  }
#undef ROW_A
#undef ROW_B
#undef PIX
}

/* (e + W / 2) / W rounded down, in unsigned 32 bits; by doubles so that
 * it vectorises: both are below 2^32, exact in a double, and a quotient
 * that is not an integer lies at least 1 / W > 2^-32 below the next one,
 * where a double near 256 resolves 2^-44, so the correctly rounded
 * quotient truncates to the integer one. */
VFK_ALWAYS_INLINE uint8_t
quotient (int32_t e, int32_t W)
{
  const uint32_t n = (uint32_t) e + (uint32_t) W / 2;
  return (uint8_t) (uint32_t) ((double) n / (double) (uint32_t) W);
}

void VFK_FN (nlm_finish) (const VfkNlmTile * t, int r, uint8_t * out);

void VFK_FN (nlm_finish) (const VfkNlmTile * t, int r, uint8_t * out)
{
  const int w = t->w, cn = t->cn, nm = t->nm;
  const int32_t *ws = t->wsum + (size_t) r * w;
  const int32_t *est = t->est + (size_t) r * w * nm;
  /* the pixels themselves, d = (0, 0): D = 0, weight table[0] */
  const uint8_t *p = t->pad + (r + t->R) * t->pstride + t->C * cn;
  const int32_t w0 = t->table[0];
  if (cn == 1) {
    for (int x = 0; x < w; x++)
      out[x] = quotient (est[x] + w0 * p[x], ws[x] + w0);
    return;
  }
  for (int x = 0; x < w; x++)
    for (int k = 0; k < nm; k++)
      out[x * cn + t->ch[k]] = quotient (est[x * nm + k] + w0 * p[x * cn +
              t->ch[k]], ws[x] + w0);
}

#if VFK_ONCE

VFK_DECLARE_VARIANTS (void, nlm_offsets, (const VfkNlmTile * t, int dy,
        int dx0, int K));
VFK_DECLARE_VARIANTS (void, nlm_finish, (const VfkNlmTile * t, int r,
        uint8_t * out));

void
vfk_nlmeans_dsp_init (VfkNlmeansDsp * dsp, unsigned flags)
{
  dsp->offsets = nlm_offsets_c;
  dsp->finish = nlm_finish_c;
  VFK_OVERRIDE (dsp, flags, offsets, nlm_offsets);
  VFK_OVERRIDE (dsp, flags, finish, nlm_finish);
}

VFK_DSP_GETTER (VfkNlmeansDsp, nlmeans_dsp, vfk_nlmeans_dsp_init);

/* ---- the filter ------------------------------------------------------------ */

#define TILE 32                 /* output rows per tile */

typedef struct
{
  const VfkImage *src;
  VfkImage *dst;
  int ox, oy;
  VfkBorder border;
  uint8_t value;
  int ch[4], nm;
  const VfkNlmeans *n;
  VfkPool *pool;
} NlmJob;

static void
nlm_band (void *data, int worker, int y0, int y1)
{
  NlmJob *job = data;
  const VfkNlmeansDsp *dsp = nlmeans_dsp ();
  const VfkNlmeans *n = job->n;
  const int cn = job->src->channels, w = job->dst->width, nm = job->nm;
  const int sh = n->search / 2, th = n->patch / 2, R = sh + th;
  const int C = R + VFK_NLM_BATCH;      /* columns: a batch reaches further */
  const int pw = w + 2 * C;
  const size_t pstride = VFK_ALIGN ((size_t) pw * cn);
  /* tiles of even height, TILE rows at most */
  const int nt = (y1 - y0 + TILE - 1) / TILE, tile = (y1 - y0 + nt - 1) / nt;
  const size_t pad_bytes = pstride * (tile + 2 * R);
  const size_t est_bytes = VFK_ALIGN (sizeof (int32_t) * tile * w * nm);
  const size_t ws_bytes = VFK_ALIGN (sizeof (int32_t) * tile * w);
  const size_t row_bytes = VFK_ALIGN (sizeof (uint32_t) * (w + n->search +
          n->patch + 1));
  uint8_t *mem = vfk_pool_scratch (job->pool, worker, VFK_ALIGN (pad_bytes)
      + est_bytes + ws_bytes + (2 + 2 * VFK_NLM_BATCH) * row_bytes);
  VfkNlmTile t;

  if (!mem)
    return;                     /* the job reports the failure */
  uint8_t *pad = mem;
  t.pad = pad;
  t.pstride = (ptrdiff_t) pstride;
  t.est = (int32_t *) (mem + VFK_ALIGN (pad_bytes));
  t.wsum = (int32_t *) ((uint8_t *) t.est + est_bytes);
  t.row_len = row_bytes / sizeof (uint32_t);
  t.col = (uint32_t *) ((uint8_t *) t.wsum + ws_bytes);
  t.weights = (int32_t *) (t.col + t.row_len * VFK_NLM_BATCH);
  t.dist = (uint32_t *) (t.weights + t.row_len * VFK_NLM_BATCH);
  t.prefix = t.dist + t.row_len;
  t.table = n->table;
  t.table64 = n->table64;
  t.table16 = n->blocks16 ? n->table16 : NULL;
  t.blocks16 = n->blocks16;
  t.big16 = n->big16;
  t.tlen = n->tlen;
  t.shift = n->shift;
  t.tws = n->patch;
  t.twh = th;
  t.R = R;
  t.C = C;
  t.w = w;
  t.cn = cn;
  t.nm = nm;
  for (int k = 0; k < 4; k++)
    t.ch[k] = job->ch[k];

  for (int i = 0; i < nt; i++) {
    const int ty = y0 + (y1 - y0) * i / nt;
    const int rows = y0 + (y1 - y0) * (i + 1) / nt - ty;
    t.rows = rows;
    for (int j = 0; j < rows + 2 * R; j++)
      vfk_border_pad_row (pad + j * pstride, job->src, ty + job->oy - R + j,
          job->ox - C, pw, job->border, job->value);
    memset (t.est, 0, sizeof (int32_t) * rows * w * nm);
    memset (t.wsum, 0, sizeof (int32_t) * rows * w);
    /* one offset of each pair d, -d, in batches along a row of offsets;
     * d = (0, 0) is added by finish */
    for (int dy = 0; dy <= sh; dy++) {
      /* a row's offsets in batches of as even a size as can be: the
       * tile's sums are read and written once per batch */
      const int first = dy ? -sh : 1, count = sh - first + 1;
      const int nb = (count + VFK_NLM_BATCH - 1) / VFK_NLM_BATCH;
      for (int b = 0, dx = first; b < nb; b++) {
        const int k = count * (b + 1) / nb - count * b / nb;
        dsp->offsets (&t, dy, dx, k);
        dx += k;
      }
    }
    for (int r = 0; r < rows; r++)
      dsp->finish (&t, r, vfk_row (job->dst, ty + r));
  }
}

int
vfk_nlmeans (VfkPool * pool, const VfkImage * src, VfkImage * dst, int ox,
    int oy, VfkBorder border, uint8_t value, unsigned mask,
    const VfkNlmeans * n)
{
  NlmJob job = {
    .src = src,.dst = dst,.ox = ox,.oy = oy,.border = border,.value = value,
    .n = n,.pool = pool,
  };
  for (int c = 0; c < src->channels; c++)
    if (mask & (1u << c))
      job.ch[job.nm++] = c;
  if (job.nm != n->channels)
    return -1;
  return vfk_pool_run (pool, dst->height, nlm_band, &job);
}

#endif /* VFK_ONCE */
