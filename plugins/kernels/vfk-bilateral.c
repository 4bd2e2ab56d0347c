/* Bilateral filter with the semantics of OpenCV 4.6 cv2.bilateralFilter.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Circular window of radius r (diameter <= 0: r = round(1.5 sigma_space)),
 * space weight exp(-d^2 / 2 sigma_space^2) for every offset with d <= r,
 * colour weight exp(-c^2 / 2 sigma_color^2) of the colour distance c = sum
 * of the per-channel absolute differences; output = round(sum w p / sum
 * w).  OpenCV tabulates both weights in float and sums in its own order;
 * here the two weights are one power of two computed per pair (relative
 * error below 2e-7), each pair of pixels weighed once for both, and the
 * sums taken in another order: within +-1 of cv2.bilateralFilter.  One
 * source at every CPU level (4, 8 or 16 lanes). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vfk-dsp.h"
#include "vfk-private.h"

/* the widest vector, in floats: rows keep that many zeros past their end */
#define BLK 16

typedef struct VfkBilateralJob
{
  const VfkImage *src;
  const VfkImage *guide;        /* NULL: the distance comes from src */
  VfkImage *dst;
  int ox, oy;
  VfkBorder border;
  uint8_t value;
  unsigned dist_mask;
  const VfkBilateral *b;
  VfkPool *pool;
} BilateralJob;

/* The pair sweep's vectors, PW floats: the same source at the C level (4,
 * GCC's generic vectors: SSE2 on x86, NEON on arm64), AVX2 (8) and
 * AVX-512 (16).  P_SCALEF (p, n) = p 2^n for integer-valued n <= 0 (AVX2:
 * 0 below 2^-126 where AVX-512 gives a denormal: a weight under 1e-38
 * against a centre weight near 1); P_STORE_U8 rounds to nearest and
 * saturates to 0-255. */
#if VFK_ARCH == 0
#define PW 4
typedef float PV __attribute__((vector_size (16)));
typedef int32_t PVI __attribute__((vector_size (16)));
#define P_TARGET
#define P_SET1(x) ((PV) { (x), (x), (x), (x) })
#define P_ZERO() ((PV) { 0 })
#define P_SUB(a, b) ((a) - (b))
#define P_FMA(a, b, c) ((a) * (b) + (c))
#define P_ADD(a, b) ((a) + (b))
#define P_MUL(a, b) ((a) * (b))
#define P_DIV(a, b) ((a) / (b))
#define P_ABS(x) ((PV) ((PVI) (x) & 0x7fffffff))
/* to the nearest integer, ties to even, for |t| < 2^22 */
#define P_ROUND(t) (((t) + 12582912.f) - 12582912.f)
#define P_SUFFIX(name) name##_c
VFK_ALWAYS_INLINE PV
P_LD (const float *p)
{
  PV v;
  memcpy (&v, p, sizeof v);
  return v;
}

VFK_ALWAYS_INLINE void
P_ST (float *p, PV v)
{
  memcpy (p, &v, sizeof v);
}

/* p 2^n for integer-valued n <= 0; 0 below 2^-126, as at AVX2 */
VFK_ALWAYS_INLINE PV
P_SCALEF (PV p, PV n)
{
  const PVI low = (PVI) (n < -127.f);
  return p * (PV) (((__builtin_convertvector (n, PVI) + 127) & ~low) << 23);
}

VFK_ALWAYS_INLINE void
P_STORE_U8 (uint8_t * dst, PV v)
{
  const PVI i = __builtin_convertvector (P_ROUND (v), PVI);
  for (int l = 0; l < 4; l++)
    dst[l] = (uint8_t) (i[l] < 0 ? 0 : i[l] > 255 ? 255 : i[l]);
}
#else
#include <immintrin.h>
#endif

#if VFK_ARCH == 2
#define PW 16
typedef __m512 PV;
#define P_TARGET VFK_TARGET_AVX512
#define P_SET1 _mm512_set1_ps
#define P_ZERO _mm512_setzero_ps
#define P_SUB _mm512_sub_ps
#define P_FMA _mm512_fmadd_ps
#define P_ADD _mm512_add_ps
#define P_MUL _mm512_mul_ps
#define P_LD _mm512_loadu_ps
#define P_ST _mm512_storeu_ps
#define P_DIV _mm512_div_ps
#define P_ABS(x) _mm512_abs_ps (x)
#define P_ROUND(t) _mm512_roundscale_ps ((t), _MM_FROUND_TO_NEAREST_INT |    \
    _MM_FROUND_NO_EXC)
