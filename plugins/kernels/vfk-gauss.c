/* Gaussian blur, bit-identical to OpenCV 4.6 cv2.GaussianBlur on 8-bit data.
 *
 * OpenCV builds the 1-D kernel in double precision (fixed tables for sizes
 * 1-9 when sigma is 0), quantises it to 1/256 with error diffusion so the
 * weights sum to exactly 256, filters rows into 8.8 fixed point without
 * rounding, filters columns into 16.16 and rounds once: (v + 2^15) >> 16.
 * Every step is integer, so any evaluation order gives the same bytes.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vfk-dsp.h"
#include "vfk-private.h"

int
vfk_gauss_resolve_size (int ksize, double sigma)
{
  if (ksize <= 0 && sigma > 0) {
    double v = sigma * 3 * 2 + 1;
    if (v > VFK_MAX_KERNEL)
      return VFK_MAX_KERNEL;
    return (int) lrint (v) | 1;
  }
  return ksize;
}

/* getGaussianKernelBitExact of OpenCV 4.6, in IEEE double arithmetic */
static void
gauss_kernel_double (int n, double sigma, double *result)
{
  static const double t3[] = { 0.25, 0.5, 0.25 };
  static const double t5[] = { 0.0625, 0.25, 0.375, 0.25, 0.0625 };
  static const double t7[] = { 0.03125, 0.109375, 0.21875, 0.28125,
    0.21875, 0.109375, 0.03125
  };
  static const double t9[] = { 4 / 256., 13 / 256., 30 / 256., 51 / 256.,
    60 / 256., 51 / 256., 30 / 256., 13 / 256., 4 / 256.
  };
  const double *table = NULL;

  if (sigma <= 0) {
    switch (n) {
      case 1:
        result[0] = 1.0;
        return;
      case 3:
        table = t3;
        break;
      case 5:
        table = t5;
        break;
      case 7:
        table = t7;
        break;
      case 9:
        table = t9;
        break;
    }
    if (table) {
      memcpy (result, table, sizeof (double) * n);
      return;
    }
  }

  {
    double sigma_x = sigma > 0 ? sigma : fma ((double) n, 0.15, 0.35);
    double scale2x = -0.125 / (sigma_x * sigma_x);
    int n2 = (n - 1) / 2;
    double *values = alloca (sizeof (double) * (n2 + 1));
    double sum = 0, mul1;

    for (int i = 0, x = 1 - n; i < n2; i++, x += 2) {
      double t = exp ((double) (x * x) * scale2x);
      values[i] = t;
      sum += t;
    }
    sum *= 2;
    sum += 1.0;
    if ((n & 1) == 0)
      sum += 1.0;
    mul1 = 1.0 / sum;
    for (int i = 0; i < n2; i++) {
      double t = values[i] * mul1;
      result[i] = t;
      result[n - 1 - i] = t;
    }
    result[n2] = 1.0 * mul1;
    if ((n & 1) == 0)
      result[n2 + 1] = result[n2];
  }
}

void
vfk_gauss_kernel_q8 (int n, double sigma, int32_t * out)
{
  double *k = alloca (sizeof (double) * n);
  double err = 0;
  int64_t sum = 0;
  int n2 = n / 2;

  gauss_kernel_double (n, sigma, k);
  /* error diffusion from the outside in; the centre takes the remainder */
  for (int i = 0; i < n2; i++) {
    double adj = k[i] * 256.0 + err;
    int64_t v = (int64_t) lrint (adj);
    err = adj - (double) v;
    out[i] = (int32_t) v;
    out[n - 1 - i] = (int32_t) v;
    sum += v;
  }
  out[n2] = (int32_t) (256 - 2 * sum);
}

/* Rows in 16 bits: every q8 row kernel's sums are at most 255 * 256 =
 * 65280, and an outer tap is at most 128, so a folded pair's product is
 * too.  Columns in 16 bits where the taps share a large power of two
 * (gauss16_kernels), else in float, exact: every partial sum is a
 * non-negative integer of at most 256 * 65280 < 2^24. */
typedef struct
{
  const VfkImage *src;
  VfkImage *dst;
  int ox, oy;
  VfkBorder border;
  uint8_t value;
  int kw, kh;
  const uint16_t *kx16;         /* half row kernel: [0, r) outer taps, [r] centre */
  /* the columns: the half kernel divided by the taps' common power of two
   * and the rounding (16 bits), or NULL and the whole kernel (float) */
  const uint16_t *ky16;
  uint16_t add16;
  int shift16;
  const float *kyfull;
  VfkPool *pool;
} GaussJob;

