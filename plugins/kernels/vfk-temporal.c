/* Temporal denoiser: a causal, motion-adaptive recursive filter with zero
 * frames of latency.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each plane keeps a history P: the previous output at 1/16 of a level
 * (Q4).  For every sample, with x its input, xs = 16 x and d = xs - P:
 *
 *   motion     sad = sum of |d| over the 3x3 neighbourhood (same channel)
 *              m   = 0 up to sad = t0, 256 from t1 on, linear between
 *                    (Q8; its exact integer form: vfk_temporal_coef and
 *                    the row loops); t = r * 9 E|d| = r * 7.18 sigma, r0 = 1.2,
 *                    r1 = 2.5, sigma the noise of d on still pixels (Q4)
 *   spatial    b   = 3x3 binomial of x (exact in Q4: its weights sum to 16)
 *              y   = xs + round (m * clamp (b - xs, -T, T) / 256),
 *                    T = spatial * sigma / sqrt 2
 *   recursion  a   = amin + (256 - amin) * m / 256 (floor),
 *                    amin = round (256 / (1 + strength))
 *              P'  = P + round (a * (y - P) / 256)
 *              out = (P' + 8) / 16
 *
 * (round = floor (v + 1/2); / 256 of a product is floor division.)  A still
 * sample is averaged over an exponential window of about 1 + strength
 * frames; where the neighbourhood changed by more than the noise explains
 * the sample follows its input at once, so a moving edge or a cut leaves no
 * ghost, and is smoothed in space by at most T instead.
 *
 * sigma is the caller's, or estimated: each frame's figure — the lower
 * quartile of |d| over every 4th pixel of rows 2, 6, 10 ..., scaled to a
 * Gaussian's sigma (whose |d| has its quartile at 0.3186 sigma) — moves the
 * estimate the next frame is filtered with; the first estimate is the
 * second frame's own figure.  The estimate follows a falling figure halfway
 * per frame and a rising one by at most an eighth per frame, so a cut or a
 * pan (whose |d| is large everywhere) barely moves it while a camera's gain
 * change is followed within a few frames; the frame of a cut itself is
 * filtered with the noise level before it.
 *
 * The first frame after a reset (and after a change of geometry) passes
 * through and becomes the history.  Rows are split into bands; the history
 * is double-buffered so bands read the old one around their edges while
 * writing the new one.
 */
#include <stdlib.h>
#include <string.h>

#include "vfk-dsp.h"
#include "vfk-private.h"

#if VFK_ARCH >= 1
#include <immintrin.h>

/* One vector of 16-bit lanes: 16 with AVX2, 32 with AVX-512 (BW). */
#if VFK_ARCH == 2
#define VW 32
typedef __m512i vec;
#define V(op) _mm512_##op
#define VLOAD(ptr) _mm512_loadu_si512 ((const void *) (ptr))
#define VSTORE(ptr, v) _mm512_storeu_si512 ((void *) (ptr), v)
/* VW bytes widened to 16 bits, and back (values 0..255) */
#define VLOAD8(ptr) \
  _mm512_cvtepu8_epi16 (_mm256_loadu_si256 ((const __m256i *) (ptr)))
#define VSTORE8(ptr, v) \
  _mm256_storeu_si256 ((__m256i *) (ptr), _mm512_cvtepi16_epi8 (v))
/* lanes of v >= lim (unsigned) take `big`, the others `m` */
#define VSELGE(v, lim, big, m) \
  _mm512_mask_mov_epi16 (m, _mm512_cmpge_epu16_mask (v, lim), big)
#else
#define VW 16
typedef __m256i vec;
#define V(op) _mm256_##op
#define VLOAD(ptr) _mm256_loadu_si256 ((const __m256i *) (ptr))
#define VSTORE(ptr, v) _mm256_storeu_si256 ((__m256i *) (ptr), v)
#define VLOAD8(ptr) \
  _mm256_cvtepu8_epi16 (_mm_loadu_si128 ((const __m128i *) (ptr)))
