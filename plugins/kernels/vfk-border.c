/* The one border module: every filter gets its out-of-frame pixels here.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>

#include "vfk.h"
#include "vfk-private.h"

int
vfk_border_index (int p, int n, VfkBorder border)
{
  if ((unsigned) p < (unsigned) n)
    return p;

  switch (border) {
    case VFK_BORDER_CONSTANT:
      return -1;
    case VFK_BORDER_REPLICATE:
    case VFK_BORDER_VALID:     /* only reached for subsampled planes */
      return p < 0 ? 0 : n - 1;
    case VFK_BORDER_REFLECT:{
      /* c b | a b c d e | d c : period 2(n-1), edge pixel not repeated */
      if (n == 1)
        return 0;
      int period = 2 * (n - 1);
      int q = p % period;
      if (q < 0)
        q += period;
      return q < n ? q : period - q;
    }
    case VFK_BORDER_SYMMETRIC:{
      /* b a | a b c d e | e d : period 2n, edge pixel repeated */
      int period = 2 * n;
      int q = p % period;
      if (q < 0)
        q += period;
      return q < n ? q : period - 1 - q;
    }
    case VFK_BORDER_WRAP:{
      int q = p % n;
      return q < 0 ? q + n : q;
    }
  }
  return -1;
}

/* one out-of-frame pixel: sample i of the row, or the constant (i < 0).
 * Fixed-size copies for the usual channel counts: a libc call per pixel
 * of a 22-pixel margin cost a 45x45 box 8 % of its time */
static inline void
border_px (uint8_t * dst, const uint8_t * src_row, int i, int channels,
    uint8_t value)
{
  const uint8_t *p = src_row + (size_t) (i < 0 ? 0 : i) * channels;
  switch (channels) {
    case 1:
      dst[0] = i < 0 ? value : p[0];
      return;
    case 3:
      if (i >= 0) {
        memcpy (dst, p, 3);
        return;
      }
      break;
    case 4:
      if (i >= 0) {
        memcpy (dst, p, 4);
        return;
      }
      break;
  }
  if (i < 0)
    memset (dst, value, channels);
  else
    memcpy (dst, p, channels);
}

/* The out-of-frame pixels [p0, p0 + m) of one side of a row (all left of
 * the frame or all right of it): the constant, or where the policy's index
 * is linear in the position there, i = i0 + d (p - p0): replicate (d = 0),
 * reflect and symmetric (d = -1) and wrap (d = +1) within one period of
 * the edge.
 * Returns 0 when it is not (a margin wider than the row), for the caller to
 * ask pixel by pixel: a division per pixel of a 75-pixel margin had the
 * fast Gaussian at sigma 50 spend 40 % of its time here. */
static int
fill_linear (uint8_t * dst, const uint8_t * src_row, int n, int cn, int p0,
    int m, VfkBorder border, uint8_t value)
{
  const int left = p0 < 0, far = left ? -p0 : p0 + m - n;
  int i0, d;
  switch (border) {
    case VFK_BORDER_CONSTANT:
      memset (dst, value, (size_t) m * cn);
      return 1;
    case VFK_BORDER_REPLICATE:
    case VFK_BORDER_VALID:
      i0 = left ? 0 : n - 1;
      d = 0;
      break;
    case VFK_BORDER_REFLECT:
      if (far > n - 1)
        return 0;
      i0 = left ? -p0 : 2 * (n - 1) - p0;
      d = -1;
      break;
    case VFK_BORDER_SYMMETRIC:
      if (far > n)
        return 0;
      i0 = left ? -p0 - 1 : 2 * n - 1 - p0;
      d = -1;
      break;
    case VFK_BORDER_WRAP:
      if (far > n)
        return 0;
      memcpy (dst, src_row + (size_t) (left ? p0 + n : p0 - n) * cn,
          (size_t) m * cn);
      return 1;
    default:
      return 0;
  }
  for (int k = 0; k < m; k++)
    border_px (dst + (size_t) k * cn, src_row, i0 + d * k, cn, 0);
  return 1;
}

