/* Box (averaging) filter: running sums, cost independent of the kernel size.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include <math.h>
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
  VfkBoxRounding rounding;
  VfkBoxCvRound cv;             /* rounding=opencv's constants */
  VfkPool *pool;
} BoxJob;

static inline void
pad_row (uint8_t * dst, const BoxJob * job, int c, int start, int count)
{
  vfk_border_pad_row (dst, job->src, c, start, count, job->border, job->value);
}

static inline void
runs (VfkRowRuns * r, uint8_t * dst, const BoxJob * job, int c, int start,
    int count)
{
  vfk_border_row_runs (r, dst, job->src, c, start, count, job->border,
      job->value);
}

/* Exact floor(sum / area + 1/2) = floor((2 sum + area) / (2 area)).
 * Adding 1/2 to the odd-or-even integer numerator keeps the quotient at
 * least 1/(4 area) away from an integer; float's error (relative 2^-23,
 * absolute < 3.1e-5 for means below 256) stays under that while
 * area <= 8192, double's for any area. */
#define BOX_FLOAT_MAX_AREA 8192

/* That rounding in float, for a sum below 2^31 and an area up to
 * BOX_FLOAT_MAX_AREA: add = area + 1/2, inv = 1 / (2 area) */
VFK_ALWAYS_INLINE uint8_t
half_up_f (int32_t sum, float add, float inv)
{
  return (uint8_t) (int32_t) (((float) sum * 2.0f + add) * inv);
}

/* ---- hot loops: one variant per CPU level -------------------------------- */

#define box_output_half_up VFK_FN (box_output_half_up)
/* (The window sums are below 255 * 1023^2 < 2^31: converted as signed
 * 32-bit integers, which SSE2 and AVX2 convert a vector at a time; an
 * unsigned conversion took a general register per lane there.) */
void
box_output_half_up (uint8_t * restrict out, const uint32_t * restrict hi,
    const uint32_t * restrict lo, int ns, uint32_t area)
{
  if (area <= BOX_FLOAT_MAX_AREA) {
    const float inv = 1.0f / (float) (2 * area);
    const float add = (float) area + 0.5f;
    for (int s = 0; s < ns; s++)
      out[s] = half_up_f ((int32_t) (hi[s] - lo[s]), add, inv);
  } else {
    const double inv = 1.0 / (double) (2 * area);
    const double add = (double) area + 0.5;
    for (int s = 0; s < ns; s++)
      out[s] = (uint8_t) (int32_t) (((double) (int32_t) (hi[s] - lo[s]) *
              2.0 + add) * inv);
  }
}

#define box_output_opencv VFK_FN (box_output_opencv)
void
box_output_opencv (uint8_t * restrict out, const uint32_t * restrict hi,
    const uint32_t * restrict lo, int ns, const VfkBoxCvRound * cv)
{
  if (cv->fixed) {
    /* OpenCV's vector loops saturate; its scalar tail (the last ns % 16
     * samples) computes in int and truncates, so 255+255 over 2 gives 0 */
    const uint32_t dd = cv->dd, ds = cv->ds;
    const int simd_end = ns - ns % 16;
    for (int s = 0; s < simd_end; s++) {
      const uint32_t v = ((hi[s] - lo[s] + dd) * ds) >> 23;
      out[s] = (uint8_t) (v < 255 ? v : 255);
    }
    for (int s = simd_end; s < ns; s++)
      out[s] = (uint8_t) ((int32_t) ((hi[s] - lo[s] + dd) * ds) >> 23);
  } else {
    /* float32 lanes, double for the row tail (sums below 2^31, so the
     * signed conversion, which every level vectorises, is exact) */
    const int simd_end = ns - ns % 8;
    const float sf = cv->sf;
    for (int s = 0; s < simd_end; s++) {
      const float v = nearbyintf ((float) (int32_t) (hi[s] - lo[s]) * sf);
      out[s] = (uint8_t) (int32_t) (v < 255.0f ? v : 255.0f);
    }
    for (int s = simd_end; s < ns; s++)
      out[s] = vfk_sat_u8 ((int64_t) nearbyint ((hi[s] - lo[s]) * cv->sd));
  }
}

#define box_col_update VFK_FN (box_col_update)
void
box_col_update (uint32_t * restrict dst, const uint32_t * restrict src,
    const uint8_t * restrict in, const uint8_t * restrict out, int n)
{
  for (int s = 0; s < n; s++)
    dst[s] = src[s] + (uint32_t) in[s] - out[s];
}