#define VSTORE8(ptr, v) \
  _mm_storeu_si128 ((__m128i *) (ptr), _mm_packus_epi16 \
      (_mm256_castsi256_si128 (v), _mm256_extracti128_si256 (v, 1)))
#define VSELGE(v, lim, big, m) \
  _mm256_blendv_epi8 (m, big, _mm256_cmpeq_epi16 (_mm256_min_epu16 (v, lim), \
          lim))
#endif
#endif

/* ---- hot loops: one variant per CPU level -------------------------------- */

#define temporal_prep VFK_FN (temporal_prep)
void
temporal_prep (uint16_t * restrict hs, uint16_t * restrict hb,
    uint16_t * restrict ad, uint16_t * restrict xw, const uint8_t * restrict x,
    const uint16_t * restrict p, int n, int cn)
{
  int k = 0, s = 0;
#if VFK_ARCH >= 1
  /* 16-bit lanes throughout (the vectoriser widens to 32) */
  for (; k + VW <= n; k += VW) {
    vec x16 = VLOAD8 (x + k);
    vec d = V (sub_epi16) (V (slli_epi16) (x16, 4), VLOAD (p + k));
    VSTORE (ad + cn + k, V (abs_epi16) (d));
    VSTORE (xw + cn + k, x16);
  }
#endif
  for (; k < n; k++) {
    int d = ((int) x[k] << 4) - (int) p[k];
    ad[cn + k] = (uint16_t) (d < 0 ? -d : d);
    xw[cn + k] = x[k];
  }
#if VFK_ARCH >= 1
  for (; s + VW <= n; s += VW) {
    VSTORE (hs + s, V (add_epi16) (V (add_epi16) (VLOAD (ad + s),
                VLOAD (ad + s + cn)), VLOAD (ad + s + 2 * cn)));
    VSTORE (hb + s, V (add_epi16) (V (add_epi16) (VLOAD (xw + s),
                VLOAD (xw + s + 2 * cn)), V (slli_epi16) (VLOAD (xw + s + cn),
                1)));
  }
#endif
  for (; s < n; s++) {
    hs[s] = (uint16_t) (ad[s] + ad[s + cn] + ad[s + 2 * cn]);
    hb[s] = (uint16_t) (xw[s] + 2 * xw[s + cn] + xw[s + 2 * cn]);
  }
}

/* round (a * b / 2^15) of 16-bit values (pmulhrsw) */
static inline int16_t
mulhrs16 (int16_t a, int16_t b)
{
  return (int16_t) (((int32_t) a * b + 0x4000) >> 15);
}

/* The products below are written so that every intermediate fits in 16
 * bits (vfk_temporal_coef keeps them there): round (m e / 256) is
 * mulhrs (2 e, 64 m), exact for |e| <= 4080 and m <= 256. */
