/* VfFilter: the abstract base of the vfilter elements.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * It owns what all five elements share: the `border`, `border-value` and
 * `n-threads` properties, the mapping of every supported format to plane
 * views for the kernel library, the worker pool, alpha passthrough, and
 * the size renegotiation of `border=valid`.
 *
 * Property changes are atomic at frame boundaries: set_property writes a
 * staged copy under the object lock; when GObject dispatches the change
 * notification (once per g_object_set() call, after all its properties)
 * the staged set is validated as a whole and published as a new immutable
 * snapshot.  transform_frame takes a reference to the current snapshot
 * and filters the whole frame with it, never holding the lock meanwhile.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "vffilter.h"

GST_DEBUG_CATEGORY_STATIC (vf_filter_debug);
#define GST_CAT_DEFAULT vf_filter_debug

enum {
  PROP_0,
  PROP_BORDER,
  PROP_BORDER_VALUE,
  PROP_N_THREADS,
};

#define MAX_THREADS 64

typedef struct {
  gint width, height;           /* plane size in pixels */
  gint channels;                /* bytes per pixel in this plane */
  gint wsub, hsub;              /* log2 subsampling */
  gint passthrough[2];          /* channel offsets copied unfiltered, -1 */
} PlaneLayout;

typedef struct {
  VfSnapshot *staged;           /* under the object lock */
  gboolean dirty;
  VfSnapshot *current;          /* published; replaced, never modified */
  VfSnapshot *negotiated;       /* the set the current caps were made for */

  /* streaming thread only */
  VfkPool *pool;
  guint pool_threads;
  gint n_planes;
  PlaneLayout planes[GST_VIDEO_MAX_PLANES];
} VfFilterPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (VfFilter, vf_filter,
    GST_TYPE_VIDEO_FILTER);

#define PRIV(self) ((VfFilterPrivate *) vf_filter_get_instance_private (self))

