/* vfgaussianblur: Gaussian blur, bit-identical to OpenCV 4.6.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * SECTION:element-vfgaussianblur
 * @title: vfgaussianblur
 *
 * Gaussian smoothing with the semantics of cv2.GaussianBlur: a kernel size
 * of 0 is derived from sigma (round(6 sigma + 1), made odd), a sigma of 0
 * from the size (0.3 ((k - 1) / 2 - 1) + 0.8).  With every size and sigma
 * left at 0 the element behaves as cv2.GaussianBlur(img, (5, 5), 0).  When
 * only one dimension has neither size nor sigma, it takes the other's size.
 *
 * `mode=exact` output is bit-identical to OpenCV 4.6 on 8-bit frames.
 * `mode=fast` costs about the same whatever sigma is and never more than
 * `exact`: OpenCV's exact windows where they are short (up to sigma 5.5),
 * the Gaussian computed on a grid of cells sigma/2 wide and read back
 * bilinearly from sigma 6 on, Deriche's recursive Gaussian for a small
 * sigma with a very long other axis; it stays above 50 dB PSNR against a
 * float64 Gaussian.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 videotestsrc ! vfgaussianblur sigma=10 ! videoconvert ! autovideosink
 * gst-launch-1.0 videotestsrc ! vfgaussianblur kernel-width=15 kernel-height=15 ! videoconvert ! autovideosink
 * ]|
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "vfelements.h"

VF_DEFINE_ELEMENT (VfGaussianBlur, vf_gaussian_blur, VF_TYPE_GAUSSIAN_BLUR,
    vfgaussianblur, "Gaussian blur");
#define GST_CAT_DEFAULT vf_gaussian_blur_debug

typedef enum
{
  VF_GAUSSIAN_MODE_EXACT = 0,
  VF_GAUSSIAN_MODE_FAST = 1,
} VfGaussianMode;

static const GEnumValue mode_values[] = {
  {VF_GAUSSIAN_MODE_EXACT, "Bit-identical to OpenCV 4.6 GaussianBlur",
      "exact"},
  {VF_GAUSSIAN_MODE_FAST, "Cost independent of sigma (exact windows up to "
        "sigma 5.5, then a grid or a recursion), PSNR >= 50 dB against a "
        "float64 Gaussian",
      "fast"},
  {0, NULL, NULL},
};

typedef struct
{
  /* as set */
  guint kw, kh;
  gdouble sigma, sigma_y;
  gint mode;                    /* a VfGaussianMode */
  /* resolved by prepare */
  gint rkw, rkh;
  gdouble rsx, rsy;
} GaussParams;

/* sigma above this gives kernels over VFK_MAX_KERNEL pixels */
#define MAX_SIGMA 170.0

static const VfParam gauss_params[] = {
  VF_PARAM_UINT_FIELD ("kernel-width", "Kernel width",
      "Odd kernel width, 0 = derived from sigma", GaussParams, kw, 0,
      VFK_MAX_KERNEL, 0, FALSE),
  VF_PARAM_UINT_FIELD ("kernel-height", "Kernel height",
      "Odd kernel height, 0 = derived from sigma-y", GaussParams, kh, 0,
      VFK_MAX_KERNEL, 0, FALSE),
  VF_PARAM_DOUBLE_FIELD ("sigma", "Sigma",
      "Horizontal standard deviation in pixels, 0 = derived from the size",
      GaussParams, sigma, 0, MAX_SIGMA, 0, TRUE),
  VF_PARAM_DOUBLE_FIELD ("sigma-y", "Sigma Y",
      "Vertical standard deviation, 0 = same as sigma", GaussParams, sigma_y,
      0, MAX_SIGMA, 0, TRUE),
  VF_PARAM_ENUM_FIELD ("mode", "Mode", "Algorithm", GaussParams, mode,
      "VfGaussianMode", mode_values, VF_GAUSSIAN_MODE_EXACT),
};

static gboolean
gauss_prepare (VfFilter * self, gpointer params, GError ** error)
{
  GaussParams *p = params;
  gdouble sx = p->sigma, sy = p->sigma_y > 0 ? p->sigma_y : p->sigma;
  gint kw, kh;

  if ((p->kw != 0 && p->kw % 2 == 0) || (p->kh != 0 && p->kh % 2 == 0)) {
    gboolean w = p->kw != 0 && p->kw % 2 == 0;
    g_set_error (error, VF_FILTER_ERROR, 0, "%s '%u' must be odd, or 0 to "
        "derive it from sigma (vfgaussianblur)",
        w ? "kernel-width" : "kernel-height", w ? p->kw : p->kh);
    return FALSE;
  }
  kw = vfk_gauss_resolve_size (p->kw, sx);
  kh = vfk_gauss_resolve_size (p->kh, sy);
  if (kw <= 0 && kh <= 0)
    kw = kh = 5;                /* cv2.GaussianBlur(img, (5, 5), 0) */
  else if (kw <= 0)
    kw = kh;
  else if (kh <= 0)
    kh = kw;
  p->rkw = kw;
  p->rkh = kh;
  p->rsx = sx;
  p->rsy = sy;
  return TRUE;
}

static void
gauss_extent (gconstpointer params, VfExtent * e)
{
  const GaussParams *p = params;
  vf_extent_centred (e, p->rkw, p->rkh);
}

static gboolean
gauss_filter_plane (VfFilter * self, const VfSnapshot * snap,
    const VfPlane * pl, VfkPool * pool)
{
  const GaussParams *p = snap->params;
  if (p->mode == VF_GAUSSIAN_MODE_FAST) {
    /* sigma 0 derived from the size as OpenCV does */
    gdouble sx = p->rsx > 0 ? p->rsx : 0.3 * ((p->rkw - 1) * 0.5 - 1) + 0.8;
    gdouble sy = p->rsy > 0 ? p->rsy : 0.3 * ((p->rkh - 1) * 0.5 - 1) + 0.8;
    return vfk_gauss_fast (pool, pl->src, pl->dst, pl->ox, pl->oy, pl->border,
        pl->border_value, sx, sy) == 0;
  }
  return vfk_gauss_exact (pool, pl->src, pl->dst, pl->ox, pl->oy, pl->border,
      pl->border_value, p->rkw, p->rkh, p->rsx, p->rsy) == 0;
}

static const VfElementInfo gauss_info = {
  .longname = "Gaussian blur",
  .description = "Gaussian smoothing bit-identical to OpenCV 4.6 GaussianBlur, "
      "with every border policy",
  .default_border = VF_BORDER_REFLECT,
  .params_size = sizeof (GaussParams),
  .derived_offset = offsetof (GaussParams, rkw),
  .params = gauss_params,
  .n_params = G_N_ELEMENTS (gauss_params),
  .prepare = gauss_prepare,
  .extent = gauss_extent,
  .filter_plane = gauss_filter_plane,
};

VF_ELEMENT_CLASS_INIT (VfGaussianBlur, vf_gaussian_blur, gauss_info);
