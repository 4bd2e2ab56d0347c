/* Linear filters: any kernel (2-D or rank-1 as two 1-D passes), exact
 * integer arithmetic when every weight is an integer.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vfk-dsp.h"
#include "vfk-private.h"

/* ---- rounding: hot loops, one variant per CPU level ---------------------- */

#define linear_finish_i32 VFK_FN (linear_finish_i32)
void
linear_finish_i32 (uint8_t * out, const int32_t * acc, int n,
    const VfkRound * r)
{
  switch (r->kind) {
    case VFK_ROUND_SHIFT:{
      const int64_t add = r->add;
      const int sh = r->shift;
      if (add >= INT32_MIN && add <= INT32_MAX && sh < 31) {
        const int32_t a32 = (int32_t) add;
        for (int s = 0; s < n; s++) {
          int32_t v = (acc[s] + a32) >> sh;
          out[s] = v < 0 ? 0 : v > 255 ? 255 : (uint8_t) v;
        }
      } else {
        for (int s = 0; s < n; s++)
          out[s] = vfk_sat_u8 (((int64_t) acc[s] + add) >> sh);
      }
      break;
    }
    case VFK_ROUND_DIV:
      for (int s = 0; s < n; s++)
        out[s] =
            vfk_sat_u8 (vfk_floor_div (2 * (int64_t) acc[s] + r->add, r->div));
      break;
    case VFK_ROUND_FLOAT:
      for (int s = 0; s < n; s++)
        out[s] = vfk_sat_u8 ((int64_t) floor (acc[s] / r->scale + r->offset));
      break;
  }
}

#define linear_finish_f32 VFK_FN (linear_finish_f32)
void
linear_finish_f32 (uint8_t * restrict out, const float *restrict acc, int n,
    const VfkRound * r)
{
  const float inv = (float) (1.0 / r->scale);
  const float off = (float) r->offset;
  /* floor, then clamp, as clamp then truncate (equal on [0, 255], 0 below
   * and 255 above): a loop the compiler vectorises, where floorf is not */
  for (int s = 0; s < n; s++) {
    float v = acc[s] * inv + off;
    v = v < 0.f ? 0.f : v;
    v = v > 255.f ? 255.f : v;
    out[s] = (uint8_t) (int) v;
  }
}

/* exact-integer float sums -> 8-bit with the kernel's integer rounding */
#define linear_finish_exact VFK_FN (linear_finish_exact)
void
linear_finish_exact (uint8_t * out, float *acc, int n, const VfkRound * r)
{
  int32_t *iacc = (int32_t *) acc;
  for (int s = 0; s < n; s++)
    iacc[s] = (int32_t) acc[s];
  linear_finish_i32 (out, iacc, n, r);
}

#if VFK_ONCE

VFK_DECLARE_VARIANTS (void, linear_finish_i32, (uint8_t * out,
        const int32_t * acc, int n, const VfkRound * r));
VFK_DECLARE_VARIANTS (void, linear_finish_f32, (uint8_t * out,
        const float *acc, int n, const VfkRound * r));
VFK_DECLARE_VARIANTS (void, linear_finish_exact, (uint8_t * out, float *acc,
        int n, const VfkRound * r));
void
vfk_linear_dsp_init (VfkLinearDsp * dsp, unsigned flags)
{
  dsp->finish_i32 = linear_finish_i32_c;
  dsp->finish_f32 = linear_finish_f32_c;
  dsp->finish_exact = linear_finish_exact_c;
  VFK_OVERRIDE (dsp, flags, finish_i32, linear_finish_i32);
  VFK_OVERRIDE (dsp, flags, finish_f32, linear_finish_f32);
  VFK_OVERRIDE (dsp, flags, finish_exact, linear_finish_exact);
}

VFK_DSP_GETTER (VfkLinearDsp, linear_dsp, vfk_linear_dsp_init);

/* ---- kernels ------------------------------------------------------------- */

static int64_t
gcd64 (int64_t a, int64_t b)
{
  if (a < 0)
    a = -a;
  if (b < 0)
    b = -b;
  while (b) {
    int64_t t = a % b;
    a = b;
    b = t;
  }
  return a;
}