/* Source row c's horizontal sums into h.  The row is read in place
 * where the samples the whole row's sums read (up to rx pixels beyond
 * either end of the frame's row) lie in the image's memory: the sums of
 * the edge pixels, which read the neighbouring rows' samples there, are
 * then redone from padded copies.  Elsewhere (rows outside the frame,
 * the first and last rows, narrow frames) the padded row. */
static void
gauss_row_u16 (const GaussJob * job, const VfkRowDsp * cpu, uint16_t * h,
    int c, uint8_t * pad)
{
  const VfkImage *src = job->src;
  const int cn = src->channels, rx = job->kw / 2;
  const int wout = job->dst->width;
  const int start = job->ox - rx;
  const int ri = vfk_border_index (c, src->height, job->border);
  const ptrdiff_t at = (ptrdiff_t) ri * src->stride + (ptrdiff_t) start * cn;
  const ptrdiff_t end = (ptrdiff_t) (src->height - 1) * src->stride
      + (ptrdiff_t) src->width * cn;
  /* the outputs whose window lies inside the frame's columns */
  const int x_lo = MIN (wout, MAX (0, rx - job->ox));
  const int x_hi = MAX (x_lo, MIN (wout, src->width - rx - job->ox));

  if (ri < 0 || at < 0 || at + (ptrdiff_t) (wout + 2 * rx) * cn > end) {
    vfk_border_pad_row (pad, src, c, start, wout + 2 * rx, job->border,
        job->value);
    cpu->hsym_u8_u16 (h, pad, job->kx16, rx, cn, wout * cn);
    return;
  }
  /* by chunks, each after the prefetch of its span VFK_PREFETCH_ROWS
   * rows down (vfk-private.h) */
  const uint8_t *next = vfk_row_in (src, c + VFK_PREFETCH_ROWS);
  for (int x0 = 0; x0 < wout * cn; x0 += VFK_PREFETCH_CHUNK) {
    const int n = MIN (VFK_PREFETCH_CHUNK, wout * cn - x0);
    vfk_prefetch_within (next, start * cn + x0,
        start * cn + x0 + n + 2 * rx * cn, (ptrdiff_t) src->width * cn);
    cpu->hsym_u8_u16 (h + x0, src->data + at + x0, job->kx16, rx, cn, n);
  }
  if (x_lo > 0) {
    vfk_border_pad_row_noprefetch (pad, src, c, start, x_lo + 2 * rx,
        job->border, job->value);
    cpu->hsym_u8_u16 (h, pad, job->kx16, rx, cn, x_lo * cn);
  }
  if (x_hi < wout) {
    vfk_border_pad_row_noprefetch (pad, src, c, start + x_hi,
        wout - x_hi + 2 * rx, job->border, job->value);
    cpu->hsym_u8_u16 (h + (size_t) x_hi * cn, pad, job->kx16, rx, cn,
        (wout - x_hi) * cn);
  }
}

static void
gauss_band (void *data, int worker, int y0, int y1)
{
  GaussJob *job = data;
  const VfkImage *src = job->src;
  const VfkRowDsp *cpu = vfk_row_dsp ();
  const int cn = src->channels;
  const int ns = job->dst->width * cn;
  const int pcount = job->dst->width + job->kw - 1;
  const int ry = job->kh / 2;
  const int nslots = job->kh + 3;
  const size_t ring_bytes = vfk_ring_bytes (nslots, sizeof (uint16_t) * ns);
  uint8_t *mem = vfk_pool_scratch (job->pool, worker, ring_bytes
      + VFK_ALIGN ((size_t) pcount * cn));
  if (!mem)
    return;                     /* the job reports the failure */
  uint8_t *pad = mem + ring_bytes;
  const uint16_t **rows = alloca (sizeof (uint16_t *) * nslots);
  VfkRing ring;

  vfk_ring_init (&ring, mem, nslots, sizeof (uint16_t) * ns);
  /* up to four output rows at a time: they share kh - 1 of their rows */
  for (int y = y0; y < y1; y += 4) {
    const int m = MIN (4, y1 - y);
    uint8_t *out[4];
    for (int o = 0; o < m; o++)
      out[o] = vfk_row (job->dst, y + o);
    for (int j = 0; j < job->kh + m - 1; j++) {
      int c = y + job->oy - ry + j, fresh;
      uint16_t *h = vfk_ring_slot (&ring, c, &fresh);
      if (fresh)
        gauss_row_u16 (job, cpu, h, c, pad);
      rows[j] = h;
    }
    if (job->ky16)
      cpu->vsym_u16_u8 (out, m, rows, job->ky16, ry, ns, job->add16,
          job->shift16);
    else
      cpu->vcol_u16_u8 (out, m, rows, job->kyfull, job->kh, ns);
  }
}