#define temporal_row VFK_FN (temporal_row)
void
temporal_row (uint16_t * restrict pn, uint8_t * restrict out,
    const uint16_t * restrict p, const uint8_t * restrict x,
    const uint16_t * const *hs, const uint16_t * const *hb, int n,
    const VfkTemporalCoef * c)
{
  const uint16_t *restrict s0 = hs[0], *restrict s1 = hs[1],
      *restrict s2 = hs[2];
  const uint16_t *restrict b0 = hb[0], *restrict b1 = hb[1],
      *restrict b2 = hb[2];
  const uint16_t t0 = (uint16_t) c->t0, span = (uint16_t) c->span;
  const uint16_t aq = (uint16_t) c->aq, amin = (uint16_t) c->amin;
  const int16_t T = (int16_t) c->T;
  const int sh = c->shift;
  int s = 0;

#if VFK_ARCH >= 1
  /* the same arithmetic a vector at a time (GCC does not find pmulhrsw) */
  const vec vt0 = V (set1_epi16) ((short) t0);
  const vec vspan = V (set1_epi16) ((short) span);
  const vec vaq = V (set1_epi16) ((short) aq);
  const vec vamin = V (set1_epi16) ((short) amin);
  const vec vrest = V (set1_epi16) ((short) (256 - amin));
  const vec v256 = V (set1_epi16) (256);
  const vec vT = V (set1_epi16) (T), vnT = V (set1_epi16) (-T);
  const vec v8 = V (set1_epi16) (8);
  const __m128i vsh = _mm_cvtsi32_si128 (sh);
  for (; s + VW <= n; s += VW) {
    vec sad = V (add_epi16) (V (add_epi16) (VLOAD (s0 + s), VLOAD (s1 + s)),
        VLOAD (s2 + s));
    vec b = V (add_epi16) (V (add_epi16) (VLOAD (b0 + s), VLOAD (b2 + s)),
        V (slli_epi16) (VLOAD (b1 + s), 1));
    vec xs = V (slli_epi16) (VLOAD8 (x + s), 4);
    vec pv = VLOAD (p + s);
    vec v = V (subs_epu16) (sad, vt0);
    vec m = V (mulhi_epu16) (V (sll_epi16) (v, vsh), vaq);
    vec e, y, a, q;
    m = VSELGE (v, vspan, v256, m);
    e = V (max_epi16) (V (min_epi16) (V (sub_epi16) (b, xs), vT), vnT);
    y = V (add_epi16) (xs, V (mulhrs_epi16) (V (add_epi16) (e, e),
            V (slli_epi16) (m, 6)));
    a = V (add_epi16) (vamin, V (srli_epi16) (V (mullo_epi16) (vrest, m), 8));
    q = V (sub_epi16) (y, pv);
    q = V (add_epi16) (pv, V (mulhrs_epi16) (V (add_epi16) (q, q),
            V (slli_epi16) (a, 6)));
    VSTORE (pn + s, q);
    VSTORE8 (out + s, V (srli_epi16) (V (add_epi16) (q, v8), 4));
  }
#endif
  for (; s < n; s++) {
    uint16_t sad = (uint16_t) (s0[s] + s1[s] + s2[s]);
    int16_t b = (int16_t) (b0[s] + 2 * b1[s] + b2[s]);
    int16_t xs = (int16_t) (x[s] << 4);
    uint16_t v = sad > t0 ? (uint16_t) (sad - t0) : 0;
    uint16_t m = v >= span ? 256 :
        (uint16_t) (((uint32_t) (uint16_t) (v << sh) * aq) >> 16);
    int16_t e = (int16_t) (b - xs);
    int16_t y, q;
    uint16_t a;
    e = e < -T ? -T : e > T ? T : e;
    y = (int16_t) (xs + mulhrs16 ((int16_t) (2 * e), (int16_t) (64 * m)));
    a = (uint16_t) (amin + (uint16_t) ((uint16_t) ((256 - amin) * m) >> 8));
    q = (int16_t) (p[s] + mulhrs16 ((int16_t) (2 * (y - (int16_t) p[s])),
            (int16_t) (64 * a)));
    pn[s] = (uint16_t) q;
    out[s] = (uint8_t) ((q + 8) >> 4);
  }
}

#if VFK_ONCE

VFK_DECLARE_VARIANTS (void, temporal_prep, (uint16_t * hs, uint16_t * hb,
        uint16_t * ad, uint16_t * xw, const uint8_t * x, const uint16_t * p,
        int n, int cn));
VFK_DECLARE_VARIANTS (void, temporal_row, (uint16_t * pn, uint8_t * out,
        const uint16_t * p, const uint8_t * x, const uint16_t * const *hs,
        const uint16_t * const *hb, int n, const VfkTemporalCoef * c));

void
vfk_temporal_dsp_init (VfkTemporalDsp * dsp, unsigned flags)
{
  dsp->prep = temporal_prep_c;
  dsp->row = temporal_row_c;
  VFK_OVERRIDE (dsp, flags, prep, temporal_prep);
  VFK_OVERRIDE (dsp, flags, row, temporal_row);
}