static void
kernel_factor (VfkKernel * k)
{
  const int kw = k->kw, kh = k->kh;
  int pj = -1, pi = -1;
  float maxabs = 0.f;
  k->separable = 0;
  if (kw < 2 || kh < 2)
    return;
  for (int j = 0; j < kh; j++)
    for (int i = 0; i < kw; i++)
      if (fabsf (k->kf[j * kw + i]) > maxabs) {
        maxabs = fabsf (k->kf[j * kw + i]);
        pj = j;
        pi = i;
      }
  if (pj < 0)
    return;
  k->rowf = calloc (kw, sizeof (float));
  k->colf = calloc (kh, sizeof (float));
  if (k->is_int) {
    k->rowi = calloc (kw, sizeof (int32_t));
    k->coli = calloc (kh, sizeof (int32_t));
  }
  if (!k->rowf || !k->colf || (k->is_int && (!k->rowi || !k->coli)))
    goto not_rank1;             /* no memory: the 2-D path needs none */
  if (k->is_int) {
    int64_t g = 0;
    for (int i = 0; i < kw; i++)
      g = gcd64 (g, k->ki[pj * kw + i]);
    for (int i = 0; i < kw; i++)
      k->rowi[i] = (int32_t) (k->ki[pj * kw + i] / g);
    for (int j = 0; j < kh; j++) {
      int64_t num = k->ki[j * kw + pi];
      if (num % k->rowi[pi] != 0)
        goto not_rank1;
      k->coli[j] = (int32_t) (num / k->rowi[pi]);
      for (int i = 0; i < kw; i++)
        if ((int64_t) k->coli[j] * k->rowi[i] != k->ki[j * kw + i])
          goto not_rank1;
    }
    for (int i = 0; i < kw; i++)
      k->rowf[i] = (float) k->rowi[i];
    for (int j = 0; j < kh; j++)
      k->colf[j] = (float) k->coli[j];
  } else {
    const double piv = k->kf[pj * kw + pi];
    for (int i = 0; i < kw; i++)
      k->rowf[i] = k->kf[pj * kw + i];
    for (int j = 0; j < kh; j++) {
      double c = k->kf[j * kw + pi] / piv;
      k->colf[j] = (float) c;
      for (int i = 0; i < kw; i++)
        if (fabs (c * k->rowf[i] - k->kf[j * kw + i]) > 1e-6 * maxabs)
          goto not_rank1;
    }
  }
  k->separable = 1;
  return;
not_rank1:
  free (k->rowf);
  free (k->colf);
  free (k->rowi);
  free (k->coli);
  k->rowf = k->colf = NULL;
  k->rowi = k->coli = NULL;
}

static void
kernel_set_round (VfkKernel * k, double divisor, double bias)
{
  VfkRound *r = &k->round;
  double d = divisor;
  /* integer kernel, integer divisor and bias: exact integer rounding */
  if (k->is_int && d == rint (d) && fabs (d) < (1 << 30)
      && bias == rint (bias) && fabs (bias) < (1 << 20)) {
    int64_t di = (int64_t) d;
    int64_t bi = (int64_t) bias;
    if (di < 0) {
      /* fold the sign into the weights so the divisor is positive */
      int n = k->kw * k->kh;
      for (int i = 0; i < n; i++) {
        k->ki[i] = -k->ki[i];
        k->kf[i] = -k->kf[i];
      }
      di = -di;
    }
    if ((di & (di - 1)) == 0) {
      int sh = 0;
      while ((1LL << sh) < di)
        sh++;
      r->kind = VFK_ROUND_SHIFT;
      r->shift = sh;
      r->add = bi * di + (di >> 1);
    } else {
      /* floor((2 acc + 2 b d + d) / 2d) = floor(acc/d + b + 1/2) */
      r->kind = VFK_ROUND_DIV;
      r->add = 2 * bi * di + di;
      r->div = 2 * di;
    }
    return;
  }
  r->kind = VFK_ROUND_FLOAT;
  r->scale = d;
  r->offset = bias + 0.5;
}