GType
vf_border_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {VF_BORDER_CONSTANT, "Fill with border-value (OpenCV BORDER_CONSTANT)",
        "constant"},
    {VF_BORDER_REPLICATE, "Repeat the edge pixel (BORDER_REPLICATE)",
        "replicate"},
    {VF_BORDER_REFLECT, "Mirror without repeating the edge: c b | a b c "
          "(BORDER_REFLECT_101)", "reflect"},
    {VF_BORDER_SYMMETRIC, "Mirror repeating the edge: b a | a b c "
          "(BORDER_REFLECT)", "symmetric"},
    {VF_BORDER_WRAP, "Wrap around (BORDER_WRAP)", "wrap"},
    {VF_BORDER_VALID, "No padding: the output shrinks by the kernel size - 1",
        "valid"},
    {0, NULL, NULL},
  };
  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("VfBorder", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

/* ---- snapshots ------------------------------------------------------------ */

static void
snapshot_clear (gpointer data)
{
  VfSnapshot *snap = data;
  if (snap->clear)
    snap->clear (snap->params);
}

static VfSnapshot *
snapshot_new (VfFilterClass * klass)
{
  const gsize off = (sizeof (VfSnapshot) + 15) & ~(gsize) 15;
  VfSnapshot *snap = g_atomic_rc_box_alloc0 (off + klass->params_size);
  snap->params = (guint8 *) snap + off;
  snap->clear = klass->params_clear;
  return snap;
}

static void
snapshot_assign (VfFilterClass * klass, VfSnapshot * dst,
    const VfSnapshot * src)
{
  if (klass->params_clear)
    klass->params_clear (dst->params);
  dst->border = src->border;
  dst->border_value = src->border_value;
  dst->n_threads = src->n_threads;
  if (klass->params_copy)
    klass->params_copy (dst->params, src->params);
  else
    memcpy (dst->params, src->params, klass->params_size);
}

static VfSnapshot *
snapshot_copy (VfFilterClass * klass, const VfSnapshot * src)
{
  VfSnapshot *snap = snapshot_new (klass);
  snapshot_assign (klass, snap, src);
  return snap;
}

static VfSnapshot *
snapshot_ref (VfSnapshot * snap)
{
  return snap ? g_atomic_rc_box_acquire (snap) : NULL;
}

void
vf_snapshot_unref (VfSnapshot * snap)
{
  if (snap)
    g_atomic_rc_box_release_full (snap, snapshot_clear);
}

static void
snapshot_extent (VfFilterClass * klass, const VfSnapshot * snap,
    VfExtent * e)
{
  e->kw = e->kh = 1;
  e->ax = e->ay = 0;
  klass->extent (snap->params, e);
}

/* Output size for an input size under a parameter set; FALSE when the
 * kernel does not fit (border=valid with a kernel larger than the frame). */
static gboolean
snapshot_output_size (VfFilterClass * klass, const VfSnapshot * snap,
    gint in_w, gint in_h, gint * out_w, gint * out_h)
{
  VfExtent e;
  if (snap->border != VF_BORDER_VALID) {
    *out_w = in_w;
    *out_h = in_h;
    return TRUE;
  }
  snapshot_extent (klass, snap, &e);
  *out_w = in_w - e.kw + 1;
  *out_h = in_h - e.kh + 1;
  return *out_w >= 1 && *out_h >= 1;
}

/* ---- property staging and commit ------------------------------------------ */

gpointer
vf_filter_staged (VfFilter * self)
{
  VfFilterPrivate *priv = PRIV (self);
  priv->dirty = TRUE;
  return priv->staged->params;
}

gconstpointer
vf_filter_peek_staged (VfFilter * self)
{
  return PRIV (self)->staged->params;
}

void
vf_filter_refuse (VfFilter * self, const gchar * format, ...)
{
  va_list args;
  gchar *msg;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  g_warning ("%s: %s; the previous value stays in effect",
      GST_OBJECT_NAME (self), msg);
  GST_ELEMENT_WARNING (self, LIBRARY, SETTINGS, ("%s", msg),
      ("the previous value stays in effect"));
  g_free (msg);
}

static GParamSpec *
border_pspec (VfBorder default_border)
{
  return g_param_spec_enum ("border", "Border",
      "How pixels outside the frame are invented", VF_TYPE_BORDER,
      default_border, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
      GST_PARAM_MUTABLE_PLAYING);
}

void
vf_filter_class_install_border (GObjectClass * klass, guint prop_id,
    VfBorder default_border)
{
  g_object_class_install_property (klass, prop_id,
      border_pspec (default_border));
  VF_FILTER_CLASS (klass)->default_border = default_border;
}

void
vf_filter_set_border (VfFilter * self, VfBorder border)
{
  GST_OBJECT_LOCK (self);
  PRIV (self)->staged->border = border;
  PRIV (self)->dirty = TRUE;
  GST_OBJECT_UNLOCK (self);
}

VfBorder
vf_filter_get_border (VfFilter * self)
{
  VfBorder b;
  GST_OBJECT_LOCK (self);
  b = PRIV (self)->staged->border;
  GST_OBJECT_UNLOCK (self);
  return b;
}

VfSnapshot *
vf_filter_get_snapshot (VfFilter * self)
{
  VfSnapshot *snap;
  GST_OBJECT_LOCK (self);
  snap = snapshot_ref (PRIV (self)->current);
  GST_OBJECT_UNLOCK (self);
  return snap;
}

static gboolean
geometry_differs (VfFilterClass * klass, const VfSnapshot * a,
    const VfSnapshot * b)
{
  VfExtent ea, eb;
  if (a->border != VF_BORDER_VALID && b->border != VF_BORDER_VALID)
    return FALSE;
  if (a->border != b->border)
    return TRUE;
  snapshot_extent (klass, a, &ea);
  snapshot_extent (klass, b, &eb);
  return ea.kw != eb.kw || ea.kh != eb.kh;
}

static void
vf_filter_commit (VfFilter * self)
{
  VfFilterClass *klass = VF_FILTER_GET_CLASS (self);
  VfFilterPrivate *priv = PRIV (self);
  VfSnapshot *cand, *old;
  GError *error = NULL;
  gboolean reconfigure;

  GST_OBJECT_LOCK (self);
  if (!priv->dirty) {
    GST_OBJECT_UNLOCK (self);
    return;
  }
  priv->dirty = FALSE;
  cand = snapshot_copy (klass, priv->staged);
  GST_OBJECT_UNLOCK (self);

  if (klass->prepare && !klass->prepare (self, cand->params, &error)) {
    vf_filter_refuse (self, "%s", error->message);
    g_clear_error (&error);
    vf_snapshot_unref (cand);
    GST_OBJECT_LOCK (self);
    snapshot_assign (klass, priv->staged, priv->current);
    GST_OBJECT_UNLOCK (self);
    return;
  }

  GST_OBJECT_LOCK (self);
  old = priv->current;
  priv->current = cand;
  reconfigure = old && geometry_differs (klass, old, cand);
  GST_OBJECT_UNLOCK (self);
  vf_snapshot_unref (old);

  GST_DEBUG_OBJECT (self, "new parameter set published%s",
      reconfigure ? ", renegotiating the output size" : "");
  if (reconfigure)
    gst_base_transform_reconfigure_src (GST_BASE_TRANSFORM (self));
}

static void
vf_filter_dispatch_properties_changed (GObject * object, guint n_pspecs,
    GParamSpec ** pspecs)
{
  vf_filter_commit (VF_FILTER (object));
  G_OBJECT_CLASS (vf_filter_parent_class)->dispatch_properties_changed (object,
      n_pspecs, pspecs);
}

static void
vf_filter_set_property (GObject * object, guint prop_id, const GValue * value,
    GParamSpec * pspec)
{
  VfFilter *self = VF_FILTER (object);
  VfFilterPrivate *priv = PRIV (self);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_BORDER:
      priv->staged->border = g_value_get_enum (value);
      priv->dirty = TRUE;
      break;
    case PROP_BORDER_VALUE:
      priv->staged->border_value = (guint8) g_value_get_uint (value);
      priv->dirty = TRUE;
      break;
    case PROP_N_THREADS:
      priv->staged->n_threads = g_value_get_uint (value);
      priv->dirty = TRUE;
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
vf_filter_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  VfFilter *self = VF_FILTER (object);
  VfFilterPrivate *priv = PRIV (self);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_BORDER:
      g_value_set_enum (value, priv->staged->border);
      break;
    case PROP_BORDER_VALUE:
      g_value_set_uint (value, priv->staged->border_value);
      break;
    case PROP_N_THREADS:
      g_value_set_uint (value, priv->staged->n_threads);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

/* ---- negotiation ----------------------------------------------------------- */

static gboolean
adjust_dimension (GstStructure * s, const gchar * field, gint delta)
{
  const GValue *v = gst_structure_get_value (s, field);
  if (!v)
    return TRUE;
  if (G_VALUE_HOLDS_INT (v)) {
    gint n = g_value_get_int (v) + delta;
    if (n < 1)
      return FALSE;
    gst_structure_set (s, field, G_TYPE_INT, n, NULL);
  } else if (GST_VALUE_HOLDS_INT_RANGE (v)) {
    gint lo = gst_value_get_int_range_min (v);
    gint hi = gst_value_get_int_range_max (v);
    lo = (delta < 0 || lo < G_MAXINT - delta) ? MAX (lo + delta, 1) : G_MAXINT;
    hi = (delta < 0 || hi < G_MAXINT - delta) ? hi + delta : G_MAXINT;
    if (hi < 1)
      return FALSE;
    if (lo == hi)
      gst_structure_set (s, field, G_TYPE_INT, lo, NULL);
    else
      gst_structure_set (s, field, GST_TYPE_INT_RANGE, lo, hi, NULL);
  } else {
    gst_structure_set (s, field, GST_TYPE_INT_RANGE, 1, G_MAXINT, NULL);
  }
  return TRUE;
}

static GstCaps *
vf_filter_transform_caps (GstBaseTransform * trans, GstPadDirection direction,
    GstCaps * caps, GstCaps * filter)
{
  VfFilter *self = VF_FILTER (trans);
  VfFilterClass *klass = VF_FILTER_GET_CLASS (self);
  VfSnapshot *snap = vf_filter_get_snapshot (self);
  GstCaps *ret;

  if (snap->border != VF_BORDER_VALID) {
    ret = gst_caps_ref (caps);
  } else {
    VfExtent e;
    gint sign = direction == GST_PAD_SINK ? -1 : 1;
    snapshot_extent (klass, snap, &e);
    ret = gst_caps_new_empty ();
    for (guint i = 0; i < gst_caps_get_size (caps); i++) {
      GstStructure *s = gst_structure_copy (gst_caps_get_structure (caps, i));
      GstCapsFeatures *f = gst_caps_get_features (caps, i);
      if (adjust_dimension (s, "width", sign * (e.kw - 1))
          && adjust_dimension (s, "height", sign * (e.kh - 1)))
        ret = gst_caps_merge_structure_full (ret, s,
            f ? gst_caps_features_copy (f) : NULL);
      else
        gst_structure_free (s);
    }
  }
  vf_snapshot_unref (snap);

  if (filter) {
    GstCaps *tmp = gst_caps_intersect_full (filter, ret,
        GST_CAPS_INTERSECT_FIRST);
    gst_caps_unref (ret);
    ret = tmp;
  }
  GST_DEBUG_OBJECT (self, "%s caps %" GST_PTR_FORMAT " -> %" GST_PTR_FORMAT,
      direction == GST_PAD_SINK ? "sink" : "src", caps, ret);
  return ret;
}

static gboolean
vf_filter_set_info (GstVideoFilter * filter, GstCaps * incaps,
    GstVideoInfo * in_info, GstCaps * outcaps, GstVideoInfo * out_info)
{
  VfFilter *self = VF_FILTER (filter);
  VfFilterClass *klass = VF_FILTER_GET_CLASS (self);
  VfFilterPrivate *priv = PRIV (self);
  const GstVideoFormatInfo *finfo = in_info->finfo;
  VfSnapshot *snap;
  gint ow, oh;

  if (GST_VIDEO_INFO_FORMAT (in_info) != GST_VIDEO_INFO_FORMAT (out_info)) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, (NULL),
        ("input and output formats differ"));
    return FALSE;
  }

  snap = vf_filter_get_snapshot (self);
  if (!snapshot_output_size (klass, snap, GST_VIDEO_INFO_WIDTH (in_info),
          GST_VIDEO_INFO_HEIGHT (in_info), &ow, &oh)) {
    VfExtent e;
    snapshot_extent (klass, snap, &e);
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION,
        ("border=valid needs a frame at least as large as the kernel"),
        ("frame %dx%d, kernel %dx%d", GST_VIDEO_INFO_WIDTH (in_info),
            GST_VIDEO_INFO_HEIGHT (in_info), e.kw, e.kh));
    vf_snapshot_unref (snap);
    return FALSE;
  }
  if (ow != GST_VIDEO_INFO_WIDTH (out_info)
      || oh != GST_VIDEO_INFO_HEIGHT (out_info)) {
    GST_DEBUG_OBJECT (self, "caps %dx%d made for an older parameter set",
        GST_VIDEO_INFO_WIDTH (out_info), GST_VIDEO_INFO_HEIGHT (out_info));
  }

  priv->n_planes = GST_VIDEO_INFO_N_PLANES (in_info);
  for (gint p = 0; p < priv->n_planes; p++) {
    PlaneLayout *pl = &priv->planes[p];
    gint comps[GST_VIDEO_MAX_COMPONENTS];
    gint c0;

    gst_video_format_info_component (finfo, p, comps);
    c0 = comps[0];
    pl->width = GST_VIDEO_INFO_COMP_WIDTH (in_info, c0);
    pl->height = GST_VIDEO_INFO_COMP_HEIGHT (in_info, c0);
    pl->channels = GST_VIDEO_INFO_COMP_PSTRIDE (in_info, c0);
    pl->wsub = GST_VIDEO_FORMAT_INFO_W_SUB (finfo, c0);
    pl->hsub = GST_VIDEO_FORMAT_INFO_H_SUB (finfo, c0);
    pl->passthrough[0] = pl->passthrough[1] = -1;
    if (GST_VIDEO_FORMAT_INFO_IS_RGB (finfo) && pl->channels == 4) {
      /* alpha, or the padding byte of xRGB-like formats */
      if (GST_VIDEO_FORMAT_INFO_HAS_ALPHA (finfo))
        pl->passthrough[0] = GST_VIDEO_FORMAT_INFO_POFFSET (finfo,
            GST_VIDEO_COMP_A);
      else
        pl->passthrough[0] = 6 - GST_VIDEO_FORMAT_INFO_POFFSET (finfo, 0)
            - GST_VIDEO_FORMAT_INFO_POFFSET (finfo, 1)
            - GST_VIDEO_FORMAT_INFO_POFFSET (finfo, 2);
    }
  }

  GST_OBJECT_LOCK (self);
  vf_snapshot_unref (priv->negotiated);
  priv->negotiated = snap;
  GST_OBJECT_UNLOCK (self);
  return TRUE;
}

