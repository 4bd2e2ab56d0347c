/* Packed 4:2:2 (YUY2, UYVY, YVYU) seen as three planes, as Y42B is.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A row is made of 4-byte macropixels holding two luma samples and one
 * sample of each chroma; the filters need each component as a plane of its
 * own (every kernel walks interleaved channels of one pixel, and the two
 * chromas alternate), so the frame is split into three planes, filtered as
 * a 4:2:2 planar frame is, and merged back.  One pass each way: about a
 * millisecond per 720p frame, small beside any filter. */
#include "vfk.h"

size_t
vfk_planes_422 (uint8_t * mem, int width, int height, VfkImage planes[3])
{
  size_t at = 0;
  for (int p = 0; p < 3; p++) {
    planes[p].width = p ? (width + 1) / 2 : width;
    planes[p].height = height;
    planes[p].channels = 1;
    planes[p].stride = (planes[p].width + 63) & ~63;
    planes[p].data = mem ? mem + at : NULL;
    at += (size_t) planes[p].stride * height;
  }
  return at;
}

void
vfk_unpack_422 (const uint8_t * src, ptrdiff_t stride, int width, int height,
    const int offsets[3], VfkImage planes[3])
{
  const int cw = (width + 1) / 2;
  const int oy = offsets[0], ou = offsets[1], ov = offsets[2];

  for (int y = 0; y < height; y++) {
    const uint8_t *s = src + y * stride;
    uint8_t *py = planes[0].data + y * planes[0].stride;
    uint8_t *pu = planes[1].data + y * planes[1].stride;
    uint8_t *pv = planes[2].data + y * planes[2].stride;
    for (int x = 0; x < width / 2; x++) {
      py[2 * x] = s[4 * x + oy];
      py[2 * x + 1] = s[4 * x + oy + 2];
      pu[x] = s[4 * x + ou];
      pv[x] = s[4 * x + ov];
    }
    if (width & 1) {
      py[width - 1] = s[4 * (cw - 1) + oy];
      pu[cw - 1] = s[4 * (cw - 1) + ou];
      pv[cw - 1] = s[4 * (cw - 1) + ov];
    }
  }
}

void
vfk_pack_422 (const VfkImage planes[3], const int offsets[3], uint8_t * dst,
    ptrdiff_t stride, int width, int height)
{
  const int cw = (width + 1) / 2;
  const int oy = offsets[0], ou = offsets[1], ov = offsets[2];

  for (int y = 0; y < height; y++) {
    uint8_t *d = dst + y * stride;
    const uint8_t *py = planes[0].data + y * planes[0].stride;
    const uint8_t *pu = planes[1].data + y * planes[1].stride;
    const uint8_t *pv = planes[2].data + y * planes[2].stride;
    for (int x = 0; x < width / 2; x++) {
      d[4 * x + oy] = py[2 * x];
      d[4 * x + oy + 2] = py[2 * x + 1];
      d[4 * x + ou] = pu[x];
      d[4 * x + ov] = pv[x];
    }
    if (width & 1) {
      /* the last macropixel's second luma is padding: a copy of the first */
      d[4 * (cw - 1) + oy] = d[4 * (cw - 1) + oy + 2] = py[width - 1];
      d[4 * (cw - 1) + ou] = pu[cw - 1];
      d[4 * (cw - 1) + ov] = pv[cw - 1];
    }
  }
}