#define P_SCALEF(p, n) _mm512_scalef_ps ((p), (n))
#define P_STORE_U8(dst, v) _mm_storeu_si128 ((__m128i *) (dst),              \
    _mm512_cvtusepi32_epi8 (_mm512_max_epi32 (_mm512_setzero_si512 (),     \
            _mm512_cvtps_epi32 (v))))
#define P_SUFFIX(name) name##_avx512
#elif VFK_ARCH == 1
#define PW 8
typedef __m256 PV;
#define P_TARGET __attribute__((target ("avx2,fma")))
#define P_SET1 _mm256_set1_ps
#define P_ZERO _mm256_setzero_ps
#define P_SUB _mm256_sub_ps
#define P_FMA _mm256_fmadd_ps
#define P_ADD _mm256_add_ps
#define P_MUL _mm256_mul_ps
#define P_LD _mm256_loadu_ps
#define P_ST _mm256_storeu_ps
#define P_DIV _mm256_div_ps
#define P_ABS(x) _mm256_andnot_ps (_mm256_set1_ps (-0.f), (x))
#define P_ROUND(t) _mm256_round_ps ((t), _MM_FROUND_TO_NEAREST_INT |         \
    _MM_FROUND_NO_EXC)
#define P_SCALEF(p, n) _mm256_mul_ps ((p), _mm256_castsi256_ps               \
    (_mm256_slli_epi32 (_mm256_add_epi32 (_mm256_cvtps_epi32                 \
            (_mm256_max_ps ((n), _mm256_set1_ps (-127.f))),                  \
            _mm256_set1_epi32 (127)), 23)))
#define P_STORE_U8(dst, v) vfk_store8_u8 ((dst), _mm256_cvtps_epi32 (v))
#define P_SUFFIX(name) name##_avx2
#endif
/* 2^t, t <= 0 (below -126: 0): 2^n * 2^f, n the nearest integer, 2^f by
 * the series of e^(f ln 2) to degree 6 (relative error below 2e-7) */
P_TARGET static inline PV
exp2_neg (PV t)
{
  const PV n = P_ROUND (t);
  const PV f = P_SUB (t, n);
  PV p = P_SET1 (1.5403530e-4f);        /* ln2^6 / 6! */
  p = P_FMA (p, f, P_SET1 (1.3333558e-3f));     /* ^5/5! */
  p = P_FMA (p, f, P_SET1 (9.6181291e-3f));     /* ^4/4! */
  p = P_FMA (p, f, P_SET1 (5.5504109e-2f));     /* ^3/3! */
  p = P_FMA (p, f, P_SET1 (0.24022651f));       /* ^2/2 */
  p = P_FMA (p, f, P_SET1 (0.69314718f));       /* ln2 */
  p = P_FMA (p, f, P_SET1 (1.f));
  return P_SCALEF (p, n);
}

/* One source row of the pair sweep (bilateral_band_pairs): every pixel p
 * of the row (positions npos, from one radius left of the output to one
 * right of it) against every q = p + k of the forward half of the window
 * (the offsets after the centre: the rest of p's row, then the rows
 * below).  The weight of the pair is computed once: p's sums take
 * w I(q) in registers, q's accumulator row ky takes w I(p) (only rows
 * kmin <= ky <= kmax: the band's own); p's own sums are added to
 * accumulator row 0 when `own`. */
