/* vfmedian: exact median filter, constant time per pixel.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * SECTION:element-vfmedian
 * @title: vfmedian
 *
 * Replaces every pixel by the median of the odd kernel-width ×
 * kernel-height window around it (cv2.medianBlur for square windows),
 * exactly, for windows from 1×1 to 255×255.  Square windows up to 11×11 run
 * sorting networks; larger ones cost the same per pixel whatever their
 * size.  The default border is `replicate`, like cv2.medianBlur.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 videotestsrc ! vfmedian kernel-width=15 kernel-height=15 ! videoconvert ! autovideosink
 * ]|
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "vfelements.h"

VF_DEFINE_ELEMENT (VfMedian, vf_median, VF_TYPE_MEDIAN, vfmedian, "median");
#define GST_CAT_DEFAULT vf_median_debug

typedef struct
{
  guint kw, kh;
} MedianParams;

static const VfParam median_params[] = {
  VF_PARAM_UINT_FIELD ("kernel-width", "Kernel width",
      "Odd window width in pixels", MedianParams, kw, 1, VFK_MEDIAN_MAX, 3,
      FALSE),
  VF_PARAM_UINT_FIELD ("kernel-height", "Kernel height",
      "Odd window height in pixels", MedianParams, kh, 1, VFK_MEDIAN_MAX, 3,
      FALSE),
};

static gboolean
median_prepare (VfFilter * self, gpointer params, GError ** error)
{
  const MedianParams *p = params;
  const gchar *name = p->kw % 2 == 0 ? "kernel-width" : "kernel-height";
  guint k = p->kw % 2 == 0 ? p->kw : p->kh;

  if (k % 2 == 0) {
    g_set_error (error, VF_FILTER_ERROR, 0, "%s '%u' must be odd (vfmedian)",
        name, k);
    return FALSE;
  }
  return TRUE;
}

static void
median_extent (gconstpointer params, VfExtent * e)
{
  const MedianParams *p = params;
  vf_extent_centred (e, p->kw, p->kh);
}

static gboolean
median_filter_plane (VfFilter * self, const VfSnapshot * snap,
    const VfPlane * pl, VfkPool * pool)
{
  const MedianParams *p = snap->params;
  return vfk_median (pool, pl->src, pl->dst, pl->ox, pl->oy, pl->border,
      pl->border_value, p->kw, p->kh) == 0;
}

static const VfElementInfo median_info = {
  .longname = "Median",
  .description = "Exact median filter "
      "(cv2.medianBlur) up to 255x255 in constant time per pixel, with every "
      "border policy",
  .default_border = VF_BORDER_REPLICATE,
  .params_size = sizeof (MedianParams),
  .derived_offset = sizeof (MedianParams),
  .params = median_params,
  .n_params = G_N_ELEMENTS (median_params),
  .prepare = median_prepare,
  .extent = median_extent,
  .filter_plane = median_filter_plane,
};

VF_ELEMENT_CLASS_INIT (VfMedian, vf_median, median_info);