#define box_col_update16 VFK_FN (box_col_update16)
void
box_col_update16 (uint16_t * restrict dst, const uint16_t * restrict src,
    const uint8_t * restrict in, const uint8_t * restrict out, int n)
{
  for (int s = 0; s < n; s++)
    dst[s] = (uint16_t) (src[s] + in[s] - out[s]);
}

#define box_hsum_half_up16 VFK_FN (box_hsum_half_up16)
/* 2 VB sums at a time in registers (vectors of the level's width), the
 * window's columns added in 16 bits, then half_up_f (area <= 257 here) */
typedef uint16_t vbox16 __attribute__((vector_size (VFK_VEC_BYTES)));
#define VB (VFK_VEC_BYTES / 2)
void
box_hsum_half_up16 (uint8_t * restrict out, const uint16_t * restrict col,
    int kw, int cn, int ns, uint32_t area)
{
  const float inv = 1.0f / (float) (2 * area);
  const float add = (float) area + 0.5f;
  int s = 0;
  for (; s + 2 * VB <= ns; s += 2 * VB) {
    vbox16 a0, a1;
    uint16_t t[2 * VB];
    memcpy (&a0, col + s, sizeof a0);
    memcpy (&a1, col + s + VB, sizeof a1);
    for (int i = 1; i < kw; i++) {
      vbox16 c0, c1;
      memcpy (&c0, col + s + (size_t) i * cn, sizeof c0);
      memcpy (&c1, col + s + (size_t) i * cn + VB, sizeof c1);
      a0 += c0;
      a1 += c1;
    }
    memcpy (t, &a0, sizeof a0);
    memcpy (t + VB, &a1, sizeof a1);
    for (int j = 0; j < 2 * VB; j++)
      out[s + j] = half_up_f (t[j], add, inv);
  }
  for (; s < ns; s++) {
    int32_t sum = 0;
    for (int i = 0; i < kw; i++)
      sum += col[s + (size_t) i * cn];
    out[s] = half_up_f (sum, add, inv);
  }
}

#if VFK_ONCE

VFK_DECLARE_VARIANTS (void, box_hsum_half_up16, (uint8_t * out,
        const uint16_t * col, int kw, int cn, int ns, uint32_t area));
VFK_DECLARE_VARIANTS (void, box_output_half_up, (uint8_t * out,
        const uint32_t * hi, const uint32_t * lo, int ns, uint32_t area));
VFK_DECLARE_VARIANTS (void, box_output_opencv, (uint8_t * out,
        const uint32_t * hi, const uint32_t * lo, int ns,
        const VfkBoxCvRound * cv));
VFK_DECLARE_VARIANTS (void, box_col_update, (uint32_t * dst,
        const uint32_t * src, const uint8_t * in, const uint8_t * out, int n));
VFK_DECLARE_VARIANTS (void, box_col_update16, (uint16_t * dst,
        const uint16_t * src, const uint8_t * in, const uint8_t * out, int n));

void
vfk_box_dsp_init (VfkBoxDsp * dsp, unsigned flags)
{
  dsp->output_half_up = box_output_half_up_c;
  dsp->output_opencv = box_output_opencv_c;
  dsp->col_update = box_col_update_c;
  dsp->col_update16 = box_col_update16_c;
  dsp->hsum_half_up16 = box_hsum_half_up16_c;
  VFK_OVERRIDE (dsp, flags, hsum_half_up16, box_hsum_half_up16);
  VFK_OVERRIDE (dsp, flags, output_half_up, box_output_half_up);
  VFK_OVERRIDE (dsp, flags, output_opencv, box_output_opencv);
  VFK_OVERRIDE (dsp, flags, col_update, box_col_update);
  VFK_OVERRIDE (dsp, flags, col_update16, box_col_update16);
}

VFK_DSP_GETTER (VfkBoxDsp, box_dsp, vfk_box_dsp_init);

static void
box_emit (const BoxJob * job, uint8_t * out, const uint32_t * P, int ns)
{
  const int cn = job->src->channels;
  const uint32_t *hi = P + cn + (job->kw - 1) * cn;
  if (job->rounding == VFK_BOX_ROUND_HALF_UP)
    box_dsp ()->output_half_up (out, hi, P, ns, (uint32_t) (job->kw * job->kh));
  else
    box_dsp ()->output_opencv (out, hi, P, ns, &job->cv);
}

/* dst = src + (entering row) - (leaving row), both as runs of the same
 * split: the frame's samples straight from the frame, no row copied */
/* Column sums are 16-bit when a column holds at most 257 rows (255 * 257
 * < 2^16): half the memory and twice the lanes of 32-bit ones */