VfkKernel *
vfk_kernel_new (const double *w, int kw, int kh, int ax, int ay,
    double divisor, double bias, const char **err)
{
  VfkKernel *k;
  int n = kw * kh;
  double abssum = 0;
  int all_int = 1;
  if (kw < 1 || kh < 1 || kw > VFK_MAX_KERNEL || kh > VFK_MAX_KERNEL) {
    *err = "kernel size out of range";
    return NULL;
  }
  if (divisor == 0 || !isfinite (divisor)) {
    *err = "divisor must be a finite number other than 0";
    return NULL;
  }
  if (!isfinite (bias)) {
    *err = "bias must be a finite number";
    return NULL;
  }
  for (int i = 0; i < n; i++) {
    if (!isfinite (w[i])) {
      *err = "kernel weights must be finite numbers";
      return NULL;
    }
    abssum += fabs (w[i]);
    if (w[i] != rint (w[i]) || fabs (w[i]) > (1 << 24))
      all_int = 0;
  }
  /* integer path only while every sum fits 32 bits */
  if (abssum * 255.0 >= 2147483647.0)
    all_int = 0;
  k = calloc (1, sizeof (VfkKernel));
  if (!k) {
    *err = "out of memory";
    return NULL;
  }
  k->kw = kw;
  k->kh = kh;
  k->ax = ax < 0 ? kw / 2 : ax;
  k->ay = ay < 0 ? kh / 2 : ay;
  if (k->ax >= kw || k->ay >= kh) {
    free (k);
    *err = "anchor must lie inside the kernel";
    return NULL;
  }
  k->is_int = all_int;
  /* integer sums below 2^24 are exact in float: the fast vector path */
  k->exact_f32 = all_int && abssum * 255.0 < 16777216.0;
  k->kf = malloc (sizeof (float) * n);
  k->ki = malloc (sizeof (int32_t) * n);
  if (!k->kf || !k->ki) {
    vfk_kernel_free (k);
    *err = "out of memory";
    return NULL;
  }
  for (int i = 0; i < n; i++) {
    k->kf[i] = (float) w[i];
    k->ki[i] = all_int ? (int32_t) w[i] : 0;
  }
  kernel_set_round (k, divisor, bias);
  kernel_factor (k);
  return k;
}

void
vfk_kernel_free (VfkKernel * k)
{
  if (!k)
    return;
  free (k->ki);
  free (k->kf);
  free (k->rowi);
  free (k->coli);
  free (k->rowf);
  free (k->colf);
  free (k);
}

static void
reverse_f (float *v, int n)
{
  for (int i = 0; i < n / 2; i++) {
    float t = v[i];
    v[i] = v[n - 1 - i];
    v[n - 1 - i] = t;
  }
}

static void
reverse_i (int32_t * v, int n)
{
  for (int i = 0; i < n / 2; i++) {
    int32_t t = v[i];
    v[i] = v[n - 1 - i];
    v[n - 1 - i] = t;
  }
}

void
vfk_kernel_flip (VfkKernel * k)
{
  int n = k->kw * k->kh;
  reverse_f (k->kf, n);
  reverse_i (k->ki, n);
  if (k->separable) {
    reverse_f (k->rowf, k->kw);
    reverse_f (k->colf, k->kh);
    if (k->rowi) {
      reverse_i (k->rowi, k->kw);
      reverse_i (k->coli, k->kh);
    }
  }
  k->ax = k->kw - 1 - k->ax;
  k->ay = k->kh - 1 - k->ay;
}

/* ---- 2-D filter ------------------------------------------------------------ */

typedef struct
{
  const VfkImage *src;
  VfkImage *dst;
  int ox, oy;
  VfkBorder border;
  uint8_t value;
  const VfkKernel *k;
  VfkPool *pool;
} Filter2DJob;
/* acc += w * row for integer-valued float rows (pixels or exact sums) */
static void
mac_f32row_i32 (int32_t * restrict acc, const float *restrict row,
    int32_t w, int n)
{
  for (int s = 0; s < n; s++)
    acc[s] += w * (int32_t) row[s];
}

