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
 * tile (TILE output rows, the whole width): per offset, squared
 * differences along a row, a running sum across it, a ring of tile rows
 * for the sum down the patch, the weights and the accumulation into the
 * tile's sums.  Nothing frame-sized is streamed per offset.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vfk-dsp.h"
#include "vfk-private.h"

/* ---- per-CPU hot loop -------------------------------------------------- */

/* The squared differences of one padded row pair for the weighted
 * channels, their running sum and the patch sums: h[x] = sum of s over
 * [x, x + tws). */
VFK_ALWAYS_INLINE void
row_sums (const VfkNlmTile * t, const uint8_t * a, const uint8_t * b,
    uint32_t * h)
{
  const int cn = t->cn, n = t->w + t->tws - 1;
  uint32_t *c = t->prefix;
  uint32_t *s = t->sq;

  if (cn == 1 && t->nm == 1) {
    for (int x = 0; x < n; x++) {
      int d = (int) a[x] - (int) b[x];
      s[x] = (uint32_t) (d * d);
    }
  } else {
    for (int x = 0; x < n; x++) {
      uint32_t acc = 0;
      for (int k = 0; k < t->nm; k++) {
        int d = (int) a[x * cn + t->ch[k]] - (int) b[x * cn + t->ch[k]];
        acc += (uint32_t) (d * d);
      }
      s[x] = acc;
    }
  }
  c[0] = 0;
  for (int x = 0; x < n; x++)
    c[x + 1] = c[x] + s[x];
  for (int x = 0; x < t->w; x++)
    h[x] = c[x + t->tws] - c[x];
}

void VFK_FN (nlm_offset) (const VfkNlmTile * t, int dy, int dx);

void VFK_FN (nlm_offset) (const VfkNlmTile * t, int dy, int dx)
{
  const int tws = t->tws, th = t->twh, w = t->w, cn = t->cn, nm = t->nm;
  const ptrdiff_t ps = t->pstride;
  const int32_t *table = t->table;
  const uint32_t tlen = (uint32_t) t->tlen;
  const int shift = t->shift;
  uint32_t *v = t->v;

  memset (v, 0, sizeof (uint32_t) * w);
  memset (t->ring, 0, sizeof (uint32_t) * w * tws);
  for (int rr = -th; rr < t->rows + th; rr++) {
    /* row rr of the tile (relative to its first output row), at column
     * -T, and its candidate row */
    const uint8_t *a = t->pad + (rr + t->R) * ps + (t->R - th) * cn;
    const uint8_t *b = a + dy * ps + dx * cn;
    uint32_t *slot = t->ring + (size_t) ((rr + th) % tws) * w;
    uint32_t *h = t->hrow;

    row_sums (t, a, b, h);
    for (int x = 0; x < w; x++) {
      v[x] += h[x] - slot[x];
      slot[x] = h[x];
    }
    if (rr < th)
      continue;
    {
      const int r = rr - th;
      const uint8_t *q = t->pad + (r + t->R + dy) * ps + (t->R + dx) * cn;
      int32_t *ws = t->wsum + (size_t) r * w;
      int32_t *est = t->est + (size_t) r * w * nm;
      if (cn == 1 && nm == 1) {
        for (int x = 0; x < w; x++) {
          uint32_t i = v[x] >> shift;
          int32_t wt = table[i < tlen ? i : tlen];
          ws[x] += wt;
          est[x] += wt * q[x];
        }
      } else {
        for (int x = 0; x < w; x++) {
          uint32_t i = v[x] >> shift;
          int32_t wt = table[i < tlen ? i : tlen];
          ws[x] += wt;
          for (int k = 0; k < nm; k++)
            est[x * nm + k] += wt * q[x * cn + t->ch[k]];
        }
      }
    }
  }
}

#if VFK_ONCE

VFK_DECLARE_VARIANTS (void, nlm_offset, (const VfkNlmTile * t, int dy, int dx));

void
vfk_nlmeans_dsp_init (VfkNlmeansDsp * dsp, unsigned flags)
{
  dsp->offset = nlm_offset_c;
  VFK_OVERRIDE (dsp, flags, offset, nlm_offset);
}

VFK_DSP_GETTER (VfkNlmeansDsp, nlmeans_dsp, vfk_nlmeans_dsp_init);

/* ---- weight table ------------------------------------------------------- */

struct VfkNlmeans
{
  int patch, search, channels, shift, tlen;
  int32_t *table;               /* tlen + 1 entries, the last 0 */
};

static int
nearest_pow2_shift (int v)
{
  int p = 0;
  while ((1 << p) < v)
    p++;
  return p;
}