/* ---- filtering ----------------------------------------------------------------- */

static gboolean
snapshot_fits (VfFilterClass * klass, const VfSnapshot * snap,
    const GstVideoFrame * in, const GstVideoFrame * out)
{
  gint ow, oh;
  return snapshot_output_size (klass, snap, GST_VIDEO_FRAME_WIDTH (in),
      GST_VIDEO_FRAME_HEIGHT (in), &ow, &oh)
      && ow == GST_VIDEO_FRAME_WIDTH (out) && oh == GST_VIDEO_FRAME_HEIGHT (out);
}

static GstFlowReturn
vf_filter_transform_frame (GstVideoFilter * filter, GstVideoFrame * in_frame,
    GstVideoFrame * out_frame)
{
  VfFilter *self = VF_FILTER (filter);
  VfFilterClass *klass = VF_FILTER_GET_CLASS (self);
  VfFilterPrivate *priv = PRIV (self);
  VfSnapshot *snap;
  VfExtent e;

  GST_OBJECT_LOCK (self);
  snap = snapshot_ref (priv->current);
  if (!snapshot_fits (klass, snap, in_frame, out_frame)) {
    /* the size changed but renegotiation has not happened yet: finish with
     * the parameter set the current caps were made for */
    vf_snapshot_unref (snap);
    snap = snapshot_ref (priv->negotiated);
  }
  GST_OBJECT_UNLOCK (self);

  if (!snap || !snapshot_fits (klass, snap, in_frame, out_frame)) {
    vf_snapshot_unref (snap);
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, (NULL),
        ("output frame %dx%d does not match the parameters",
            GST_VIDEO_FRAME_WIDTH (out_frame),
            GST_VIDEO_FRAME_HEIGHT (out_frame)));
    return GST_FLOW_NOT_NEGOTIATED;
  }

  if (!priv->pool || priv->pool_threads != snap->n_threads) {
    vfk_pool_free (priv->pool);
    priv->pool = vfk_pool_new (MIN (snap->n_threads, MAX_THREADS));
    priv->pool_threads = snap->n_threads;
  }

  snapshot_extent (klass, snap, &e);
  for (gint p = 0; p < priv->n_planes; p++) {
    const PlaneLayout *pl = &priv->planes[p];
    gint comps[GST_VIDEO_MAX_COMPONENTS];
    VfkImage src, dst;
    gint ox = 0, oy = 0;

    gst_video_format_info_component (in_frame->info.finfo, p, comps);
    src.data = GST_VIDEO_FRAME_PLANE_DATA (in_frame, p);
    src.stride = GST_VIDEO_FRAME_PLANE_STRIDE (in_frame, p);
    src.width = GST_VIDEO_FRAME_COMP_WIDTH (in_frame, comps[0]);
    src.height = GST_VIDEO_FRAME_COMP_HEIGHT (in_frame, comps[0]);
    src.channels = pl->channels;
    dst.data = GST_VIDEO_FRAME_PLANE_DATA (out_frame, p);
    dst.stride = GST_VIDEO_FRAME_PLANE_STRIDE (out_frame, p);
    dst.width = GST_VIDEO_FRAME_COMP_WIDTH (out_frame, comps[0]);
    dst.height = GST_VIDEO_FRAME_COMP_HEIGHT (out_frame, comps[0]);
    dst.channels = pl->channels;
    if (snap->border == VF_BORDER_VALID) {
      ox = e.ax >> pl->wsub;
      oy = e.ay >> pl->hsub;
    }

    {
      guint mask = (1u << pl->channels) - 1;
      VfkImage guide, *g = NULL;
      for (gint i = 0; i < 2; i++)
        if (pl->passthrough[i] >= 0)
          mask &= ~(1u << pl->passthrough[i]);
      if (p > 0 && GST_VIDEO_FORMAT_INFO_IS_YUV (in_frame->info.finfo)) {
        /* the luma plane seen at this plane's resolution, not copied */
        guide.data = GST_VIDEO_FRAME_PLANE_DATA (in_frame, 0);
        guide.stride = GST_VIDEO_FRAME_PLANE_STRIDE (in_frame, 0) << pl->hsub;
        guide.width = src.width;
        guide.height = src.height;
        guide.channels = 1 << pl->wsub;
        g = &guide;
      }
      klass->filter_plane (self, snap, &src, &dst, ox, oy,
          (VfkBorder) snap->border, mask, g, priv->pool);
    }

    for (gint i = 0; i < 2; i++)
      if (pl->passthrough[i] >= 0)
        vfk_copy_channel (&src, &dst, ox, oy, pl->passthrough[i]);
  }

  vf_snapshot_unref (snap);
  return GST_FLOW_OK;
}