static void
filter2d_band (void *data, int worker, int y0, int y1)
{
  Filter2DJob *job = data;
  const VfkKernel *k = job->k;
  const VfkImage *src = job->src;
  const VfkRowDsp *cpu = vfk_row_dsp ();
  const VfkLinearDsp *dsp = linear_dsp ();
  const int cn = src->channels;
  const int wout = job->dst->width;
  const int ns = wout * cn;
  const int pcount = wout + k->kw - 1;
  const int pn = pcount * cn;
  const int start = job->ox - k->ax;
  const size_t ring_bytes = vfk_ring_bytes (k->kh, sizeof (float) * pn);
  uint8_t *mem = vfk_pool_scratch (job->pool, worker,
      ring_bytes + VFK_ALIGN (pn) + VFK_ALIGN (sizeof (float) * ns));
  if (!mem)
    return;                     /* the job reports the failure */
  uint8_t *pad = mem + ring_bytes;
  float *acc = (float *) (pad + VFK_ALIGN (pn));
  const float **rows = alloca (sizeof (float *) * k->kh);
  VfkRing ring;
  vfk_ring_init (&ring, mem, k->kh, sizeof (float) * pn);
  for (int y = y0; y < y1; y++) {
    for (int j = 0; j < k->kh; j++) {
      int c = y + job->oy - k->ay + j, fresh;
      float *slot = vfk_ring_slot (&ring, c, &fresh);
      if (fresh) {
        vfk_border_pad_row (pad, src, c, start, pcount, job->border,
            job->value);
        cpu->u8_to_f32 (slot, pad, pn);
      }
      rows[j] = slot;
    }
    if (k->exact_f32) {
      /* integer weights: float sums are exact integers (|sum| < 2^24) */
      cpu->conv_f32_exact (acc, rows, k->kf, k->kw, k->kh, cn, ns);
      dsp->finish_exact (vfk_row (job->dst, y), acc, ns, &k->round);
    } else if (k->is_int) {
      /* larger integer sums: 32-bit integer multiply-adds */
      int32_t *iacc = (int32_t *) acc;
      memset (iacc, 0, sizeof (int32_t) * ns);
      for (int j = 0; j < k->kh; j++)
        for (int i = 0; i < k->kw; i++) {
          int32_t w = k->ki[j * k->kw + i];
          if (w)
            mac_f32row_i32 (iacc, rows[j] + i * cn, w, ns);
        }
      dsp->finish_i32 (vfk_row (job->dst, y), iacc, ns, &k->round);
    } else {
      cpu->conv_f32 (acc, rows, k->kf, k->kw, k->kh, cn, ns);
      dsp->finish_f32 (vfk_row (job->dst, y), acc, ns, &k->round);
    }
  }
}

/* ---- separable filter ------------------------------------------------------ */

typedef struct
{
  const VfkImage *src;
  VfkImage *dst;
  int ox, oy;
  VfkBorder border;
  uint8_t value;
  int kind;                     /* SEP_EXACT_F32, SEP_INT32, SEP_F32 */
  const int32_t *kxi, *kyi;
  const float *kxf, *kyf;
  int kw, kh, ax, ay;
  const VfkRound *round;
  VfkPool *pool;
} SepJob;
enum
{ SEP_EXACT_F32, SEP_INT32, SEP_F32 };
/* Rows are filtered horizontally once into a ring (float, or int32 for
 * integer sums too large for float), then each output row is the vertical
 * filter of kh ring rows. */