VFK_DSP_GETTER (VfkTemporalDsp, temporal_dsp, vfk_temporal_dsp_init);

struct VfkTemporal
{
  int width, height, channels;  /* of the history */
  int primed;                   /* hist[cur] holds the previous output */
  int cur;
  uint16_t *hist[2];
  int sigma16;                  /* the estimate (Q4), 0 = none yet */
};

VfkTemporal *
vfk_temporal_new (void)
{
  return calloc (1, sizeof (VfkTemporal));
}

void
vfk_temporal_free (VfkTemporal * t)
{
  if (!t)
    return;
  free (t->hist[0]);
  free (t->hist[1]);
  free (t);
}

void
vfk_temporal_reset (VfkTemporal * t)
{
  t->primed = 0;
  t->sigma16 = 0;
}

int
vfk_temporal_sigma16 (const VfkTemporal * t)
{
  return t->sigma16;
}

void
vfk_temporal_coef (VfkTemporalCoef * c, int sigma16, double strength,
    double spatial)
{
  int t1;
  if (sigma16 < VFK_TEMPORAL_MIN_SIGMA16)
    sigma16 = VFK_TEMPORAL_MIN_SIGMA16;
  c->t0 = (int) ((int64_t) sigma16 * 8618 / 1000);
  t1 = (int) ((int64_t) sigma16 * 17955 / 1000);
  c->span = t1 - c->t0;
  /* m = (v << shift) * aq >> 16 with v << shift in 16 bits */
  c->shift = 0;
  while ((c->span << (c->shift + 1)) <= 65535)
    c->shift++;
  c->aq = (int) ((256 << 16) / (c->span << c->shift));
  c->amin = (int) (256.0 / (1.0 + strength) + 0.5);
  c->T = (int) (spatial * sigma16 * 0.70710678 + 0.5);
}

/* The next estimate from this frame's figure. */
int
vfk_temporal_next_sigma16 (int est, int cand)
{
  if (cand < VFK_TEMPORAL_MIN_SIGMA16)
    cand = VFK_TEMPORAL_MIN_SIGMA16;
  if (est <= 0)
    return cand;
  if (cand <= est)
    return (est + cand + 1) / 2;
  return MIN (cand, est + est / 8 + 1);
}

#define HIST_BINS 1024

/* The lower quartile of a histogram of |d| scaled to a Gaussian's sigma
 * (Q4); 0 for an empty one. */
static int
quartile_sigma16 (const uint32_t * hist)
{
  uint64_t total = 0, acc = 0;
  int q = 0;
  for (int i = 0; i < HIST_BINS; i++)
    total += hist[i];
  if (total == 0)
    return 0;
  while (q < HIST_BINS - 1 && (acc += hist[q]) < (total + 3) / 4)
    q++;
  return (int) (((int64_t) q * 3139 + 500) / 1000);
}

/* Counts the |d| of every 4th pixel of the channels in mask. */
static inline void
count_row (uint32_t * hist, const uint16_t * ad, int w, int cn, unsigned mask)
{
  for (int i = 0; i < w; i += 4)
    for (int ch = 0; ch < cn; ch++)
      if (mask & (1u << ch))
        hist[MIN (ad[i * cn + ch], HIST_BINS - 1)]++;
}

/* The figure of one frame, for the first estimate: the sampled rows'
 * |16 x - P| (the bands count the same rows as they go, for the next). */
static int
measure_sigma16 (const VfkTemporal * t, const VfkImage * src, unsigned mask)
{
  const int w = src->width, cn = src->channels;
  uint32_t hist[HIST_BINS] = { 0 };
  uint16_t *ad = malloc (sizeof (uint16_t) * (size_t) w * cn);

  if (!ad)
    return 0;
  for (int y = 2; y < src->height; y += 4) {
    const uint8_t *x = vfk_row (src, y);
    const uint16_t *p = t->hist[t->cur] + (size_t) y * w * cn;
    for (int k = 0; k < w * cn; k++) {
      int d = ((int) x[k] << 4) - p[k];
      ad[k] = (uint16_t) (d < 0 ? -d : d);
    }
    count_row (hist, ad, w, cn, mask);
  }
  free (ad);
  return quartile_sigma16 (hist);
}