P_TARGET VFK_ALWAYS_INLINE void
pairs_simd (const BilateralJob * job, float *const *rows,
    float *const *acc, int pstride, const int cn, int npos, uint8_t * out,
    int kmin, int kmax, const int guided)
{
  const VfkBilateral *b = job->b;
  /* the colour weight's exponent in powers of two */
  const PV gc2 = P_SET1 ((float) (b->gauss_color / M_LN2));
  const int r = b->radius;
  int kc = 0, nh = 0;
  int *half = alloca (sizeof (int) * b->maxk);
  float m[4];

  while (b->ofs_y[kc] != 0 || b->ofs_x[kc] != 0)
    kc++;
  /* the forward half column by column: consecutive pairs then add to
   * different accumulator rows (row by row, each add would load what the
   * one before had just stored, shifted by a pixel: a store-forwarding
   * stall per pair) */
  for (int kx = -r; kx <= r; kx++)
    for (int k = kc + 1; k < b->maxk; k++)
      if (b->ofs_x[k] == kx)
        half[nh++] = k;
  for (int c = 0; c < 4; c++)
    m[c] = (job->dist_mask >> c) & 1 ? 1.f : 0.f;
  for (int i0 = 0; i0 < npos; i0 += PW) {
    const int pi = i0 + r;      /* p's index in the padded rows */
    const PV sw0 = P_SET1 (b->space_w[kc]);
    PV wsum = sw0, sum[4], c0[5];

    for (int c = 0; c < cn + guided; c++)
      c0[c] = P_LD (rows[0] + c * pstride + pi);
    for (int c = 0; c < cn; c++)
      sum[c] = P_MUL (sw0, c0[c]);
    for (int h = 0; h < nh; h++) {
      const int k = half[h];
      const int ky = b->ofs_y[k], qi = pi + b->ofs_x[k];
      const float *base = rows[ky] + qi;
      PV d = P_ZERO (), w, v[4];
      for (int c = 0; c < cn; c++)
        v[c] = P_LD (base + c * pstride);
      if (guided) {
        PV g = P_LD (base + cn * pstride);
        d = P_ABS (P_SUB (g, c0[cn]));
      } else {
        for (int c = 0; c < cn; c++)
          d = P_FMA (P_SET1 (m[c]), P_ABS (P_SUB (v[c], c0[c])), d);
      }
      /* space and colour weight in one power of two */
      w = exp2_neg (P_FMA (P_MUL (d, d), gc2, P_SET1 (b->space_log2[k])));
      wsum = P_ADD (wsum, w);
      for (int c = 0; c < cn; c++)
        sum[c] = P_FMA (w, v[c], sum[c]);
      if (ky >= kmin && ky <= kmax) {
        float *a = acc[ky] + qi;
        for (int c = 0; c < cn; c++)
          P_ST (a + c * pstride, P_FMA (w, c0[c], P_LD (a + c * pstride)));
        P_ST (a + cn * pstride, P_ADD (w, P_LD (a + cn * pstride)));
      }
    }
    if (out) {
      float *a = acc[0] + pi;
      for (int c = 0; c < cn; c++)
        P_ST (a + c * pstride, P_ADD (sum[c], P_LD (a + c * pstride)));
      P_ST (a + cn * pstride, P_ADD (wsum, P_LD (a + cn * pstride)));
    }
  }
  if (!out)
    return;
  /* the row is complete: round (sum / weight), ties to even */
  for (int x0 = 0; x0 < npos - 2 * r; x0 += PW) {
    const int nb = MIN (PW, npos - 2 * r - x0);
    const float *a = acc[0] + 2 * r + x0;
    const PV inv = P_DIV (P_SET1 (1.f),
        P_LD (a + cn * pstride));
    uint8_t px[4][16];          /* PW used */
    for (int c = 0; c < cn; c++)
      P_STORE_U8 (px[c], P_MUL (P_LD (a + c * pstride), inv));
    for (int l = 0; l < nb; l++)
      for (int c = 0; c < cn; c++)
        out[(size_t) (x0 + l) * cn + c] = px[c][l];
  }
}

/* the sweep compiled per channel count, plain or guided */
#define bilateral_pairs_level P_SUFFIX (bilateral_pairs)
void
bilateral_pairs_level (const BilateralJob * job, float *const *rows,
    float *const *acc, int pstride, int cn, int npos, uint8_t * out, int kmin,
    int kmax)
{
#define PAIRS_CASE(CN)                                                       \
  case CN:                                                                   \
    if (job->guide)                                                          \
      pairs_simd (job, rows, acc, pstride, CN, npos, out, kmin, kmax, 1);  \
    else                                                                     \
      pairs_simd (job, rows, acc, pstride, CN, npos, out, kmin, kmax, 0);  \
    break
  switch (cn) {
      PAIRS_CASE (1);
      PAIRS_CASE (2);
      PAIRS_CASE (3);
      PAIRS_CASE (4);
  }
#undef PAIRS_CASE
}

#if VFK_ONCE

