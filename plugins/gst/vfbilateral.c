/* vfbilateral: edge-preserving bilateral filter.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * SECTION:element-vfbilateral
 * @title: vfbilateral
 *
 * Edge-preserving smoothing with the semantics of cv2.bilateralFilter:
 * a circular window of `diameter` pixels (<= 0: derived from sigma-space
 * as OpenCV does, radius = round(1.5 sigma-space)), Gaussian space weights
 * of `sigma-space`, Gaussian range weights of `sigma-color` applied to the
 * sum of the per-channel absolute differences.  `mode=exact` is within +-1
 * of cv2.bilateralFilter.  `mode=fast` costs the same per pixel whatever
 * the diameter: range-binned bilateral (Yang, Tan & Ahuja) on a grid of
 * cells about sigma wide; for colour its range value is two numbers (the
 * sum of the colour channels, and the difference of the first and the
 * last), its space weights a Gaussian of the window's spread; PSNR >= 40
 * dB against `exact` on camera pictures.  Up to diameter 9 it runs `exact`,
 * which costs less there.  Alpha and padding bytes neither count in the
 * colour distance nor get filtered.  For YUV formats the range distance is
 * that of the luma plane (at each plane's resolution) and those weights
 * filter every plane; `distance=luma` gives RGB-like formats the same
 * (the BT.601 luma of R, G and B guides the weights; sigma-color is then
 * in luma levels): YUV and RGB input alike, and `mode=fast` on RGB about
 * as cheap as on a luma plane.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 videotestsrc ! vfbilateral diameter=9 sigma-color=75 sigma-space=75 ! videoconvert ! autovideosink
 * ]|
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "vfelements.h"

VF_DEFINE_ELEMENT (VfBilateral, vf_bilateral, VF_TYPE_BILATERAL, vfbilateral,
    "bilateral filter");
#define GST_CAT_DEFAULT vf_bilateral_debug

typedef enum
{
  VF_BILATERAL_MODE_EXACT = 0,
  VF_BILATERAL_MODE_FAST = 1,
} VfBilateralMode;

static const GEnumValue mode_values[] = {
  {VF_BILATERAL_MODE_EXACT, "OpenCV bilateralFilter semantics, within +-1",
      "exact"},
  {VF_BILATERAL_MODE_FAST, "Constant time per pixel whatever the diameter "
        "(range-binned on a subsampled grid), PSNR >= 40 dB against exact",
      "fast"},
  {0, NULL, NULL},
};

typedef enum
{
  VF_BILATERAL_DISTANCE_COLOR = 0,
  VF_BILATERAL_DISTANCE_LUMA = 1,
} VfBilateralDistance;

static const GEnumValue distance_values[] = {
  {VF_BILATERAL_DISTANCE_COLOR, "Sum of the per-channel absolute "
        "differences (OpenCV)", "color"},
  {VF_BILATERAL_DISTANCE_LUMA, "Difference of the luma only, as YUV formats "
        "get it (RGB-like formats: BT.601 luma of R, G, B; sigma-color in "
        "luma levels)", "luma"},
  {0, NULL, NULL},
};

typedef struct
{
  gint diameter;
  gdouble sigma_color, sigma_space;
  gint mode;                    /* a VfBilateralMode */
  gint distance;                /* a VfBilateralDistance */
  VfkBilateral *tables;         /* made by prepare */
} BilateralParams;

#define MAX_SIGMA_SPACE 84.0    /* radius round(1.5 sigma) <= 127 */

