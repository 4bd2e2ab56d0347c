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
 *
 * One channel with every weight under 2^16 (searches from 13 on), at
 * AVX-512: weights are kept as w - 32768 in 16 bits and two offsets'
 * weight x candidate products summed by one pmaddwd; finish adds back
 * 32768 x (the candidates' sum, a box sum of the search window less the
 * pixel) and 32768 x (search^2 - 1).  Modulo 2^32 that is the same sum,
 * and the true sums fit in 32 bits: the same bytes.
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
 * big16.  narrow (no entry over 16 bits): weight - 32768 as 16 bits, in
 * pixel order, into W taken as int16_t; narrow 2: the same from 16-bit
 * saturated distances (patches summed here, table within sat16).
 * Returns the pixels done (a multiple of 32). */
VFK_ALWAYS_INLINE int
lookup16 (int32_t * restrict W, const uint32_t * restrict col,
    const uint32_t * restrict d, int w, const VfkNlmTile * t, const int tws,
    const int nb, const int narrow)
{
  const __m128i sh = _mm_cvtsi32_si128 (t->shift);
  const __m512i lim16 = _mm512_set1_epi16 ((short) t->tlen);
  const __m512i lim32 = _mm512_set1_epi32 (t->tlen);
  const __m512i zero = _mm512_setzero_si512 ();
  const __m512i big = _mm512_set1_epi32 (t->big16);
  const __m512i bit16 = _mm512_set1_epi32 (65536);
  const __m512i sign = _mm512_set1_epi16 ((short) 0x8000);
  __m512i lo[16], hi[16], even;
  uint16_t *c16 = (uint16_t *) t->prefix;
  int x = 0;

  {
    uint16_t e[32];
    for (int k = 0; k < 32; k++)
      e[k] = (uint16_t) (2 * k);
    even = _mm512_loadu_si512 (e);
  }
  for (int b = 0; b < nb; b++) {
    lo[b] = _mm512_loadu_si512 (t->table16 + 64 * b);
    hi[b] = _mm512_loadu_si512 (t->table16 + 64 * b + 32);
  }
  if (narrow == 2)
    /* the column sums saturated to 16 bits, in pixel order */
    for (int k = 0; k < w + tws - 1; k += 32)
      _mm512_storeu_si512 (c16 + k, _mm512_inserti64x4
          (_mm512_castsi256_si512 (_mm512_cvtusepi32_epi16
                  (_mm512_loadu_si512 (col + k))),
              _mm512_cvtusepi32_epi16 (_mm512_loadu_si512 (col + k + 16)), 1));
  for (; x + 32 <= w; x += 32) {
    __m512i ia = zero, ib = zero, i;
    if (narrow == 2) {
      /* sums of saturated terms saturate at min (D, 65535), which gives
       * the same index as D while tlen <= 65535 >> shift (sat16) */
      __m512i acc = _mm512_loadu_si512 (c16 + x);
      for (int k = 1; k < tws; k++)
        acc = _mm512_adds_epu16 (acc, _mm512_loadu_si512 (c16 + x + k));
      i = _mm512_min_epu16 (_mm512_srl_epi16 (acc, sh), lim16);
    } else {
      ia = _mm512_srl_epi32 (distv (col, d, x, tws), sh);
      ib = _mm512_srl_epi32 (distv (col, d, x + 16, tws), sh);
      if (narrow)
        /* clamped to tlen, then the low halves in pixel order */
        i = _mm512_permutex2var_epi16 (_mm512_min_epu32 (ia, lim32), even,
            _mm512_min_epu32 (ib, lim32));
      else
        /* 16-bit lanes in packus order (the unpacking below undoes it),
         * saturated, then clamped: D >> shift <= 255^2 cn, positive */
        i = _mm512_min_epu16 (_mm512_packus_epi32 (ia, ib), lim16);
    }
    __m512i w16 = _mm512_permutex2var_epi16 (lo[0], i, hi[0]);
    for (int b = 1; b < nb; b++) {
      __mmask32 in = _mm512_cmpge_epu16_mask (i, _mm512_set1_epi16 ((short)
              (64 * b)));
      w16 = _mm512_mask_blend_epi16 (in, w16,
          _mm512_permutex2var_epi16 (lo[b], i, hi[b]));
    }
    if (narrow) {
      _mm512_storeu_si512 ((int16_t *) W + x, _mm512_xor_si512 (w16, sign));
      continue;
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
    const uint32_t * restrict d, int w, const VfkNlmTile * t, const int tws,
    const int narrow)
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
#define BLOCKS(NB) case NB: x = lookup16 (W, col, d, w, t, tws, NB, narrow); break;
        BLOCKS (1) BLOCKS (2) BLOCKS (3) BLOCKS (4) BLOCKS (5) BLOCKS (6)
            BLOCKS (7) BLOCKS (8)
#undef BLOCKS
      default:
        x = lookup16 (W, col, d, w, t, tws, t->blocks16, narrow);
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
    if (narrow)
      ((int16_t *) W)[x] = (int16_t) (table[i < tlen ? i : tlen] - 32768);
    else
      W[x] = table[i < tlen ? i : tlen];
  }
}