#define PAIRS_ARGS (const BilateralJob * job, float *const *rows, \
    float *const *acc, int pstride, int cn, int npos, uint8_t * out, \
    int kmin, int kmax)
void bilateral_pairs_c PAIRS_ARGS;
void bilateral_pairs_avx2 PAIRS_ARGS;
void bilateral_pairs_avx512 PAIRS_ARGS;

void
vfk_bilateral_dsp_init (VfkBilateralDsp * dsp, unsigned flags)
{
  dsp->pairs = bilateral_pairs_c;
#ifdef VFK_HAVE_VARIANTS
  if (flags & VFK_CPU_AVX512)
    dsp->pairs = bilateral_pairs_avx512;
  else if (flags & VFK_CPU_AVX2)
    dsp->pairs = bilateral_pairs_avx2;
#endif
}

VFK_DSP_GETTER (VfkBilateralDsp, bilateral_dsp, vfk_bilateral_dsp_init);

/* Source row c as planar floats: cn planes (and the guide's first channel)
 * of pcount pixels from column start, zeros up to pstride */
static void
fill_planes (const BilateralJob * job, float *planes, int c, int start,
    int pcount, int pstride, uint8_t * pad, uint8_t * gpad)
{
  const VfkImage *src = job->src;
  const int cn = src->channels;
  vfk_border_pad_row (pad, src, c, start, pcount, job->border, job->value);
  for (int ch = 0; ch < cn; ch++) {
    for (int x = 0; x < pcount; x++)
      planes[ch * pstride + x] = pad[x * cn + ch];
    for (int x = pcount; x < pstride; x++)
      planes[ch * pstride + x] = 0.f;
  }
  if (job->guide) {
    /* the guide's first channel, same geometry as src */
    const VfkImage *g = job->guide;
    float *gp = planes + (size_t) cn * pstride;
    vfk_border_pad_row (gpad, g, c, start, pcount, job->border, job->value);
    for (int x = 0; x < pcount; x++)
      gp[x] = gpad[x * g->channels];
    for (int x = pcount; x < pstride; x++)
      gp[x] = 0.f;
  }
}

/* Every pair of pixels once: the
 * weight of p and q = p + k is that of q and q - k, so each source row
 * sweeps only the forward half of the window and adds each pair's
 * weight to both pixels' sums: p's in registers, q's in accumulator rows
 * kept for the r rows below.  An output row is complete once the r rows
 * above it and itself have been swept.  Each band starts r rows above
 * its first row (those rows only feed the band's accumulators), so a
 * pixel's sums are added in the same order whatever the band split. */
static void
bilateral_band_pairs (void *data, int worker, int y0, int y1)
{
  BilateralJob *job = data;
  const VfkBilateralDsp *dsp = bilateral_dsp ();
  const int cn = job->src->channels;
  const int r = job->b->radius, n = r + 1;
  const int wout = job->dst->width;
  const int npos = wout + 2 * r;        /* sources: x in [-r, wout + r) */
  const int pcount = wout + 4 * r;      /* their windows: [-2r, wout + 2r) */
  const int pstride = (int) (VFK_ALIGN (sizeof (float) * (pcount + BLK)) /
      sizeof (float));
  const int nplanes = cn + (job->guide ? 1 : 0);
  const size_t slot = sizeof (float) * pstride * nplanes;
  const size_t ring_bytes = vfk_ring_bytes (n, slot);
  const size_t aslot = sizeof (float) * pstride * (cn + 1);
  uint8_t *mem = vfk_pool_scratch (job->pool, worker, ring_bytes
      + n * aslot + VFK_ALIGN ((size_t) pcount * cn)
      + VFK_ALIGN ((size_t) pcount * (job->guide ? job->guide->channels : 1)));
  if (!mem)
    return;                     /* the job reports the failure */
  float *accmem = (float *) (mem + ring_bytes);
  uint8_t *pad = mem + ring_bytes + n * aslot;
  uint8_t *gpad = pad + VFK_ALIGN ((size_t) pcount * cn);
  float **rows = alloca (sizeof (float *) * n);
  float **acc = alloca (sizeof (float *) * n);
  VfkRing ring;

  vfk_ring_init (&ring, mem, n, slot);
  memset (accmem, 0, n * aslot);
  for (int y = y0 - r; y < y1; y++) {
    for (int j = 0; j < n; j++) {
      int c = y + job->oy + j, fresh;
      float *planes = vfk_ring_slot (&ring, c, &fresh);
      if (fresh)
        fill_planes (job, planes, c, job->ox - 2 * r, pcount, pstride, pad,
            gpad);
      rows[j] = planes;
      acc[j] = accmem + (size_t) (((y + j) % n + n) % n) * (aslot / 4);
    }
    /* a row of the band is written once swept (the rows above it were) */
    dsp->pairs (job, rows, acc, pstride, cn, npos, y >= y0 ? vfk_row
        (job->dst, y) : NULL, y0 - y, y1 - 1 - y);
    /* row y's accumulators become row y + r + 1's */
    memset (acc[0], 0, aslot);
  }
}