VfkNlmeans *
vfk_nlmeans_new (float h, int patch, int search, int channels)
{
  VfkNlmeans *n;
  int tws2, max_dist, almost_max, fpm;
  double mult;
  float hh;

  if (patch < 1 || patch > VFK_NLMEANS_MAX_PATCH || !(patch & 1)
      || search < 1 || search > VFK_NLMEANS_MAX_SEARCH || !(search & 1)
      || channels < 1 || channels > 4 || !(h > 0.f) || !isfinite (h))
    return NULL;
  n = calloc (1, sizeof *n);
  if (!n)
    return NULL;
  n->patch = patch;
  n->search = search;
  n->channels = channels;
  tws2 = patch * patch;
  n->shift = nearest_pow2_shift (tws2);
  mult = (double) (1 << n->shift) / tws2;
  max_dist = 255 * 255 * channels;
  almost_max = (int) (max_dist / mult + 1);
  {
    long long m = (long long) search * search * 255;
    long long f = INT_MAX / m;
    fpm = (int) (f < INT_MAX ? f : INT_MAX);
  }
  /* h h cn in float, as OpenCV's float h */
  hh = h * h;
  hh = hh * (float) channels;
  n->table = malloc (sizeof (int32_t) * ((size_t) almost_max + 1));
  if (!n->table) {
    free (n);
    return NULL;
  }
  n->tlen = almost_max;
  for (int i = 0; i < almost_max; i++) {
    double dist = i * mult;
    double wd = exp (-dist / hh);
    int wt = (int) lrint (fpm * wd);
    if (wt < 0.001 * fpm)
      wt = 0;
    n->table[i] = wt;
    if (wt == 0) {
      /* the weights only fall: every later one is 0 too */
      n->tlen = i;
      break;
    }
  }
  n->table[n->tlen] = 0;
  return n;
}

void
vfk_nlmeans_free (VfkNlmeans * n)
{
  if (!n)
    return;
  free (n->table);
  free (n);
}

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
  const int pw = w + 2 * R;
  const size_t pstride = VFK_ALIGN ((size_t) pw * cn);
  const int tile = MIN (TILE, y1 - y0);
  const size_t pad_bytes = pstride * (tile + 2 * R);
  const size_t est_bytes = VFK_ALIGN (sizeof (int32_t) * tile * w * nm);
  const size_t ws_bytes = VFK_ALIGN (sizeof (int32_t) * tile * w);
  const size_t ring_bytes = VFK_ALIGN (sizeof (uint32_t) * w * n->patch);
  const size_t row_bytes = VFK_ALIGN (sizeof (uint32_t) * (w + n->patch + 1));
  uint8_t *mem = vfk_pool_scratch (job->pool, worker, VFK_ALIGN (pad_bytes)
      + est_bytes + ws_bytes + ring_bytes + 5 * row_bytes);
  VfkNlmTile t;

  if (!mem)
    return;                     /* the job reports the failure */
  uint8_t *pad = mem;
  t.pad = pad;
  t.pstride = (ptrdiff_t) pstride;
  t.est = (int32_t *) (mem + VFK_ALIGN (pad_bytes));
  t.wsum = (int32_t *) ((uint8_t *) t.est + est_bytes);
  t.ring = (uint32_t *) ((uint8_t *) t.wsum + ws_bytes);
  t.v = (uint32_t *) ((uint8_t *) t.ring + ring_bytes);
  t.hrow = (uint32_t *) ((uint8_t *) t.v + row_bytes);
  t.prefix = (uint32_t *) ((uint8_t *) t.hrow + row_bytes);
  t.sq = (uint32_t *) ((uint8_t *) t.prefix + row_bytes);
  t.table = n->table;
  t.tlen = n->tlen;
  t.shift = n->shift;
  t.tws = n->patch;
  t.twh = th;
  t.R = R;
  t.w = w;
  t.cn = cn;
  t.nm = nm;
  for (int k = 0; k < 4; k++)
    t.ch[k] = job->ch[k];

  for (int ty = y0; ty < y1; ty += tile) {
    const int rows = MIN (tile, y1 - ty);
    t.rows = rows;
    for (int j = 0; j < rows + 2 * R; j++)
      vfk_border_pad_row (pad + j * pstride, job->src, ty + job->oy - R + j,
          job->ox - R, pw, job->border, job->value);
    memset (t.est, 0, sizeof (int32_t) * rows * w * nm);
    memset (t.wsum, 0, sizeof (int32_t) * rows * w);
    for (int dy = -sh; dy <= sh; dy++)
      for (int dx = -sh; dx <= sh; dx++)
        dsp->offset (&t, dy, dx);
    for (int r = 0; r < rows; r++) {
      uint8_t *out = vfk_row (job->dst, ty + r);
      const int32_t *ws = t.wsum + (size_t) r * w;
      const int32_t *est = t.est + (size_t) r * w * nm;
      for (int x = 0; x < w; x++) {
        uint32_t W = (uint32_t) ws[x];
        for (int k = 0; k < nm; k++)
          out[x * cn + job->ch[k]] =
              (uint8_t) (((uint32_t) est[x * nm + k] + W / 2) / W);
      }
    }
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
