/* Box (averaging) filter: running sums, cost independent of the kernel size.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include <math.h>
#include <string.h>

#include "vfk-private.h"

typedef struct {
  const VfkImage *src;
  VfkImage *dst;
  int ox, oy;
  VfkBorder border;
  uint8_t value;
  int kw, kh;
  VfkBoxRounding rounding;
  /* half-up: out = ((2 sum + area) * magic) >> shift */
  uint64_t magic;
  int shift;
  /* OpenCV 4.6, area <= 256: out = ((sum + dd) * ds) >> 23 */
  uint32_t cv_dd, cv_ds;
  /* OpenCV 4.6, area > 256: float32 lanes, double for the row tail */
  float cv_scale_f;
  double cv_scale_d;
  VfkPool *pool;
} BoxJob;

static void
pad_row (uint8_t * dst, const BoxJob * job, int c, int start, int count)
{
  const VfkImage *src = job->src;
  int r = vfk_border_index (c, src->height, job->border);
  if (r < 0)
    memset (dst, job->value, (size_t) count * src->channels);
  else
    vfk_border_fill_row (dst, vfk_row (src, r), src->width, src->channels,
        start, count, job->border, job->value);
}

static void
box_output_row (const BoxJob * job, uint8_t * out, const uint32_t * win,
    int ns)
{
  if (job->rounding == VFK_BOX_ROUND_HALF_UP) {
    const uint32_t area = (uint32_t) (job->kw * job->kh);
    const uint64_t m = job->magic;
    const int sh = job->shift;
    for (int s = 0; s < ns; s++)
      out[s] = (uint8_t) (((uint64_t) (2 * win[s] + area) * m) >> sh);
  } else if (job->kw * job->kh <= 256) {
    /* OpenCV's vector loops saturate; its scalar tail (the last ns % 16
     * samples) computes in int and truncates, so 255+255 over 2 gives 0 */
    const uint32_t dd = job->cv_dd, ds = job->cv_ds;
    const int simd_end = ns - ns % 16;
    for (int s = 0; s < simd_end; s++)
      out[s] = vfk_sat_u8 (((win[s] + dd) * ds) >> 23);
    for (int s = simd_end; s < ns; s++)
      out[s] = (uint8_t) ((int32_t) ((win[s] + dd) * ds) >> 23);
  } else {
    const int simd_end = ns - ns % 8;
    const float sf = job->cv_scale_f;
    for (int s = 0; s < simd_end; s++)
      out[s] = vfk_sat_u8 ((int64_t) nearbyintf ((float) win[s] * sf));
    for (int s = simd_end; s < ns; s++)
      out[s] = vfk_sat_u8 ((int64_t) nearbyint (win[s] * job->cv_scale_d));
  }
}

static void
box_band (void *data, int worker, int y0, int y1)
{
  BoxJob *job = data;
  const int cn = job->src->channels;
  const int kw = job->kw, kh = job->kh;
  const int wout = job->dst->width;
  const int ns = wout * cn;
  const int pcount = wout + kw - 1;
  const int pn = pcount * cn;
  const int start = job->ox - kw / 2;
  const int ay = kh / 2;
  uint8_t *mem = vfk_pool_scratch (job->pool, worker,
      2 * VFK_ALIGN (pn) + VFK_ALIGN (sizeof (uint32_t) * pn)
      + VFK_ALIGN (sizeof (uint32_t) * ns));
  uint8_t *row_in = mem;
  uint8_t *row_out = row_in + VFK_ALIGN (pn);
  uint32_t *col = (uint32_t *) (row_out + VFK_ALIGN (pn));
  uint32_t *win = (uint32_t *) ((uint8_t *) col +
      VFK_ALIGN (sizeof (uint32_t) * pn));

  /* column sums of the kh rows around the first output row */
  memset (col, 0, sizeof (uint32_t) * pn);
  for (int j = 0; j < kh; j++) {
    pad_row (row_in, job, y0 + job->oy - ay + j, start, pcount);
    for (int s = 0; s < pn; s++)
      col[s] += row_in[s];
  }

  for (int y = y0; y < y1; y++) {
    if (y > y0) {
      pad_row (row_in, job, y + job->oy - ay + kh - 1, start, pcount);
      pad_row (row_out, job, y + job->oy - ay - 1, start, pcount);
      for (int s = 0; s < pn; s++)
        col[s] += (uint32_t) row_in[s] - row_out[s];
    }
    /* horizontal running sum over kw pixels, each channel on its own */
    for (int c = 0; c < cn; c++) {
      uint32_t acc = 0;
      for (int i = 0; i < kw; i++)
        acc += col[i * cn + c];
      win[c] = acc;
    }
    for (int s = cn; s < ns; s++)
      win[s] = win[s - cn] + col[s - cn + kw * cn] - col[s - cn];
    box_output_row (job, vfk_row (job->dst, y), win, ns);
  }
}

void
vfk_box (VfkPool * pool, const VfkImage * src, VfkImage * dst,
    int ox, int oy, VfkBorder border, uint8_t value, int kw, int kh,
    VfkBoxRounding rounding)
{
  BoxJob job = {
    .src = src,.dst = dst,.ox = ox,.oy = oy,.border = border,.value = value,
    .kw = kw,.kh = kh,.rounding = rounding,.pool = pool,
  };
  const uint64_t area = (uint64_t) kw * kh;
  const uint64_t d = 2 * area;
  int l = 0;

  /* exact floor(n / d) for n < 2^31 via one 64-bit multiply (n * d < 2^S) */
  while ((1ULL << l) < d)
    l++;
  job.shift = 32 + l;
  job.magic = ((1ULL << job.shift) + d - 1) / d;

  if (area <= 256) {
    /* mirrors OpenCV's ColumnSum<ushort, uchar> divisor set-up */
    double scalef = (double) (1 << 23) / (double) area;
    uint32_t ds = (uint32_t) floor (scalef);
    uint32_t dd = (uint32_t) (area / 2);
    if (scalef - ds < 0.5)
      dd++;
    else
      ds++;
    job.cv_dd = area == 1 ? 0 : dd;
    job.cv_ds = area == 1 ? (1u << 23) : ds;
  }
  job.cv_scale_d = 1.0 / (double) area;
  job.cv_scale_f = (float) job.cv_scale_d;

  vfk_pool_run (pool, dst->height, box_band, &job);
}