static gboolean
vf_filter_stop (GstBaseTransform * trans)
{
  VfFilterPrivate *priv = PRIV (VF_FILTER (trans));
  vfk_pool_free (priv->pool);
  priv->pool = NULL;
  return TRUE;
}

/* ---- type boilerplate --------------------------------------------------------- */

static void
vf_filter_finalize (GObject * object)
{
  VfFilter *self = VF_FILTER (object);
  VfFilterPrivate *priv = PRIV (self);

  vfk_pool_free (priv->pool);
  vf_snapshot_unref (priv->staged);
  vf_snapshot_unref (priv->current);
  vf_snapshot_unref (priv->negotiated);
  G_OBJECT_CLASS (vf_filter_parent_class)->finalize (object);
}

static void
vf_filter_init (VfFilter * self)
{
  /* the concrete class's defaults; see vf_filter_constructed */
}

static void
vf_filter_constructed (GObject * object)
{
  VfFilter *self = VF_FILTER (object);
  VfFilterClass *klass = VF_FILTER_GET_CLASS (self);
  VfFilterPrivate *priv = PRIV (self);
  GError *error = NULL;

  G_OBJECT_CLASS (vf_filter_parent_class)->constructed (object);

  priv->staged = snapshot_new (klass);
  priv->staged->border = klass->default_border;
  priv->staged->border_value = 0;
  priv->staged->n_threads = 0;
  if (klass->params_init)
    klass->params_init (priv->staged->params);
  priv->current = snapshot_copy (klass, priv->staged);
  if (klass->prepare && !klass->prepare (self, priv->current->params, &error))
    g_error ("%s: default parameters refused: %s", G_OBJECT_TYPE_NAME (self),
        error->message);
}