typedef struct
{
  VfkPool *pool;
  const VfkTemporalDsp *dsp;
  const VfkImage *src;
  VfkImage *dst;
  const uint16_t *pold;
  uint16_t *pnew;
  VfkBorder border;
  uint8_t value;
  unsigned mask;
  VfkTemporalCoef coef;
  uint32_t *hist;               /* HIST_BINS per worker */
  size_t slot;                  /* bytes of one row's sums */
} TemporalJob;

/* Row r (any integer) of the input and the history: their |d| and input
 * padded by one pixel each side into ad and xw, then its sums.  Outside
 * the frame under CONSTANT the input is `value` and |d| is 0. */
static void
prepare_row (const TemporalJob * job, int r, uint16_t * hs, uint16_t * hb,
    uint16_t * ad, uint16_t * xw)
{
  const VfkImage *src = job->src;
  const int w = src->width, h = src->height, cn = src->channels;
  const int n = w * cn;
  int yy = vfk_border_index (r, h, job->border);
  const uint8_t *x;
  const uint16_t *p;

  if (yy < 0) {
    for (int s = 0; s < n; s++) {
      hs[s] = 0;
      hb[s] = (uint16_t) (4 * job->value);
    }
    return;
  }
  x = vfk_row (src, yy);
  p = job->pold + (size_t) yy *n;
  for (int side = 0; side < 2; side++) {
    int xx = vfk_border_index (side ? w : -1, w, job->border);
    int o = side ? n + cn : 0;
    for (int ch = 0; ch < cn; ch++) {
      int d;
      if (xx < 0) {
        ad[o + ch] = 0;
        xw[o + ch] = job->value;
        continue;
      }
      d = ((int) x[xx * cn + ch] << 4) - p[xx * cn + ch];
      ad[o + ch] = (uint16_t) (d < 0 ? -d : d);
      xw[o + ch] = x[xx * cn + ch];
    }
  }
  job->dsp->prep (hs, hb, ad, xw, x, p, n, cn);
}

static void
temporal_band (void *ctx, int worker, int y0, int y1)
{
  TemporalJob *job = ctx;
  const VfkImage *src = job->src;
  const int w = src->width, cn = src->channels, n = w * cn;
  const size_t pad = VFK_ALIGN (sizeof (uint16_t) * (size_t) (n + 2 * cn));
  uint8_t *mem = vfk_pool_scratch (job->pool, worker, 6 * job->slot + 2 * pad);
  const uint16_t *rs[3], *rb[3];
  uint16_t *hs[3], *hb[3], *ad, *xw;

  if (!mem)
    return;
  for (int i = 0; i < 3; i++) {
    hs[i] = (uint16_t *) (mem + (size_t) (2 * i) * job->slot);
    hb[i] = (uint16_t *) (mem + (size_t) (2 * i + 1) * job->slot);
  }
  ad = (uint16_t *) (mem + 6 * job->slot);
  xw = (uint16_t *) (mem + 6 * job->slot + pad);

  /* rows y0 - 1 .. y1 prepared in turn; row y emitted once y + 1 is */
  for (int r = y0 - 1; r <= y1; r++) {
    prepare_row (job, r, hs[(r + 3) % 3], hb[(r + 3) % 3], ad, xw);
    if (r >= y0 && r < y1 && r % 4 == 2)
      count_row (job->hist + (size_t) worker * HIST_BINS, ad + cn, w, cn,
          job->mask);
    if (r >= y0 + 1) {
      int y = r - 1;
      for (int k = 0; k < 3; k++) {
        rs[k] = hs[(y - 1 + k + 3) % 3];
        rb[k] = hb[(y - 1 + k + 3) % 3];
      }
      job->dsp->row (job->pnew + (size_t) y * n, vfk_row (job->dst, y),
          job->pold + (size_t) y * n, vfk_row (src, y), rs, rb, n, &job->coef);
    }
  }
}