/* row_lookup_k with the patch width a constant where the distances are
 * summed here, so that the sum is unrolled */
static void
row_lookup (int32_t * restrict W, const uint32_t * restrict col,
    const uint32_t * restrict d, int w, const VfkNlmTile * t, int narrow)
{
  switch ((d ? 0 : t->tws) * 3 + narrow) {
#define WIDTH(TWS) \
    case 3 * TWS: row_lookup_k (W, col, d, w, t, TWS, 0); break; \
    case 3 * TWS + 1: row_lookup_k (W, col, d, w, t, TWS, 1); break; \
    case 3 * TWS + 2: row_lookup_k (W, col, d, w, t, TWS, 2); break;
      WIDTH (1) WIDTH (3) WIDTH (5) WIDTH (7) WIDTH (9)
#undef WIDTH
    default:
      if (narrow)
        row_lookup_k (W, col, d, w, t, t->tws, 1);
      else
        row_lookup_k (W, col, d, w, t, t->tws, 0);
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

#if VFK_ARCH == 2
/* accumulate for narrow tiles (one channel, weights - 32768 as 16 bits):
 * the offsets in pairs, each pixel's two weights and two candidates
 * multiplied and added in one step (pmaddwd); the sums of each 32 pixels
 * lie in the order the interleaving gives (pairs_order), and finish adds
 * back 32768 times the candidates and their count */
VFK_ALWAYS_INLINE void
accumulate_narrow_k (int32_t * restrict ws, int32_t * restrict est,
    const int16_t * const *Vk, const uint8_t * const *qk, int n, const int K)
{
  const __m512i ones = _mm512_set1_epi16 (1), zero = _mm512_setzero_si512 ();
  for (int x = 0; x < n; x += 32) {
    __m512i e0 = _mm512_loadu_si512 (est + x);
    __m512i e1 = _mm512_loadu_si512 (est + x + 16);
    __m512i s0 = _mm512_loadu_si512 (ws + x);
    __m512i s1 = _mm512_loadu_si512 (ws + x + 16);
    for (int k = 0; k < K; k += 2) {
      const __m512i va = _mm512_loadu_si512 (Vk[k] + x);
      const __m512i qa = _mm512_cvtepu8_epi16 (_mm256_loadu_si256
          ((const __m256i *) (qk[k] + x)));
      const __m512i vb = k + 1 < K ? _mm512_loadu_si512 (Vk[k + 1] + x) : zero;
      const __m512i qb = k + 1 < K ? _mm512_cvtepu8_epi16 (_mm256_loadu_si256
          ((const __m256i *) (qk[k + 1] + x))) : zero;
      const __m512i wl = _mm512_unpacklo_epi16 (va, vb);
      const __m512i wh = _mm512_unpackhi_epi16 (va, vb);
      e0 = _mm512_add_epi32 (e0, _mm512_madd_epi16 (wl,
              _mm512_unpacklo_epi16 (qa, qb)));
      e1 = _mm512_add_epi32 (e1, _mm512_madd_epi16 (wh,
              _mm512_unpackhi_epi16 (qa, qb)));
      s0 = _mm512_add_epi32 (s0, _mm512_madd_epi16 (wl, ones));
      s1 = _mm512_add_epi32 (s1, _mm512_madd_epi16 (wh, ones));
    }
    _mm512_storeu_si512 (est + x, e0);
    _mm512_storeu_si512 (est + x + 16, e1);
    _mm512_storeu_si512 (ws + x, s0);
    _mm512_storeu_si512 (ws + x + 16, s1);
  }
}

static void
accumulate_narrow (int32_t * restrict ws, int32_t * restrict est,
    const int16_t * const *Vk, const uint8_t * const *qk, int n, int K)
{
  switch (K) {
#define BATCH(K) case K: accumulate_narrow_k (ws, est, Vk, qk, n, K); break;
      BATCH (1) BATCH (2) BATCH (3) BATCH (4) BATCH (5)
#undef BATCH
    default:
      accumulate_narrow_k (ws, est, Vk, qk, n, 6);
  }
}
#endif

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
  /* 16-bit weights, and 16-bit distances where the patch is summed in
   * the lookup, the table allows and the patch is wide enough to pay for
   * the conversion (3: 7 % slower at 3/11) */
  const int narrow = VFK_ARCH == 2 && t->narrow ?
      1 + (direct && t->sat16 && tws >= 5) : 0;
  const size_t ss = t->sstride;
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
      /* narrow: whole vectors, the rows have room past wn */
      row_lookup (W[k], col[k], direct ? NULL : d, narrow ? (wn + 31) & ~31 :
          wn, t, narrow);
    }
#if VFK_ARCH == 2
    if (narrow) {
      const int16_t *Vk[VFK_NLM_BATCH];
      if (r >= 0) {
        for (int k = 0; k < K; k++) {
          Vk[k] = (const int16_t *) W[k] - xlo;
          qk[k] = PIX (r + dy, dx0 + k);
        }
        accumulate_narrow (t->wsum + r * ss, t->est + r * ss, Vk, qk, w, K);
      }
      if (tr < rows) {
        for (int k = 0; k < K; k++) {
          Vk[k] = (const int16_t *) W[k] - xlo - (dx0 + k);
          qk[k] = PIX (r, -(dx0 + k));
        }
        accumulate_narrow (t->wsum + tr * ss, t->est + tr * ss, Vk, qk, w, K);
      }
    } else
#endif
    {
      if (r >= 0) {
        for (int k = 0; k < K; k++) {
          Wk[k] = W[k] - xlo;
          qk[k] = PIX (r + dy, dx0 + k);
        }
        accumulate (t->wsum + r * ss, t->est + r * ss * nm, Wk, qk, w, t, K);
      }
      if (tr < rows) {
        for (int k = 0; k < K; k++) {
          Wk[k] = W[k] - xlo - (dx0 + k);
          qk[k] = PIX (r, -(dx0 + k));
        }
        accumulate (t->wsum + tr * ss, t->est + tr * ss * nm, Wk, qk, w, t, K);
      }
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

#if VFK_ARCH == 2
/* A narrow tile's sums of row r back in pixel order (accumulate_narrow
 * leaves each 32 pixels' in interleaving order: pixel p's at lane
 * 16 (p & 4) / 4 + 4 (p / 8) + p % 4), with what the 16-bit weights left
 * out: 32768 for every candidate, d = 0 aside (the search window's sum
 * less the pixel; box sums here, dist and prefix as scratch). */
static void
narrow_sums (const VfkNlmTile * t, int r, int32_t * ws, int32_t * est)
{
  const int w = t->w, sh = t->R - t->twh, side = 2 * sh + 1;
  const ptrdiff_t ps = t->pstride;
  const uint8_t *top = t->pad + (r + t->R - sh) * ps + (t->C - sh);
  const uint8_t *p = top + sh * ps + sh;
  uint32_t *col = t->prefix, *box = t->dist;
  const uint32_t others = 32768u * (uint32_t) (side * side - 1);
  uint32_t lanes[32];
  __m512i i0, i1;

  for (int x = 0; x < w + 2 * sh; x++)
    col[x] = 0;
  for (int j = 0; j < side; j++)
    for (int x = 0; x < w + 2 * sh; x++)
      col[x] += top[j * ps + x];
  for (int x = 0; x < w; x++)
    box[x] = 0;
  for (int i = 0; i < side; i++)
    for (int x = 0; x < w; x++)
      box[x] += col[x + i];
  for (int q = 0; q < 32; q++)
    lanes[q] = (uint32_t) (((q & 4) << 2) + 4 * (q >> 3) + (q & 3));
  i0 = _mm512_loadu_si512 (lanes);
  i1 = _mm512_loadu_si512 (lanes + 16);
  for (int x = 0; x < w; x += 32) {
    const __m512i e0 = _mm512_loadu_si512 (est + x);
    const __m512i e1 = _mm512_loadu_si512 (est + x + 16);
    const __m512i s0 = _mm512_loadu_si512 (ws + x);
    const __m512i s1 = _mm512_loadu_si512 (ws + x + 16);
    _mm512_storeu_si512 (est + x, _mm512_permutex2var_epi32 (e0, i0, e1));
    _mm512_storeu_si512 (est + x + 16, _mm512_permutex2var_epi32 (e0, i1, e1));
    _mm512_storeu_si512 (ws + x, _mm512_permutex2var_epi32 (s0, i0, s1));
    _mm512_storeu_si512 (ws + x + 16, _mm512_permutex2var_epi32 (s0, i1, s1));
  }
  for (int x = 0; x < w; x++) {
    est[x] = (int32_t) ((uint32_t) est[x] + 32768u * (box[x] - p[x]));
    ws[x] = (int32_t) ((uint32_t) ws[x] + others);
  }
}
#endif

void VFK_FN (nlm_finish) (const VfkNlmTile * t, int r, uint8_t * out)
{
  const int w = t->w, cn = t->cn, nm = t->nm;
  int32_t *ws = t->wsum + (size_t) r * t->sstride;
  int32_t *est = t->est + (size_t) r * t->sstride * nm;
  /* the pixels themselves, d = (0, 0): D = 0, weight table[0] */
  const uint8_t *p = t->pad + (r + t->R) * t->pstride + t->C * cn;
  const int32_t w0 = t->table[0];
#if VFK_ARCH == 2
  if (t->narrow)
    narrow_sums (t, r, ws, est);
#endif
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