static void
sep_band (void *data, int worker, int y0, int y1)
{
  SepJob *job = data;
  const VfkImage *src = job->src;
  const VfkRowDsp *cpu = vfk_row_dsp ();
  const VfkLinearDsp *dsp = linear_dsp ();
  const int cn = src->channels;
  const int wout = job->dst->width;
  const int ns = wout * cn;
  const int pcount = wout + job->kw - 1;
  const int pn = pcount * cn;
  const int start = job->ox - job->ax;
  const int is_float = job->kind != SEP_INT32;
  /* float kernels filter columns four output rows at a time */
  const int group = is_float ? 4 : 1;
  const int nslots = job->kh + group - 1;
  const size_t ring_bytes = vfk_ring_bytes (nslots, sizeof (float) * ns);
  const size_t accb = VFK_ALIGN (sizeof (float) * ns);
  uint8_t *mem = vfk_pool_scratch (job->pool, worker,
      ring_bytes + VFK_ALIGN (pn) + VFK_ALIGN (sizeof (float) * pn) + 4 * accb);
  if (!mem)
    return;                     /* the job reports the failure */
  uint8_t *pad = mem + ring_bytes;
  float *padf = (float *) (pad + VFK_ALIGN (pn));
  float *acc[4];
  void **rows = alloca (sizeof (void *) * nslots);
  VfkRing ring;
  for (int o = 0; o < 4; o++)
    acc[o] = (float *) ((uint8_t *) padf + VFK_ALIGN (sizeof (float) * pn)
        + o * accb);
  vfk_ring_init (&ring, mem, nslots, sizeof (float) * ns);
  for (int y = y0; y < y1; y += group) {
    const int nout = MIN (group, y1 - y);
    for (int j = 0; j < job->kh + nout - 1; j++) {
      int c = y + job->oy - job->ay + j, fresh;
      void *h = vfk_ring_slot (&ring, c, &fresh);
      if (fresh) {
        const float *prow = padf;
        vfk_border_pad_row (pad, src, c, start, pcount, job->border,
            job->value);
        if (job->kind == SEP_INT32) {
          memset (h, 0, sizeof (int32_t) * ns);
          for (int i = 0; i < job->kw; i++)
            if (job->kxi[i])
              cpu->mac_u8_i32 (h, pad + i * cn, job->kxi[i], ns);
        } else {
          cpu->u8_to_f32 (padf, pad, pn);
          if (job->kind == SEP_EXACT_F32)
            cpu->conv_f32_exact (h, &prow, job->kxf, job->kw, 1, cn, ns);
          else
            cpu->conv_f32 (h, &prow, job->kxf, job->kw, 1, cn, ns);
        }
      }
      rows[j] = h;
    }
    if (nout == 4)
      cpu->v4_f32 (acc, (const float *const *) rows, job->kyf, job->kh, ns);
    for (int o = 0; o < nout; o++) {
      uint8_t *out = vfk_row (job->dst, y + o);
      if (job->kind == SEP_INT32) {
        int32_t *iacc = (int32_t *) acc[0];
        memset (iacc, 0, sizeof (int32_t) * ns);
        for (int j = 0; j < job->kh; j++)
          if (job->kyi[j])
            cpu->mac_i32_i32 (iacc, rows[j], job->kyi[j], ns);
        dsp->finish_i32 (out, iacc, ns, job->round);
        continue;
      }
      if (nout != 4)
        cpu->conv_f32 (acc[o], (const float *const *) rows + o, job->kyf,
            1, job->kh, 1, ns);
      if (job->kind == SEP_EXACT_F32)
        dsp->finish_exact (out, acc[o], ns, job->round);
      else
        dsp->finish_f32 (out, acc[o], ns, job->round);
    }
  }
}

int
vfk_filter2d (VfkPool * pool, const VfkImage * src, VfkImage * dst,
    int ox, int oy, VfkBorder border, uint8_t value, const VfkKernel * k)
{
  if (k->separable) {
    SepJob job = {
      .src = src,.dst = dst,.ox = ox,.oy = oy,.border = border,.value = value,
      .kind = k->exact_f32 ? SEP_EXACT_F32 : k->is_int ? SEP_INT32 : SEP_F32,
      .kxi = k->rowi,.kyi = k->coli,.kxf = k->rowf,
      .kyf = k->colf,.kw = k->kw,.kh = k->kh,.ax = k->ax,.ay = k->ay,
      .round = &k->round,.pool = pool,
    };
    return vfk_pool_run (pool, dst->height, sep_band, &job);
  } else {
    Filter2DJob job = {
      .src = src,.dst = dst,.ox = ox,.oy = oy,.border = border,.value = value,
      .k = k,.pool = pool,
    };
    return vfk_pool_run (pool, dst->height, filter2d_band, &job);
  }
}

/* ---- channel passthrough ---------------------------------------------------- */

void
vfk_copy_channel (const VfkImage * src, VfkImage * dst, int ox, int oy,
    int channel)
{
  const int cn = src->channels;
  for (int y = 0; y < dst->height; y++) {
    int sy = vfk_border_index (y + oy, src->height, VFK_BORDER_REPLICATE);
    const uint8_t *s = vfk_row (src, sy);
    uint8_t *d = vfk_row (dst, y);
    if (ox >= 0 && ox + dst->width <= src->width) {
      /* every output pixel centred inside the row (always, but for a
       * subsampled plane under border=valid): no mapping per pixel */
      const uint8_t *restrict sc = s + (size_t) ox * cn + channel;
      uint8_t *restrict dc = d + channel;
      for (int x = 0; x < dst->width; x++)
        dc[x * cn] = sc[x * cn];
      continue;
    }
    for (int x = 0; x < dst->width; x++) {
      int sx = vfk_border_index (x + ox, src->width, VFK_BORDER_REPLICATE);
      d[x * cn + channel] = s[sx * cn + channel];
    }
  }
}

#endif /* VFK_ONCE */
