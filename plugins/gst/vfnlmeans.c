/* vfnlmeans: non-local means denoiser.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * SECTION:element-vfnlmeans
 * @title: vfnlmeans
 *
 * Non-local means (Buades, Coll & Morel) with the arithmetic of OpenCV's
 * 8-bit cv2.fastNlMeansDenoising: every pixel becomes the weighted mean
 * of the pixels of its `search-size` window, weighted by how much the
 * `patch-size` patch around each looks like its own, exp(-d^2 / h^2) in
 * OpenCV's integer table.  With `border=reflect` (OpenCV's only policy)
 * the output is bit-identical to cv2.fastNlMeansDenoising(img, None, h,
 * patch-size, search-size) for GRAY8 and the packed RGB formats (one
 * weight per pixel from the distance over the colour channels, as OpenCV's
 * 3-channel case; alpha and padding bytes are left as they are); every
 * other border policy works the same way on the padded frame.  Planar and
 * semi-planar YUV: each plane (each chroma channel of NV12/NV21) is its
 * own 1-channel image, luma with `h`, chroma with `h-color`.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 v4l2src ! videoconvert ! vfnlmeans h=6 patch-size=3 search-size=11 ! videoconvert ! autovideosink
 * ]|
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "vfelements.h"

VF_DEFINE_ELEMENT (VfNlmeans, vf_nlmeans, VF_TYPE_NLMEANS, vfnlmeans,
    "non-local means");
#define GST_CAT_DEFAULT vf_nlmeans_debug

typedef struct
{
  gdouble h, h_color;
  guint patch, search;
  /* made by prepare: the weights for one channel (luma, GRAY8), for the
   * three colour channels of packed RGB, for one chroma channel */
  VfkNlmeans *luma, *rgb, *chroma;
} NlmeansParams;

static const VfParam nlmeans_params[] = {
  VF_PARAM_DOUBLE_FIELD ("h", "Strength",
      "Filter strength, as OpenCV's h: larger removes more noise and more "
      "detail (> 0)", NlmeansParams, h, 0, 1000, 3, TRUE),
  VF_PARAM_DOUBLE_FIELD ("h-color", "Colour strength",
      "The same for the chroma planes of YUV formats (0 = h)",
      NlmeansParams, h_color, 0, 1000, 0, TRUE),
  VF_PARAM_UINT_FIELD ("patch-size", "Patch size",
      "Side of the patches compared, odd (OpenCV's templateWindowSize)",
      NlmeansParams, patch, 1, VFK_NLMEANS_MAX_PATCH, 7, TRUE),
  VF_PARAM_UINT_FIELD ("search-size", "Search size",
      "Side of the window searched for similar patches, odd (OpenCV's "
      "searchWindowSize)", NlmeansParams, search, 1, VFK_NLMEANS_MAX_SEARCH,
      21, TRUE),
};

static void
nlmeans_params_clear (gpointer params)
{
  NlmeansParams *p = params;
  g_clear_pointer (&p->luma, vfk_nlmeans_free);
  g_clear_pointer (&p->rgb, vfk_nlmeans_free);
  g_clear_pointer (&p->chroma, vfk_nlmeans_free);
}

static gboolean
nlmeans_prepare (VfFilter * self, gpointer params, GError ** error)
{
  NlmeansParams *p = params;
  gdouble hc = p->h_color > 0 ? p->h_color : p->h;

  if (!(p->h > 0)) {
    g_set_error (error, VF_FILTER_ERROR, 0,
        "h '%g' must be greater than 0 (vfnlmeans)", p->h);
    return FALSE;
  }
  if (p->patch % 2 == 0 || p->search % 2 == 0) {
    gboolean patch = p->patch % 2 == 0;
    g_set_error (error, VF_FILTER_ERROR, 0, "%s '%u' must be odd (vfnlmeans)",
        patch ? "patch-size" : "search-size", patch ? p->patch : p->search);
    return FALSE;
  }
  p->luma = vfk_nlmeans_new ((float) p->h, p->patch, p->search, 1);
  p->rgb = vfk_nlmeans_new ((float) p->h, p->patch, p->search, 3);
  p->chroma = vfk_nlmeans_new ((float) hc, p->patch, p->search, 1);
  if (!p->luma || !p->rgb || !p->chroma) {
    g_set_error (error, VF_FILTER_ERROR, 0, "out of memory for the weights "
        "of h '%g' (vfnlmeans)", p->h);
    return FALSE;
  }
  return TRUE;
}

static void
nlmeans_extent (gconstpointer params, VfExtent * e)
{
  const NlmeansParams *p = params;
  gint k = p->patch + p->search - 1;
  vf_extent_centred (e, k, k);
}

static gboolean
nlmeans_filter_plane (VfFilter * self, const VfSnapshot * snap,
    const VfPlane * pl, VfkPool * pool)
{
  const NlmeansParams *p = snap->params;

  if (pl->chroma) {
    /* each chroma channel (both of an NV12 plane) on its own */
    for (gint c = 0; c < pl->src->channels; c++)
      if (vfk_nlmeans (pool, pl->src, pl->dst, pl->ox, pl->oy, pl->border,
              pl->border_value, 1u << c, p->chroma) != 0)
        return FALSE;
    return TRUE;
  }
  return vfk_nlmeans (pool, pl->src, pl->dst, pl->ox, pl->oy, pl->border,
      pl->border_value, pl->color_mask, pl->src->channels == 1 ? p->luma :
      p->rgb) == 0;
}

static const VfElementInfo nlmeans_info = {
  .longname = "Non-local means denoiser",
  .description = "Non-local means with the arithmetic of OpenCV's "
      "fastNlMeansDenoising (bit-identical with border=reflect), with every "
      "border policy",
  .default_border = VF_BORDER_REFLECT,
  .params_size = sizeof (NlmeansParams),
  .derived_offset = offsetof (NlmeansParams, luma),
  .params = nlmeans_params,
  .n_params = G_N_ELEMENTS (nlmeans_params),
  .params_clear = nlmeans_params_clear,
  .prepare = nlmeans_prepare,
  .extent = nlmeans_extent,
  .filter_plane = nlmeans_filter_plane,
};

VF_ELEMENT_CLASS_INIT (VfNlmeans, vf_nlmeans, nlmeans_info);
