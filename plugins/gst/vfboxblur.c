/* vfboxblur: averaging filter with a cost independent of the kernel size.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * SECTION:element-vfboxblur
 * @title: vfboxblur
 *
 * Replaces every pixel by the mean of the kernel-width × kernel-height
 * window around it (cv2.blur), using running sums.  The mean is rounded
 * half up exactly; `rounding=opencv` reproduces cv2.blur of OpenCV 4.6 bit
 * for bit instead (it differs only on ties of even-area windows).
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 videotestsrc ! vfboxblur kernel-width=15 kernel-height=15 ! videoconvert ! autovideosink
 * ]|
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "vfelements.h"

VF_DEFINE_ELEMENT (VfBoxBlur, vf_box_blur, VF_TYPE_BOX_BLUR, vfboxblur,
    "box blur");
#define GST_CAT_DEFAULT vf_box_blur_debug

static const GEnumValue rounding_values[] = {
  {VFK_BOX_ROUND_HALF_UP, "Exact mean rounded half up", "half-up"},
  {VFK_BOX_ROUND_OPENCV, "Bit-identical to OpenCV 4.6 cv2.blur", "opencv"},
  {0, NULL, NULL},
};

typedef struct
{
  guint kw, kh;
  gint rounding;                /* a VfkBoxRounding */
} BoxParams;

static const VfParam box_params[] = {
  VF_PARAM_UINT_FIELD ("kernel-width", "Kernel width",
      "Window width in pixels (even allowed: anchor at k/2)", BoxParams, kw,
      1, VFK_MAX_KERNEL, 3, FALSE),
  VF_PARAM_UINT_FIELD ("kernel-height", "Kernel height",
      "Window height in pixels (even allowed: anchor at k/2)", BoxParams, kh,
      1, VFK_MAX_KERNEL, 3, FALSE),
  VF_PARAM_ENUM_FIELD ("rounding", "Rounding", "How the mean is rounded",
      BoxParams, rounding, "VfBoxRounding", rounding_values,
      VFK_BOX_ROUND_HALF_UP),
};

static void
box_extent (gconstpointer params, VfExtent * e)
{
  const BoxParams *p = params;
  vf_extent_centred (e, p->kw, p->kh);
}

static gboolean
box_filter_plane (VfFilter * self, const VfSnapshot * snap,
    const VfPlane * pl, VfkPool * pool)
{
  const BoxParams *p = snap->params;
  return vfk_box (pool, pl->src, pl->dst, pl->ox, pl->oy, pl->border,
      pl->border_value, p->kw, p->kh, (VfkBoxRounding) p->rounding) == 0;
}

static const VfElementInfo box_info = {
  .longname = "Box blur",
  .description = "Averaging filter (cv2.blur) in "
      "constant time per pixel, with every border policy",
  .default_border = VF_BORDER_REFLECT,
  .params_size = sizeof (BoxParams),
  .derived_offset = sizeof (BoxParams),
  .params = box_params,
  .n_params = G_N_ELEMENTS (box_params),
  .extent = box_extent,
  .filter_plane = box_filter_plane,
};

VF_ELEMENT_CLASS_INIT (VfBoxBlur, vf_box_blur, box_info);