void
vfk_border_fill_row (uint8_t * dst, const uint8_t * src_row, int width,
    int channels, int start, int count, VfkBorder border, uint8_t value)
{
  const int nl = MIN (count, MAX (0, -start));
  int k = 0;

  /* left of the frame */
  if (nl && fill_linear (dst, src_row, width, channels, start, nl, border,
          value))
    k = nl;
  for (; k < count && start + k < 0; k++)
    border_px (dst + (size_t) k * channels, src_row, vfk_border_index (start
            + k, width, border), channels, value);
  /* inside: one copy */
  if (k < count && start + k < width) {
    int n = width - (start + k);
    if (n > count - k)
      n = count - k;
    memcpy (dst + (size_t) k * channels,
        src_row + (size_t) (start + k) * channels, (size_t) n * channels);
    k += n;
  }
  /* right of the frame */
  if (k < count && fill_linear (dst + (size_t) k * channels, src_row, width,
          channels, start + k, count - k, border, value))
    return;
  for (; k < count; k++)
    border_px (dst + (size_t) k * channels, src_row, vfk_border_index (start
            + k, width, border), channels, value);
}

void
vfk_border_pad_row (uint8_t * dst, const VfkImage * src, int row, int start,
    int count, VfkBorder border, uint8_t value)
{
  vfk_prefetch_row (src, row + VFK_PREFETCH_ROWS,
      (size_t) src->width * src->channels);
  vfk_border_pad_row_noprefetch (dst, src, row, start, count, border, value);
}

void
vfk_border_pad_row_noprefetch (uint8_t * dst, const VfkImage * src, int row,
    int start, int count, VfkBorder border, uint8_t value)
{
  int r = vfk_border_index (row, src->height, border);
  if (r < 0)
    memset (dst, value, (size_t) count * src->channels);
  else
    vfk_border_fill_row (dst, src->data + (ptrdiff_t) r * src->stride,
        src->width, src->channels, start, count, border, value);
}

void
vfk_border_split (int width, int start, int count, int n[3])
{
  n[0] = MIN (count, MAX (0, -start));
  n[1] = MAX (0, MIN (count - n[0], width - (start + n[0])));
  n[2] = count - n[0] - n[1];
}

void
vfk_border_row_runs (VfkRowRuns * runs, uint8_t * dst, const VfkImage * src,
    int row, int start, int count, VfkBorder border, uint8_t value)
{
  vfk_prefetch_row (src, row + VFK_PREFETCH_ROWS,
      (size_t) src->width * src->channels);
  vfk_border_row_runs_noprefetch (runs, dst, src, row, start, count, border,
      value);
}

void
vfk_border_row_runs_noprefetch (VfkRowRuns * runs, uint8_t * dst,
    const VfkImage * src, int row, int start, int count, VfkBorder border,
    uint8_t value)
{
  const int cn = src->channels, r = vfk_border_index (row, src->height,
      border);

  vfk_border_split (src->width, start, count, runs->n);
  const int left = runs->n[0], mid = runs->n[1], right = runs->n[2];
  runs->p[0] = dst;
  runs->p[1] = dst + (size_t) left *cn;
  runs->p[2] = dst + (size_t) (left + mid) * cn;
  if (r < 0) {
    memset (dst, value, (size_t) count * cn);
    return;
  }
  {
    const uint8_t *srow = src->data + (ptrdiff_t) r * src->stride;
    vfk_border_fill_row (dst, srow, src->width, cn, start, left, border, value);
    if (mid)
      runs->p[1] = srow + (size_t) (start + left) * cn;
    vfk_border_fill_row (dst + (size_t) (left + mid) * cn, srow, src->width,
        cn, start + left + mid, right, border, value);
  }
}

int
vfk_border_col_map (int *map, int width, int start, int count, VfkBorder border)
{
  int n[3];
  vfk_border_split (width, start, count, n);
  const int left = n[0], mid = n[1], right = n[2];

  for (int k = 0; k < left + right; k++) {
    const int c = start + (k < left ? k : mid + k);
    const int i = vfk_border_index (c, width, border);
    if (i < 0) {
      map[k] = -1;
      continue;
    }
    map[k] = i - start;
    if (map[k] < left || map[k] >= left + mid)
      return 0;
  }
  return 1;
}

void
vfk_border_col_sums (void *col, const int *map, const int n[3], int cn,
    uint32_t fill, int c16)
{
  uint16_t *c16p = col;
  uint32_t *c32p = col;
  for (int k = 0; k < n[0] + n[2]; k++) {
    const size_t d = (size_t) (k < n[0] ? k : n[1] + k) * cn;
    const size_t m = (size_t) map[k] * cn;
    for (int c = 0; c < cn; c++) {
      if (c16)
        c16p[d + c] = (uint16_t) (map[k] < 0 ? fill : c16p[m + c]);
      else
        c32p[d + c] = map[k] < 0 ? fill : c32p[m + c];
    }
  }
}