/* The largest power of two (at most 256) dividing every tap */
static int
common_pow2 (const int32_t * k, int n)
{
  int g = 256;
  for (int i = 0; i < n; i++)
    while (g > 1 && k[i] % g)
      g /= 2;
  return g;
}

/* Whether the q8 kernels' sums fit 16 bits once divided by their common
 * powers of two gx, gy (taps summing to 256 / gx and 256 / gy): the
 * largest sum, 255 (256 / gx) (256 / gy), plus the rounding 2^(15 - a)
 * (gx gy = 2^a) below 2^16.  Then (sum 2^a + 2^15) >> 16, the float
 * path's rounding, is (sum + 2^(15 - a)) >> (16 - a).  True for 3x3 and
 * 5x5 at OpenCV's default sigma (taps 64 128 64 and 16 64 96 64 16). */
static int
gauss16_kernels (const int32_t * kx, int kw, const int32_t * ky, int kh,
    uint16_t * hx, uint16_t * hy, uint16_t * add, int *shift)
{
  const int gx = common_pow2 (kx, kw), gy = common_pow2 (ky, kh);
  int a = 0;
  while ((1 << a) < gx * gy)
    a++;
  if (a > 15 || 255L * (256 / gx) * (256 / gy) + (1L << (15 - a)) > 65535)
    return 0;
  for (int i = 0; i <= kw / 2; i++)
    hx[i] = (uint16_t) (kx[i] / gx);
  for (int i = 0; i <= kh / 2; i++)
    hy[i] = (uint16_t) (ky[i] / gy);
  *add = (uint16_t) (1 << (15 - a));
  *shift = 16 - a;
  return 1;
}

/* The taps of zero at both ends of a q8 kernel (large sizes at small
 * sigma) add nothing: drop them, keeping the kernel centred */
static const int32_t *
trim_zero_taps (const int32_t * k, int *n)
{
  while (*n > 1 && k[0] == 0) {
    k++;
    *n -= 2;
  }
  return k;
}

int
vfk_gauss_exact (VfkPool * pool, const VfkImage * src, VfkImage * dst,
    int ox, int oy, VfkBorder border, uint8_t value, int kw, int kh,
    double sigma_x, double sigma_y)
{
  int32_t *kx, *ky;
  uint16_t *hx, *hy;
  float *fy;
  GaussJob job;

  if (sigma_y <= 0)
    sigma_y = sigma_x;
  kw = vfk_gauss_resolve_size (kw, sigma_x);
  kh = vfk_gauss_resolve_size (kh, sigma_y);
  if (sigma_x < 0)
    sigma_x = 0;
  if (sigma_y < 0)
    sigma_y = 0;

  kx = alloca (sizeof (int32_t) * kw);
  ky = alloca (sizeof (int32_t) * kh);
  vfk_gauss_kernel_q8 (kw, sigma_x, kx);
  vfk_gauss_kernel_q8 (kh, sigma_y, ky);
  kx = (int32_t *) trim_zero_taps (kx, &kw);
  ky = (int32_t *) trim_zero_taps (ky, &kh);
  hx = alloca (sizeof (uint16_t) * (kw / 2 + 1));
  hy = alloca (sizeof (uint16_t) * (kh / 2 + 1));
  fy = alloca (sizeof (float) * kh);

  job = (GaussJob) {
  .src = src,.dst = dst,.ox = ox,.oy = oy,.border = border,.value =
        value,.kw = kw,.kh = kh,.kx16 = hx,.kyfull = fy,.pool = pool};
  if (gauss16_kernels (kx, kw, ky, kh, hx, hy, &job.add16, &job.shift16))
    job.ky16 = hy;
  else {
    for (int i = 0; i <= kw / 2; i++)
      hx[i] = (uint16_t) kx[i];
    for (int i = 0; i < kh; i++)
      fy[i] = (float) ky[i];
  }
  return vfk_pool_run (pool, dst->height, gauss_band, &job);
}