#define COL16_MAX_ROWS 257
/* Up to this width the window's column sums are added directly, cheaper
 * than the prefix scan and its 32-bit rows: 1080p BGR, 2 threads, four
 * frames from memory, direct / prefix time 0.62 at 3, 0.71 at 5, 0.91 at
 * 9, 1.0 at 11, 1.11 at 15 */
#define BOX_DIRECT_MAX_KW 9

/* dst = src + in - out over n sums from sum o on */
static inline void
col_update_at (const VfkBoxDsp * dsp, void *dst, const void *src,
    const uint8_t * in, const uint8_t * out, size_t o, int n, int c16)
{
  if (c16)
    dsp->col_update16 ((uint16_t *) dst + o, (const uint16_t *) src + o, in,
        out, n);
  else
    dsp->col_update ((uint32_t *) dst + o, (const uint32_t *) src + o, in,
        out, n);
}

static void
col_update_runs (const VfkBoxDsp * dsp, void *dst, const void *src,
    const VfkRowRuns * in, const VfkRowRuns * out, int cn, int c16)
{
  size_t o = 0;
  for (int k = 0; k < 3; k++) {
    const int n = in->n[k] * cn;
    if (n)
      col_update_at (dsp, dst, src, in->p[k], out->p[k], o, n, c16);
    o += (size_t) n;
  }
}

/* dst = src + row `in` - row `out`: by runs, or only over the frame's
 * columns and the border columns copied after */
static void
col_step (const BoxJob * job, const VfkBoxDsp * dsp, void *dst,
    const void *src, uint8_t * row_in, uint8_t * row_out, int in_row,
    int out_row, const int *map)
{
  const int c16 = job->kh <= COL16_MAX_ROWS;
  const int cn = job->src->channels;
  const int start = job->ox - job->kw / 2;
  const int pcount = job->dst->width + job->kw - 1;
  VfkRowRuns in, out;
  if (!map) {
    runs (&in, row_in, job, in_row, start, pcount);
    runs (&out, row_out, job, out_row, start, pcount);
    col_update_runs (dsp, dst, src, &in, &out, cn, c16);
    return;
  }
  /* the frame run alone: one run, read in place (or the constant row) */
  int n[3];
  vfk_border_split (job->src->width, start, pcount, n);
  const int left = n[0], mid = n[1];
  const size_t o = (size_t) left * cn;
  vfk_border_row_runs_noprefetch (&in, row_in, job->src, in_row,
      start + left, mid, job->border, job->value);
  vfk_border_row_runs_noprefetch (&out, row_out, job->src, out_row,
      start + left, mid, job->border, job->value);
  /* by chunks, each after the prefetch of its span of the row entering
   * VFK_PREFETCH_ROWS rows later (vfk-private.h; the row leaving was read
   * kh rows ago) */
  const uint8_t *next = vfk_row_in (job->src, in_row + VFK_PREFETCH_ROWS);
  const int at = (start + left) * cn, ns = mid * cn;
  for (int x0 = 0; x0 < ns; x0 += VFK_PREFETCH_CHUNK) {
    const int c = MIN (VFK_PREFETCH_CHUNK, ns - x0);
    vfk_prefetch_within (next, at + x0, at + x0 + c, at + ns);
    col_update_at (dsp, dst, src, in.p[1] + x0, out.p[1] + x0, o + x0, c, c16);
  }
  vfk_border_col_sums (dst, map, n, cn, (uint32_t) job->kh * job->value, c16);
}