/* (Re)makes the history for src's geometry; -1 without memory. */
static int
temporal_geometry (VfkTemporal * t, const VfkImage * src)
{
  size_t bytes = sizeof (uint16_t) * (size_t) src->width * src->height
      * src->channels;
  if (t->hist[0] && t->width == src->width && t->height == src->height
      && t->channels == src->channels)
    return 0;
  free (t->hist[0]);
  free (t->hist[1]);
  t->hist[0] = malloc (bytes);
  t->hist[1] = malloc (bytes);
  t->width = src->width;
  t->height = src->height;
  t->channels = src->channels;
  t->primed = 0;
  t->sigma16 = 0;
  if (!t->hist[0] || !t->hist[1]) {
    free (t->hist[0]);
    free (t->hist[1]);
    t->hist[0] = t->hist[1] = NULL;
    return -1;
  }
  return 0;
}

int
vfk_temporal (VfkPool * pool, VfkTemporal * t, const VfkImage * src,
    VfkImage * dst, VfkBorder border, uint8_t value, unsigned color_mask,
    const VfkTemporalParams * params)
{
  const int w = src->width, h = src->height, cn = src->channels;
  TemporalJob job;
  int sigma16, n_workers;

  if (temporal_geometry (t, src) < 0)
    return -1;
  if (!t->primed) {
    uint16_t *p = t->hist[t->cur];
    for (int y = 0; y < h; y++) {
      const uint8_t *x = vfk_row (src, y);
      memcpy (vfk_row (dst, y), x, (size_t) w * cn);
      for (int k = 0; k < w * cn; k++)
        p[(size_t) y * w * cn + k] = (uint16_t) (x[k] << 4);
    }
    t->primed = 1;
    return 0;
  }

  /* the estimate of the frames before this one (this one's own figure
   * moves it for the next: a cut is filtered with the noise level before
   * it), but the first one from this frame */
  if (t->sigma16 <= 0)
    t->sigma16 = vfk_temporal_next_sigma16 (0, measure_sigma16 (t, src,
            color_mask));
  sigma16 = params->noise > 0 ? (int) (params->noise * 16 + 0.5) : t->sigma16;
  n_workers = pool ? vfk_pool_n_threads (pool) : 1;

  memset (&job, 0, sizeof job);
  job.pool = pool;
  job.dsp = temporal_dsp ();
  job.src = src;
  job.dst = dst;
  job.pold = t->hist[t->cur];
  job.pnew = t->hist[t->cur ^ 1];
  job.border = border == VFK_BORDER_VALID ? VFK_BORDER_REPLICATE : border;
  job.value = value;
  vfk_temporal_coef (&job.coef, sigma16, params->strength, params->spatial);
  job.mask = color_mask;
  job.slot = VFK_ALIGN (sizeof (uint16_t) * (size_t) w * cn);
  job.hist = vfk_pool_shared_scratch (pool,
      sizeof (uint32_t) * HIST_BINS * n_workers);
  if (!job.hist)
    return -1;
  memset (job.hist, 0, sizeof (uint32_t) * HIST_BINS * n_workers);
  if (vfk_pool_run (pool, h, temporal_band, &job) < 0)
    return -1;
  for (int i = 1; i < n_workers; i++)
    for (int b = 0; b < HIST_BINS; b++)
      job.hist[b] += job.hist[(size_t) i * HIST_BINS + b];
  t->sigma16 = vfk_temporal_next_sigma16 (t->sigma16,
      quartile_sigma16 (job.hist));
  t->cur ^= 1;
  return 0;
}

#endif /* VFK_ONCE */
