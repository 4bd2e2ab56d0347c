/* Non-local means, the parts compiled once: OpenCV's integer weight
 * table, and the frame cut into bands and tiles for the hot loops of
 * vfk-nlmeans.c (the formulas are at its top).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vfk-dsp.h"
#include "vfk-private.h"

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
  {
    /* keep what is used: the weights end long before the worst distance
     * (up to 195,076 entries for three channels) */
    int32_t *fit = realloc (n->table, sizeof (int32_t) * ((size_t) n->tlen +
            1));
    if (fit)
      n->table = fit;
  }
  for (int i = 0; i < 64; i++)
    n->table64[i] = i < n->tlen ? n->table[i] : 0;
  /* 17 bits at most: fpm < 2^17 from search 11 on */
  if (fpm < (1 << 17) && n->tlen < 1024) {
    n->blocks16 = n->tlen / 64 + 1;
    for (int i = 0; i < 1024; i++)
      n->table16[i] = (uint16_t) (i < n->tlen ? n->table[i] & 0xffff : 0);
    while (n->big16 < n->tlen && n->table[n->big16] >= 65536)
      n->big16++;
  }
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

/* ---- the per-CPU entries ---------------------------------------------------- */

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
  /* sums rows of whole 32-pixel blocks; rows of column sums and weights
   * with room for the narrow path's whole vectors; the padded source
   * with room for its reads past a row's end */
  const size_t ss = (size_t) (w + 31) & ~(size_t) 31;
  const size_t est_bytes = VFK_ALIGN (sizeof (int32_t) * tile * ss * nm);
  const size_t ws_bytes = VFK_ALIGN (sizeof (int32_t) * tile * ss);
  const size_t row_bytes = VFK_ALIGN (sizeof (uint32_t) * (ss + n->search +
          n->patch + 64));
  const size_t rows_bytes = (2 + 2 * VFK_NLM_BATCH) * row_bytes;
  uint8_t *mem = vfk_pool_scratch (job->pool, worker, VFK_ALIGN (pad_bytes
          + 64) + est_bytes + ws_bytes + rows_bytes);
  VfkNlmTile t;

  if (!mem)
    return;                     /* the job reports the failure */
  uint8_t *pad = mem;
  t.pad = pad;
  t.pstride = (ptrdiff_t) pstride;
  t.est = (int32_t *) (mem + VFK_ALIGN (pad_bytes + 64));
  t.sstride = ss;
  t.wsum = (int32_t *) ((uint8_t *) t.est + est_bytes);
  t.row_len = row_bytes / sizeof (uint32_t);
  t.col = (uint32_t *) ((uint8_t *) t.wsum + ws_bytes);
  t.weights = (int32_t *) (t.col + t.row_len * VFK_NLM_BATCH);
  t.dist = (uint32_t *) (t.weights + t.row_len * VFK_NLM_BATCH);
  t.prefix = t.dist + t.row_len;
  /* past their ends the narrow path reads what it ignores: defined */
  memset (t.col, 0, rows_bytes);
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
  /* one channel, every weight within 16 bits (searches from 13 on) */
  t.narrow = cn == 1 && n->blocks16 && n->big16 == 0;
  t.sat16 = n->tlen <= (65535 >> n->shift);

  for (int i = 0; i < nt; i++) {
    const int ty = y0 + (y1 - y0) * i / nt;
    const int rows = y0 + (y1 - y0) * (i + 1) / nt - ty;
    t.rows = rows;
    for (int j = 0; j < rows + 2 * R; j++)
      vfk_border_pad_row (pad + j * pstride, job->src, ty + job->oy - R + j,
          job->ox - C, pw, job->border, job->value);
    memset (t.est, 0, sizeof (int32_t) * rows * ss * nm);
    memset (t.wsum, 0, sizeof (int32_t) * rows * ss);
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