static void
box_band (void *data, int worker, int y0, int y1)
{
  BoxJob *job = data;
  const VfkRowDsp *cpu = vfk_row_dsp ();
  const VfkBoxDsp *dsp = box_dsp ();
  const int cn = job->src->channels;
  const int kw = job->kw, kh = job->kh;
  const int wout = job->dst->width;
  const int ns = wout * cn;
  const int pcount = wout + kw - 1;
  const int pn = pcount * cn;
  const int start = job->ox - kw / 2;
  const int ay = kh / 2;
  const size_t colb = VFK_ALIGN (sizeof (uint32_t) * pn);
  const size_t pb = VFK_ALIGN (sizeof (uint32_t) * (pn + cn));
  uint8_t *mem = vfk_pool_scratch (job->pool, worker,
      2 * VFK_ALIGN (pn) + 2 * colb + 2 * pb + sizeof (int) * pcount);
  if (!mem)
    return;                     /* the job reports the failure */
  uint8_t *row_in = mem;
  uint8_t *row_out = row_in + VFK_ALIGN (pn);
  const int c16 = kh <= COL16_MAX_ROWS;
  const uint32_t area = (uint32_t) (kw * kh);
  /* small windows summed directly, no prefix sums */
  const int direct = job->rounding == VFK_BOX_ROUND_HALF_UP
      && kw <= BOX_DIRECT_MAX_KW && area * 255 < 65536;
  void *col[2];
  uint32_t *P[2];

  col[0] = (uint32_t *) (row_out + VFK_ALIGN (pn));
  col[1] = (uint8_t *) col[0] + colb;
  P[0] = (uint32_t *) ((uint8_t *) col[1] + colb);
  P[1] = (uint32_t *) ((uint8_t *) P[0] + pb);
  int *map = (int *) ((uint8_t *) P[1] + pb);
  if (!vfk_border_col_map (map, job->src->width, start, pcount, job->border))
    map = NULL;

  /* column sums of the kh rows around the first output row */
  memset (col[0], 0, sizeof (uint32_t) * pn);
  for (int j = 0; j < kh; j++) {
    pad_row (row_in, job, y0 + job->oy - ay + j, start, pcount);
    for (int s = 0; s < pn; s++) {
      if (c16)
        ((uint16_t *) col[0])[s] += row_in[s];
      else
        ((uint32_t *) col[0])[s] += row_in[s];
    }
  }
  /* P[cn + t] = sum of col[u] for u <= t in the same channel */
  memset (P[0], 0, sizeof (uint32_t) * cn);
  memset (P[1], 0, sizeof (uint32_t) * cn);

  /* two output rows at a time: their running sums are independent chains.
   * The column sums ping-pong between col[0] and col[1]: each row's are
   * the previous row's plus the entering row minus the leaving one,
   * written to the other buffer (no copy) */
  for (int y = y0; y < y1; y += 2) {
    const int pair = y + 1 < y1;
    if (y > y0) {
      /* col[0] holds row y-1's sums */
      col_step (job, dsp, col[1], col[0], row_in, row_out,
          y + job->oy - ay + kh - 1, y + job->oy - ay - 1, map);
      void *t = col[0];
      col[0] = col[1];
      col[1] = t;
    }
    if (pair)
      col_step (job, dsp, col[1], col[0], row_in, row_out,
          y + 1 + job->oy - ay + kh - 1, y + job->oy - ay, map);
    if (direct) {
      dsp->hsum_half_up16 (vfk_row (job->dst, y), col[0], kw, cn, ns, area);
      if (pair) {
        dsp->hsum_half_up16 (vfk_row (job->dst, y + 1), col[1], kw, cn, ns,
            area);
        void *t = col[0];
        col[0] = col[1];
        col[1] = t;
      }
      continue;
    }
    if (c16)
      cpu->prefix2_u16 (P[0] + cn, col[0], P[1] + cn, pair ? col[1] : col[0],
          pn, cn);
    else
      cpu->prefix2_u32 (P[0] + cn, col[0], P[1] + cn, pair ? col[1] : col[0],
          pn, cn);
    box_emit (job, vfk_row (job->dst, y), P[0], ns);
    if (pair) {
      box_emit (job, vfk_row (job->dst, y + 1), P[1], ns);
      /* continue from row y+1 */
      void *t = col[0];
      col[0] = col[1];
      col[1] = t;
    }
  }
}

int
vfk_box (VfkPool * pool, const VfkImage * src, VfkImage * dst,
    int ox, int oy, VfkBorder border, uint8_t value, int kw, int kh,
    VfkBoxRounding rounding)
{
  BoxJob job = {
    .src = src,.dst = dst,.ox = ox,.oy = oy,.border = border,.value = value,
    .kw = kw,.kh = kh,.rounding = rounding,.pool = pool,
  };
  const uint64_t area = (uint64_t) kw * kh;

  if (area <= 256) {
    /* mirrors OpenCV's ColumnSum<ushort, uchar> divisor set-up */
    double scalef = (double) (1 << 23) / (double) area;
    uint32_t ds = (uint32_t) floor (scalef);
    uint32_t dd = (uint32_t) (area / 2);
    if (scalef - ds < 0.5)
      dd++;
    else
      ds++;
    job.cv.fixed = 1;
    job.cv.dd = area == 1 ? 0 : dd;
    job.cv.ds = area == 1 ? (1u << 23) : ds;
  }
  job.cv.sd = 1.0 / (double) area;
  job.cv.sf = (float) job.cv.sd;

  return vfk_pool_run (pool, dst->height, box_band, &job);
}

#endif /* VFK_ONCE */