static void
vf_filter_class_init (VfFilterClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);
  GstVideoFilterClass *vfilter_class = GST_VIDEO_FILTER_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
      GST_PARAM_MUTABLE_PLAYING;

  GST_DEBUG_CATEGORY_INIT (vf_filter_debug, "vffilter", 0,
      "vfilter element base class");

  gobject_class->set_property = vf_filter_set_property;
  gobject_class->get_property = vf_filter_get_property;
  gobject_class->dispatch_properties_changed =
      vf_filter_dispatch_properties_changed;
  gobject_class->constructed = vf_filter_constructed;
  gobject_class->finalize = vf_filter_finalize;

  /* vfmedian installs its own with default replicate */
  g_object_class_install_property (gobject_class, PROP_BORDER,
      border_pspec (VF_BORDER_REFLECT));
  g_object_class_install_property (gobject_class, PROP_BORDER_VALUE,
      g_param_spec_uint ("border-value", "Border value",
          "Fill value for border=constant", 0, 255, 0,
          flags | GST_PARAM_CONTROLLABLE));
  g_object_class_install_property (gobject_class, PROP_N_THREADS,
      g_param_spec_uint ("n-threads", "Threads",
          "Worker threads per frame (0 = one per online CPU)", 0, MAX_THREADS,
          0, flags));

  trans_class->transform_caps = vf_filter_transform_caps;
  trans_class->stop = vf_filter_stop;
  vfilter_class->set_info = vf_filter_set_info;
  vfilter_class->transform_frame = vf_filter_transform_frame;

  klass->default_border = VF_BORDER_REFLECT;

  gst_type_mark_as_plugin_api (VF_TYPE_BORDER, 0);
  gst_type_mark_as_plugin_api (VF_TYPE_FILTER, 0);
}

void
vf_filter_class_add_pad_templates (GstElementClass * element_class)
{
  GstCaps *caps = gst_caps_from_string (GST_VIDEO_CAPS_MAKE (VF_FILTER_FORMATS));
  gst_element_class_add_pad_template (element_class,
      gst_pad_template_new ("sink", GST_PAD_SINK, GST_PAD_ALWAYS, caps));
  gst_element_class_add_pad_template (element_class,
      gst_pad_template_new ("src", GST_PAD_SRC, GST_PAD_ALWAYS, caps));
  gst_caps_unref (caps);
}
