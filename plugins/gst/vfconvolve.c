/* vfconvolve: any user kernel.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * SECTION:element-vfconvolve
 * @title: vfconvolve
 *
 * Filters with a user kernel given as text: numbers separated by spaces
 * (or commas), rows separated by ';'.  Output =
 * saturate(round(Σ weight·pixel / divisor + bias)), rounded half up.
 * `operation=convolution` (default) flips the kernel as the mathematical
 * definition does; `correlation` applies it as written (cv2.filter2D).
 * When every weight is an integer the arithmetic is exact integer
 * arithmetic; a kernel of rank 1 runs as two 1-D passes.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 videotestsrc ! vfconvolve kernel="1 0 1; 0 1 0; 1 0 1" divisor=5 ! videoconvert ! autovideosink
 * gst-launch-1.0 videotestsrc ! vfconvolve kernel="-1 -1 -1; -1 8 -1; -1 -1 -1" bias=128 ! videoconvert ! autovideosink
 * ]|
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include "vfelements.h"

VF_DEFINE_ELEMENT (VfConvolve, vf_convolve, VF_TYPE_CONVOLVE, vfconvolve,
    "convolution");
#define GST_CAT_DEFAULT vf_convolve_debug

/* direct 2-D filtering costs kw*kh per pixel: bound what a user can ask */
#define MAX_SIDE 255
#define MAX_TEXT (1 << 20)

typedef enum
{
  VF_OPERATION_CONVOLUTION = 0,
  VF_OPERATION_CORRELATION = 1,
} VfOperation;

static const GEnumValue operation_values[] = {
  {VF_OPERATION_CONVOLUTION, "True convolution: the kernel is flipped",
      "convolution"},
  {VF_OPERATION_CORRELATION, "Correlation: the kernel as written "
        "(cv2.filter2D)", "correlation"},
  {0, NULL, NULL},
};

typedef struct
{
  gchar *text;                  /* the kernel as set */
  gdouble divisor, bias;
  gint operation;               /* a VfOperation */
  gint anchor_x, anchor_y;
  /* made by prepare */
  gint kw, kh;
  VfkKernel *kernel;            /* flipped for convolution */
} ConvParams;

static const VfParam conv_params[] = {
  VF_PARAM_STRING_FIELD ("kernel", "Kernel",
      "Weights: numbers separated by spaces, rows separated by ';' "
      "(at most 255x255)", ConvParams, text, "1"),
  VF_PARAM_DOUBLE_FIELD ("divisor", "Divisor",
      "The weighted sum is divided by this (not 0)", ConvParams, divisor,
      -G_MAXDOUBLE, G_MAXDOUBLE, 1, TRUE),
  VF_PARAM_DOUBLE_FIELD ("bias", "Bias", "Added after the division",
      ConvParams, bias, -G_MAXDOUBLE, G_MAXDOUBLE, 0, TRUE),
  VF_PARAM_ENUM_FIELD ("operation", "Operation",
      "Convolution (kernel flipped) or correlation (as written)", ConvParams,
      operation, "VfOperation", operation_values, VF_OPERATION_CONVOLUTION),
  VF_PARAM_INT_FIELD ("anchor-x", "Anchor X",
      "Kernel column placed on the pixel, -1 = centre", ConvParams, anchor_x,
      -1, MAX_SIDE - 1, -1, FALSE),
  VF_PARAM_INT_FIELD ("anchor-y", "Anchor Y",
      "Kernel row placed on the pixel, -1 = centre", ConvParams, anchor_y,
      -1, MAX_SIDE - 1, -1, FALSE),
};

/* Parses "1 0 1; 0 1 0; 1 0 1".  Returns the weights (row-major) or NULL
 * with an error naming the offending text. */