int
vfk_bilateral_radius (int diameter, double sigma_space)
{
  int radius;
  if (sigma_space <= 0)
    sigma_space = 1;
  if (diameter <= 0)
    radius = (int) lrint (sigma_space * 1.5);
  else
    radius = diameter / 2;
  return radius < 1 ? 1 : radius > VFK_BILATERAL_MAX_RADIUS ?
      VFK_BILATERAL_MAX_RADIUS : radius;
}

VfkBilateral *
vfk_bilateral_new (int diameter, double sigma_color, double sigma_space)
{
  VfkBilateral *b = calloc (1, sizeof (VfkBilateral));
  double gc, gs;
  int n;

  if (!b)
    return NULL;
  pthread_mutex_init (&b->ext_lock, NULL);

  if (sigma_color <= 0)
    sigma_color = 1;
  if (sigma_space <= 0)
    sigma_space = 1;
  b->radius = vfk_bilateral_radius (diameter, sigma_space);
  n = 2 * b->radius + 1;
  gc = -0.5 / (sigma_color * sigma_color);
  gs = -0.5 / (sigma_space * sigma_space);
  b->gauss_color = (float) gc;
  b->space_w = malloc (sizeof (float) * n * n);
  b->space_log2 = malloc (sizeof (float) * n * n);
  b->ofs_y = malloc (sizeof (int) * n * n);
  b->ofs_x = malloc (sizeof (int) * n * n);
  if (!b->space_w || !b->space_log2 || !b->ofs_y || !b->ofs_x) {
    vfk_bilateral_free (b);
    return NULL;
  }
  for (int i = -b->radius; i <= b->radius; i++)
    for (int j = -b->radius; j <= b->radius; j++) {
      double d = sqrt ((double) i * i + (double) j * j);
      if (d > b->radius)
        continue;
      b->space_w[b->maxk] = (float) exp (d * d * gs);
      b->space_log2[b->maxk] = (float) (d * d * gs / M_LN2);
      b->ofs_y[b->maxk] = i;
      b->ofs_x[b->maxk] = j;
      b->maxk++;
    }
  {
    /* the spread of the window's space weights along one axis */
    double sw = 0, swx = 0;
    for (int k = 0; k < b->maxk; k++) {
      sw += b->space_w[k];
      swx += b->space_w[k] * b->ofs_x[k] * b->ofs_x[k];
    }
    b->sigma_window = sqrt (swx / sw);
  }
  b->sigma_color = sigma_color;
  return b;
}

void
vfk_bilateral_free (VfkBilateral * b)
{
  if (!b)
    return;
  free (b->space_w);
  free (b->space_log2);
  free (b->ofs_y);
  free (b->ofs_x);
  if (b->ext)
    b->ext_free (b->ext);
  pthread_mutex_destroy (&b->ext_lock);
  free (b);
}

int
vfk_bilateral_get_radius (const VfkBilateral * b)
{
  return b->radius;
}

int
vfk_bilateral_exact (VfkPool * pool, const VfkImage * src,
    const VfkImage * guide, VfkImage * dst, int ox, int oy, VfkBorder border,
    uint8_t value, unsigned dist_mask, const VfkBilateral * b)
{
  BilateralJob job = {
    .src = src,.guide = guide,.dst = dst,.ox = ox,.oy = oy,.border = border,
    .value = value,.dist_mask = dist_mask,.b = b,.pool = pool,
  };
  return vfk_pool_run (pool, dst->height, bilateral_band_pairs, &job);
}

#endif /* VFK_ONCE */
