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

GST_DEBUG_CATEGORY_STATIC (vf_convolve_debug);
#define GST_CAT_DEFAULT vf_convolve_debug

/* direct 2-D filtering costs kw*kh per pixel: bound what a user can ask */
#define MAX_SIDE 255
#define MAX_TEXT (1 << 20)

typedef enum {
  VF_OPERATION_CONVOLUTION = 0,
  VF_OPERATION_CORRELATION = 1,
} VfOperation;

static GType
vf_operation_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {VF_OPERATION_CONVOLUTION, "True convolution: the kernel is flipped",
        "convolution"},
    {VF_OPERATION_CORRELATION, "Correlation: the kernel as written "
          "(cv2.filter2D)", "correlation"},
    {0, NULL, NULL},
  };
  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("VfOperation", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

struct _VfConvolve {
  VfFilter parent;
};

typedef struct {
  gchar *text;                  /* the kernel as set */
  gdouble *weights;             /* parsed, row-major */
  gint kw, kh;
  gdouble divisor, bias;
  VfOperation operation;
  gint anchor_x, anchor_y;
  VfkKernel *kernel;            /* prepared: flipped for convolution */
} ConvParams;

enum {
  PROP_0,
  PROP_KERNEL,
  PROP_DIVISOR,
  PROP_BIAS,
  PROP_OPERATION,
  PROP_ANCHOR_X,
  PROP_ANCHOR_Y,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_TYPE (VfConvolve, vf_convolve, VF_TYPE_FILTER);
GST_ELEMENT_REGISTER_DEFINE (vfconvolve, "vfconvolve", GST_RANK_NONE,
    VF_TYPE_CONVOLVE);

#define VF_CONVOLVE_ERROR (g_quark_from_static_string ("vf-convolve-error"))

/* Parses "1 0 1; 0 1 0; 1 0 1".  Returns the weights (row-major) or NULL
 * with an error naming the offending text. */
static gdouble *
parse_kernel (const gchar * text, gint * kw_out, gint * kh_out,
    GError ** error)
{
  gchar **rows;
  GArray *values;
  gint kw = -1, kh = 0;
  guint n_rows;

  if (strlen (text) > MAX_TEXT) {
    g_set_error (error, VF_CONVOLVE_ERROR, 0,
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
        g_set_error (error, VF_CONVOLVE_ERROR, 0,
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
      g_set_error (error, VF_CONVOLVE_ERROR, 0,
          "kernel '%s': row %u is empty, expected numbers separated by "
          "spaces, rows separated by ';'", text, r + 1);
      goto fail;
    }
    if (kw >= 0 && n != kw) {
      g_set_error (error, VF_CONVOLVE_ERROR, 0,
          "kernel '%s': row %u has %d values but row 1 has %d; every row "
          "needs the same length", text, r + 1, n, kw);
      goto fail;
    }
    kw = n;
    kh++;
    if (kw > MAX_SIDE || kh > MAX_SIDE) {
      g_set_error (error, VF_CONVOLVE_ERROR, 0,
          "kernel '%.40s…' is larger than the maximum of %dx%d", text,
          MAX_SIDE, MAX_SIDE);
      goto fail;
    }
  }
  if (kh == 0) {
    g_set_error (error, VF_CONVOLVE_ERROR, 0,
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
vf_convolve_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  VfFilter *f = VF_FILTER (object);
  ConvParams *p;

  switch (prop_id) {
    case PROP_KERNEL:{
      const gchar *text = g_value_get_string (value);
      GError *error = NULL;
      gint kw, kh;
      gdouble *w = parse_kernel (text ? text : "", &kw, &kh, &error);
      if (!w) {
        vf_filter_refuse (f, "%s (vfconvolve)", error->message);
        g_error_free (error);
        return;
      }
      GST_OBJECT_LOCK (f);
      p = vf_filter_staged (f);
      g_free (p->text);
      g_free (p->weights);
      p->text = g_strdup (text);
      p->weights = w;
      p->kw = kw;
      p->kh = kh;
      GST_OBJECT_UNLOCK (f);
      break;
    }
    case PROP_DIVISOR:{
      gdouble d = g_value_get_double (value);
      if (d == 0 || !isfinite (d)) {
        vf_filter_refuse (f, "divisor '%g' must be a number other than 0 "
            "(vfconvolve)", d);
        return;
      }
      GST_OBJECT_LOCK (f);
      p = vf_filter_staged (f);
      p->divisor = d;
      GST_OBJECT_UNLOCK (f);
      break;
    }
    case PROP_BIAS:
      GST_OBJECT_LOCK (f);
      p = vf_filter_staged (f);
      p->bias = g_value_get_double (value);
      GST_OBJECT_UNLOCK (f);
      break;
    case PROP_OPERATION:
      GST_OBJECT_LOCK (f);
      p = vf_filter_staged (f);
      p->operation = g_value_get_enum (value);
      GST_OBJECT_UNLOCK (f);
      break;
    case PROP_ANCHOR_X:
    case PROP_ANCHOR_Y:
      GST_OBJECT_LOCK (f);
      p = vf_filter_staged (f);
      if (prop_id == PROP_ANCHOR_X)
        p->anchor_x = g_value_get_int (value);
      else
        p->anchor_y = g_value_get_int (value);
      GST_OBJECT_UNLOCK (f);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
vf_convolve_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  VfFilter *f = VF_FILTER (object);
  const ConvParams *p;

  GST_OBJECT_LOCK (f);
  p = vf_filter_peek_staged (f);
  switch (prop_id) {
    case PROP_KERNEL:
      g_value_set_string (value, p->text);
      break;
    case PROP_DIVISOR:
      g_value_set_double (value, p->divisor);
      break;
    case PROP_BIAS:
      g_value_set_double (value, p->bias);
      break;
    case PROP_OPERATION:
      g_value_set_enum (value, p->operation);
      break;
    case PROP_ANCHOR_X:
      g_value_set_int (value, p->anchor_x);
      break;
    case PROP_ANCHOR_Y:
      g_value_set_int (value, p->anchor_y);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (f);
}

static void
conv_params_init (gpointer params)
{
  ConvParams *p = params;
  p->text = g_strdup ("1");
  p->weights = g_new (gdouble, 1);
  p->weights[0] = 1;
  p->kw = p->kh = 1;
  p->divisor = 1;
  p->bias = 0;
  p->operation = VF_OPERATION_CONVOLUTION;
  p->anchor_x = p->anchor_y = -1;
  p->kernel = NULL;
}

static void
conv_params_clear (gpointer params)
{
  ConvParams *p = params;
  g_clear_pointer (&p->text, g_free);
  g_clear_pointer (&p->weights, g_free);
  g_clear_pointer (&p->kernel, vfk_kernel_free);
}

static void
conv_params_copy (gpointer dst, gconstpointer src)
{
  ConvParams *d = dst;
  const ConvParams *s = src;
  *d = *s;
  d->text = g_strdup (s->text);
  d->weights = g_memdup2 (s->weights, sizeof (gdouble) * s->kw * s->kh);
  d->kernel = NULL;             /* derived: made again by prepare */
}

static gboolean
conv_prepare (VfFilter * self, gpointer params, GError ** error)
{
  ConvParams *p = params;
  const char *err = NULL;

  if (p->anchor_x >= p->kw || p->anchor_y >= p->kh) {
    g_set_error (error, VF_CONVOLVE_ERROR, 0,
        "anchor (%d, %d) lies outside the %dx%d kernel '%s'; expected "
        "-1 (centre) or 0..%d, 0..%d (vfconvolve)", p->anchor_x, p->anchor_y,
        p->kw, p->kh, p->text, p->kw - 1, p->kh - 1);
    return FALSE;
  }
  p->kernel = vfk_kernel_new (p->weights, p->kw, p->kh, p->anchor_x,
      p->anchor_y, p->divisor, p->bias, &err);
  if (!p->kernel) {
    g_set_error (error, VF_CONVOLVE_ERROR, 0, "kernel '%s': %s (vfconvolve)",
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
  e->ax = p->kernel ? p->kernel->ax : p->kw / 2;
  e->ay = p->kernel ? p->kernel->ay : p->kh / 2;
}

static void
conv_filter_plane (VfFilter * self, const VfSnapshot * snap,
    const VfkImage * src, VfkImage * dst, gint ox, gint oy, VfkBorder border,
    guint color_mask, const VfkImage * guide, VfkPool * pool)
{
  const ConvParams *p = snap->params;
  vfk_filter2d (pool, src, dst, ox, oy, border, snap->border_value,
      p->kernel);
}

static void
vf_convolve_class_init (VfConvolveClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  VfFilterClass *filter_class = VF_FILTER_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
      GST_PARAM_MUTABLE_PLAYING;

  GST_DEBUG_CATEGORY_INIT (vf_convolve_debug, "vfconvolve", 0,
      "vfilter convolution");

  gobject_class->set_property = vf_convolve_set_property;
  gobject_class->get_property = vf_convolve_get_property;

  properties[PROP_KERNEL] = g_param_spec_string ("kernel", "Kernel",
      "Weights: numbers separated by spaces, rows separated by ';' "
      "(at most 255x255)", "1", flags);
  properties[PROP_DIVISOR] = g_param_spec_double ("divisor", "Divisor",
      "The weighted sum is divided by this (not 0)", -G_MAXDOUBLE,
      G_MAXDOUBLE, 1, flags | GST_PARAM_CONTROLLABLE);
  properties[PROP_BIAS] = g_param_spec_double ("bias", "Bias",
      "Added after the division", -G_MAXDOUBLE, G_MAXDOUBLE, 0,
      flags | GST_PARAM_CONTROLLABLE);
  properties[PROP_OPERATION] = g_param_spec_enum ("operation", "Operation",
      "Convolution (kernel flipped) or correlation (as written)",
      vf_operation_get_type (), VF_OPERATION_CONVOLUTION, flags);
  properties[PROP_ANCHOR_X] = g_param_spec_int ("anchor-x", "Anchor X",
      "Kernel column placed on the pixel, -1 = centre", -1, MAX_SIDE - 1, -1,
      flags);
  properties[PROP_ANCHOR_Y] = g_param_spec_int ("anchor-y", "Anchor Y",
      "Kernel row placed on the pixel, -1 = centre", -1, MAX_SIDE - 1, -1,
      flags);
  g_object_class_install_properties (gobject_class, N_PROPS, properties);

  gst_element_class_set_static_metadata (element_class, "Convolution",
      "Filter/Effect/Video", "Convolution or correlation with any kernel, "
      "exact for integer kernels, with every border policy",
      "vfilterd developers <vfilterd@example.org>");
  vf_filter_class_add_pad_templates (element_class);

  filter_class->params_size = sizeof (ConvParams);
  filter_class->params_init = conv_params_init;
  filter_class->params_copy = conv_params_copy;
  filter_class->params_clear = conv_params_clear;
  filter_class->prepare = conv_prepare;
  filter_class->extent = conv_extent;
  filter_class->filter_plane = conv_filter_plane;

  gst_type_mark_as_plugin_api (vf_operation_get_type (), 0);
}

static void
vf_convolve_init (VfConvolve * self)
{
}