static gdouble *
parse_kernel (const gchar * text, gint * kw_out, gint * kh_out, GError ** error)
{
  gchar **rows;
  GArray *values;
  gint kw = -1, kh = 0;
  guint n_rows;

  if (strlen (text) > MAX_TEXT) {
    g_set_error (error, VF_FILTER_ERROR, 0,
        "kernel text is %zu bytes long, at most %d expected", strlen (text),
        MAX_TEXT);
    return NULL;
  }
  rows = g_strsplit (text, ";", -1);
  n_rows = g_strv_length (rows);
  /* a trailing ';' is tolerated */
  if (n_rows > 1 && g_strstrip (rows[n_rows - 1])[0] == '\0') {
    g_free (rows[n_rows - 1]);
    rows[--n_rows] = NULL;
  }
  values = g_array_new (FALSE, FALSE, sizeof (gdouble));

  for (guint r = 0; r < n_rows; r++) {
    gchar **tokens = g_strsplit_set (rows[r], " \t\n\r,", -1);
    gint n = 0;
    for (gchar ** t = tokens; *t; t++) {
      gchar *end;
      gdouble v;
      if (**t == '\0')
        continue;
      v = g_ascii_strtod (*t, &end);
      if (*end != '\0' || end == *t || !isfinite (v)) {
        g_set_error (error, VF_FILTER_ERROR, 0,
            "kernel '%s': '%s' (row %u, column %d) is not a number", text, *t,
            r + 1, n + 1);
        g_strfreev (tokens);
        goto fail;
      }
      g_array_append_val (values, v);
      n++;
    }
    g_strfreev (tokens);
    if (n == 0) {
      g_set_error (error, VF_FILTER_ERROR, 0,
          "kernel '%s': row %u is empty, expected numbers separated by "
          "spaces, rows separated by ';'", text, r + 1);
      goto fail;
    }
    if (kw >= 0 && n != kw) {
      g_set_error (error, VF_FILTER_ERROR, 0,
          "kernel '%s': row %u has %d values but row 1 has %d; every row "
          "needs the same length", text, r + 1, n, kw);
      goto fail;
    }
    kw = n;
    kh++;
    if (kw > MAX_SIDE || kh > MAX_SIDE) {
      g_set_error (error, VF_FILTER_ERROR, 0,
          "kernel '%.40s…' is larger than the maximum of %dx%d", text,
          MAX_SIDE, MAX_SIDE);
      goto fail;
    }
  }
  if (kh == 0) {
    g_set_error (error, VF_FILTER_ERROR, 0,
        "kernel '%s' is empty, expected numbers separated by spaces, rows "
        "separated by ';'", text);
    goto fail;
  }
  g_strfreev (rows);
  *kw_out = kw;
  *kh_out = kh;
  return (gdouble *) g_array_free (values, FALSE);

fail:
  g_strfreev (rows);
  g_array_free (values, TRUE);
  return NULL;
}

static void
conv_params_clear (gpointer params)
{
  ConvParams *p = params;
  g_clear_pointer (&p->kernel, vfk_kernel_free);
}

static gboolean
conv_prepare (VfFilter * self, gpointer params, GError ** error)
{
  ConvParams *p = params;
  const char *err = NULL;
  GError *perr = NULL;
  gdouble *weights;

  weights = parse_kernel (p->text ? p->text : "", &p->kw, &p->kh, &perr);
  if (!weights) {
    g_set_error (error, VF_FILTER_ERROR, 0, "%s (vfconvolve)", perr->message);
    g_error_free (perr);
    return FALSE;
  }
  if (p->divisor == 0 || !isfinite (p->divisor)) {
    g_set_error (error, VF_FILTER_ERROR, 0, "divisor '%g' must be a number "
        "other than 0 (vfconvolve)", p->divisor);
    g_free (weights);
    return FALSE;
  }
  if (p->anchor_x >= p->kw || p->anchor_y >= p->kh) {
    g_set_error (error, VF_FILTER_ERROR, 0,
        "anchor (%d, %d) lies outside the %dx%d kernel '%s'; expected "
        "-1 (centre) or 0..%d, 0..%d (vfconvolve)", p->anchor_x, p->anchor_y,
        p->kw, p->kh, p->text, p->kw - 1, p->kh - 1);
    g_free (weights);
    return FALSE;
  }
  p->kernel = vfk_kernel_new (weights, p->kw, p->kh, p->anchor_x,
      p->anchor_y, p->divisor, p->bias, &err);
  g_free (weights);
  if (!p->kernel) {
    g_set_error (error, VF_FILTER_ERROR, 0, "kernel '%s': %s (vfconvolve)",
        p->text, err);
    return FALSE;
  }
  if (p->operation == VF_OPERATION_CONVOLUTION)
    vfk_kernel_flip (p->kernel);
  GST_DEBUG_OBJECT (self, "kernel %dx%d, %s, %s", p->kw, p->kh,
      p->kernel->is_int ? "integer" : "float",
      p->kernel->separable ? "rank 1: two 1-D passes" : "2-D");
  return TRUE;
}

static void
conv_extent (gconstpointer params, VfExtent * e)
{
  const ConvParams *p = params;
  e->kw = p->kw;
  e->kh = p->kh;
  e->ax = p->kernel->ax;
  e->ay = p->kernel->ay;
}

static gboolean
conv_filter_plane (VfFilter * self, const VfSnapshot * snap,
    const VfPlane * pl, VfkPool * pool)
{
  const ConvParams *p = snap->params;
  return vfk_filter2d (pool, pl->src, pl->dst, pl->ox, pl->oy, pl->border,
      pl->border_value, p->kernel) == 0;
}

static const VfElementInfo conv_info = {
  .longname = "Convolution",
  .description =
      "Convolution or correlation with any kernel, exact for integer "
      "kernels, with every border policy",
  .default_border = VF_BORDER_REFLECT,
  .params_size = sizeof (ConvParams),
  .derived_offset = offsetof (ConvParams, kw),
  .params = conv_params,
  .n_params = G_N_ELEMENTS (conv_params),
  .params_clear = conv_params_clear,
  .prepare = conv_prepare,
  .extent = conv_extent,
  .filter_plane = conv_filter_plane,
};

VF_ELEMENT_CLASS_INIT (VfConvolve, vf_convolve, conv_info);