static const VfParam bilateral_params[] = {
  VF_PARAM_INT_FIELD ("diameter", "Diameter",
      "Window diameter in pixels; <= 0: derived from sigma-space "
      "(radius = round(1.5 sigma-space))", BilateralParams, diameter, -1,
      255, 9, FALSE),
  VF_PARAM_DOUBLE_FIELD ("sigma-color", "Sigma colour",
      "Range sigma in intensity levels (<= 0 acts as 1)", BilateralParams,
      sigma_color, 0, 10000, 75, TRUE),
  VF_PARAM_DOUBLE_FIELD ("sigma-space", "Sigma space",
      "Space sigma in pixels (<= 0 acts as 1)", BilateralParams, sigma_space,
      0, 10000, 75, TRUE),
  VF_PARAM_ENUM_FIELD ("mode", "Mode", "Algorithm", BilateralParams, mode,
      "VfBilateralMode", mode_values, VF_BILATERAL_MODE_EXACT),
  VF_PARAM_ENUM_FIELD ("distance", "Distance", "What the range weights "
      "measure", BilateralParams, distance, "VfBilateralDistance",
      distance_values, VF_BILATERAL_DISTANCE_COLOR),
};

static void
bilateral_params_clear (gpointer params)
{
  BilateralParams *p = params;
  g_clear_pointer (&p->tables, vfk_bilateral_free);
}

static gboolean
bilateral_prepare (VfFilter * self, gpointer params, GError ** error)
{
  BilateralParams *p = params;
  if (p->diameter <= 0 && p->sigma_space > MAX_SIGMA_SPACE) {
    g_set_error (error, VF_FILTER_ERROR, 0,
        "sigma-space '%g' with diameter '%d' gives a window over 255 pixels; "
        "expected sigma-space <= %g or a diameter (vfbilateral)",
        p->sigma_space, p->diameter, MAX_SIGMA_SPACE);
    return FALSE;
  }
  p->tables = vfk_bilateral_new (p->diameter, p->sigma_color, p->sigma_space);
  if (!p->tables) {
    g_set_error (error, VF_FILTER_ERROR, 0, "out of memory for the weight "
        "tables of diameter '%d' (vfbilateral)", p->diameter);
    return FALSE;
  }
  return TRUE;
}

static void
bilateral_extent (gconstpointer params, VfExtent * e)
{
  const BilateralParams *p = params;
  gint r = vfk_bilateral_radius (p->diameter, p->sigma_space);
  vf_extent_centred (e, 2 * r + 1, 2 * r + 1);
}

static gboolean
bilateral_filter_plane (VfFilter * self, const VfSnapshot * snap,
    const VfPlane * pl, VfkPool * pool)
{
  const BilateralParams *p = snap->params;
  if (p->distance == VF_BILATERAL_DISTANCE_LUMA && pl->rgb[0] >= 0)
    return vfk_bilateral_luma (pool, pl->src, pl->dst, pl->ox, pl->oy,
        pl->border, pl->border_value, pl->color_mask, pl->rgb,
        p->mode == VF_BILATERAL_MODE_FAST, p->tables) == 0;
  if (p->mode == VF_BILATERAL_MODE_FAST)
    return vfk_bilateral_fast (pool, pl->src, pl->guide, pl->dst, pl->ox,
        pl->oy, pl->border, pl->border_value, pl->color_mask, p->tables) == 0;
  return vfk_bilateral_exact (pool, pl->src, pl->guide, pl->dst, pl->ox, pl->oy,
      pl->border, pl->border_value, pl->color_mask, p->tables) == 0;
}

static const VfElementInfo bilateral_info = {
  .longname = "Bilateral filter",
  .description = "Edge-preserving smoothing with the semantics of "
      "cv2.bilateralFilter, with every border policy",
  .default_border = VF_BORDER_REFLECT,
  .params_size = sizeof (BilateralParams),
  .derived_offset = offsetof (BilateralParams, tables),
  .params = bilateral_params,
  .n_params = G_N_ELEMENTS (bilateral_params),
  .params_clear = bilateral_params_clear,
  .prepare = bilateral_prepare,
  .extent = bilateral_extent,
  .filter_plane = bilateral_filter_plane,
};

VF_ELEMENT_CLASS_INIT (VfBilateral, vf_bilateral, bilateral_info);
