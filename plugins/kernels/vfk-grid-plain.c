/* The fast Gaussian's side of the grid engine (vfk-grid.c): the plain
 * splat's column sums and the plain read-back, per CPU level.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>

#include "vfk-dsp.h"
#include "vfk-grid.h"
#include "vfk-private.h"

typedef VfkGridJob GridJob;

/* The plain splat's column sums of grid row j without padding a row: the
 * sy rows' frame columns summed in place, then the border columns' sums
 * copied (vfk_border_col_sums; sy * value under CONSTANT), as the box
 * does.  Padding every row cost the fast
 * Gaussian at sigma 50 a third of its time: its margins are 8 cells of 25
 * pixels a side.  0 when the map does not apply (a margin wider than the
 * frame): the caller pads. */
int
grid_plain_col_sums (const GridJob * job, uint32_t * restrict col, int j,
    int x0, int count, int cn)
{
  const VfkImage *src = job->src;
  const int sy = job->ay.s;
  int n[3];
  vfk_border_split (src->width, x0, count, n);
  int map[n[0] + n[2] + 1];
  if (!vfk_border_col_map (map, src->width, x0, count, job->border))
    return 0;
  const int left = n[0], mid = n[1];
  uint32_t *restrict inside = col + (size_t) left * cn;
  for (int q = 0; q < sy; q++) {
    const int r = vfk_border_index (job->oy + (j - job->ay.G) * sy + q,
        src->height, job->border);
    if (r < 0) {
      for (int e = 0; e < mid * cn; e++)
        inside[e] += job->value;
      continue;
    }
    const uint8_t *restrict p = vfk_row (src, r) + (size_t) (x0 + left) * cn;
    vfk_prefetch_row (src, r + VFK_PREFETCH_ROWS, (size_t) src->width * cn);
    for (int e = 0; e < mid * cn; e++)
      inside[e] += p[e];
  }
  vfk_border_col_sums (col, map, n, cn, (uint32_t) sy * job->value, 0);
  return 1;
}

/* The Gaussian's smoothed grid row s interpolated horizontally, once per
 * grid row: sample m reads cell sample idx[m] and the next cell's at
 * fraction fm[m] (a gather per sample: done per output row, where it was
 * before, it took half the fast Gaussian's time at sigma 50). */
#define expand_plain_row VFK_FN (expand_plain_row)
void
expand_plain_row (const GridJob * job, const float *restrict s,
    const int *restrict idx, const float *restrict fm, float *restrict h)
{
  const int cn = job->cn, m1 = job->dst->width * cn;
  for (int m = 0; m < m1; m++)
    h[m] = s[idx[m]] + fm[m] * (s[idx[m] + cn] - s[idx[m]]);
}

/* The Gaussian's output row: two expanded rows interpolated vertically. */
#define slice_plain_row VFK_FN (slice_plain_row)
void
slice_plain_row (const GridJob * job, int y, const float *restrict a,
    const float *restrict b, float fy)
{
  const int m1 = job->dst->width * job->cn;
  uint8_t *restrict out = vfk_row (job->dst, y);
  for (int m = 0; m < m1; m++) {
    const float t = a[m] + fy * (b[m] - a[m]) + 0.5f;
    out[m] = t <= 0.f ? 0 : t >= 255.f ? 255 : (uint8_t) t;
  }
}
