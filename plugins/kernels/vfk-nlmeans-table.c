/* Non-local means: OpenCV's integer weight table (the formulas are at
 * the top of vfk-nlmeans.c).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <limits.h>
#include <math.h>
#include <stdlib.h>

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
