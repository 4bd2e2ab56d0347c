/* VfFilter: the abstract base of the vfilter elements.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * It owns what all the elements share: their parameters (declared once in
 * a VfParam table, see vfparams.c), the mapping of every supported format
 * to plane views for the kernel library (packed 4:2:2 split into three
 * planes and merged back), the worker pool, alpha passthrough, and the
 * size renegotiation of `border=valid`.
 *
 * Property changes are atomic at frame boundaries: set_property stages the
 * value, tagged with the calling thread, under the object lock; when
 * GObject dispatches the change notification (once per g_object_set()
 * call, after all its properties) each thread's staged values are applied
 * to a copy of the set in effect and validated as a whole by the element's
 * prepare hook, then published as a new immutable snapshot, or refused as
 * a whole with one warning.  transform_frame takes a reference to the
 * current snapshot and filters the whole frame with it, never holding the
 * lock meanwhile.  The "check" action signal runs the same validation on
 * proposed values without applying them.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "vfparams.h"
#include "vfpool.h"
#include "vfstage.h"

GST_DEBUG_CATEGORY_STATIC (vf_filter_debug);
#define GST_CAT_DEFAULT vf_filter_debug

typedef struct
{
  gint width, height;           /* plane size in pixels */
  gint channels;                /* bytes per pixel in this plane */
  gint wsub, hsub;              /* log2 subsampling */
  gint passthrough[2];          /* channel offsets copied unfiltered, -1 */
  gint rgb[3];                  /* channel offsets of R, G, B, or -1 */
} PlaneLayout;

typedef struct
{
  VfStage *stage;               /* the parameter sets */
  VfSnapshot *negotiated;       /* the set the current caps were made for,
                                 * under the object lock */
  VfSharedPool *shared;         /* the pipeline's pool, under the object lock */

  /* streaming thread only */
  VfkPool *own_pool;            /* for n-threads other than 0 */
  guint own_threads;
  gint n_planes;
  PlaneLayout planes[GST_VIDEO_MAX_PLANES];
  /* packed 4:2:2 (YUY2, UYVY, YVYU): filtered as three planes, split from
   * the input into `split` and merged from it into the output */
  gboolean packed422;
  gint packed_offsets[3];       /* of Y0, U and V in a macropixel */
  guint8 *split;
  gsize split_size;
  gpointer state;               /* VfElementInfo.state_new's, from start */
  gint reset_pending;           /* atomic: forget the state before the
                                 * next frame */
} VfFilterPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (VfFilter, vf_filter,
    GST_TYPE_VIDEO_FILTER);

#define PRIV(self) ((VfFilterPrivate *) vf_filter_get_instance_private (self))

static void
snapshot_extent (VfFilterClass * klass, const VfSnapshot * snap, VfExtent * e)
{
  e->kw = e->kh = 1;
  e->ax = e->ay = 0;
  klass->info->extent (snap->params, e);
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

/* ---- parameters ----------------------------------------------------------- */

VfSnapshot *
vf_filter_get_snapshot (VfFilter * self)
{
  return vf_stage_current (PRIV (self)->stage);
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
vf_filter_dispatch_properties_changed (GObject * object, guint n_pspecs,
    GParamSpec ** pspecs)
{
  VfFilter *self = VF_FILTER (object);
  VfSnapshot *old = vf_stage_commit (PRIV (self)->stage);

  if (old) {
    VfSnapshot *now = vf_filter_get_snapshot (self);
    gboolean reconfigure = geometry_differs (VF_FILTER_GET_CLASS (self), old,
        now);
    GST_DEBUG_OBJECT (self, "new parameter set published%s",
        reconfigure ? ", renegotiating the output size" : "");
    if (reconfigure)
      gst_base_transform_reconfigure_src (GST_BASE_TRANSFORM (self));
    vf_snapshot_unref (now);
    vf_snapshot_unref (old);
  }
  G_OBJECT_CLASS (vf_filter_parent_class)->dispatch_properties_changed (object,
      n_pspecs, pspecs);
}

static void
vf_filter_set_property (GObject * object, guint prop_id, const GValue * value,
    GParamSpec * pspec)
{
  vf_stage_set (PRIV (VF_FILTER (object))->stage, prop_id - 1, value);
}

static void
vf_filter_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  vf_stage_get (PRIV (VF_FILTER (object))->stage, prop_id - 1, value);
}

static gchar *
vf_filter_check (VfFilter * self, const GstStructure * proposed)
{
  return vf_stage_check (PRIV (self)->stage, proposed);
}

static gchar *
vf_filter_take_refusals (VfFilter * self)
{
  return vf_stage_take_refusals (PRIV (self)->stage);
}

void
vf_filter_class_setup (VfFilterClass * klass, const VfElementInfo * info)
{
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  gst_element_class_set_static_metadata (element_class, info->longname,
      "Filter/Effect/Video", info->description,
      "vfilterd developers <vfilterd@example.org>");
  vf_filter_class_add_pad_templates (element_class);
  klass->info = info;
  /* GObject does not inherit these: every class that installs properties
   * names its own (ours) */
  G_OBJECT_CLASS (klass)->set_property = vf_filter_set_property;
  G_OBJECT_CLASS (klass)->get_property = vf_filter_get_property;
  vf_params_install (klass);
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

  if (GST_VIDEO_INFO_WIDTH (in_info) > VF_FILTER_MAX_SIDE
      || GST_VIDEO_INFO_HEIGHT (in_info) > VF_FILTER_MAX_SIDE) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION,
        ("Frame size %dx%d is too large: at most %dx%d expected",
            GST_VIDEO_INFO_WIDTH (in_info), GST_VIDEO_INFO_HEIGHT (in_info),
            VF_FILTER_MAX_SIDE, VF_FILTER_MAX_SIDE),
        ("the band arithmetic of the kernels is bounded"));
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
    for (gint c = 0; c < 3; c++)
      pl->rgb[c] = GST_VIDEO_FORMAT_INFO_IS_RGB (finfo) && pl->channels >= 3 ?
          GST_VIDEO_FORMAT_INFO_POFFSET (finfo, c) : -1;
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
  priv->packed422 = GST_VIDEO_FORMAT_INFO_IS_YUV (finfo)
      && priv->n_planes == 1 && GST_VIDEO_FORMAT_INFO_N_COMPONENTS (finfo) == 3;
  if (priv->packed422) {
    /* as Y42B: the luma, then two chromas of half the width */
    priv->n_planes = 3;
    for (gint p = 0; p < 3; p++) {
      PlaneLayout *pl = &priv->planes[p];
      pl->width = GST_VIDEO_INFO_COMP_WIDTH (in_info, p);
      pl->height = GST_VIDEO_INFO_COMP_HEIGHT (in_info, p);
      pl->channels = 1;
      pl->wsub = GST_VIDEO_FORMAT_INFO_W_SUB (finfo, p);
      pl->hsub = GST_VIDEO_FORMAT_INFO_H_SUB (finfo, p);
      pl->passthrough[0] = pl->passthrough[1] = -1;
      pl->rgb[0] = pl->rgb[1] = pl->rgb[2] = -1;
      priv->packed_offsets[p] = GST_VIDEO_FORMAT_INFO_POFFSET (finfo, p);
    }
  }

  GST_OBJECT_LOCK (self);
  vf_snapshot_unref (priv->negotiated);
  priv->negotiated = snap;
  GST_OBJECT_UNLOCK (self);
  g_atomic_int_set (&priv->reset_pending, 1);
  return TRUE;
}

/* Where a stream breaks, an element's history is forgotten. */
static gboolean
vf_filter_sink_event (GstBaseTransform * trans, GstEvent * event)
{
  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_FLUSH_STOP:
    case GST_EVENT_STREAM_START:
    case GST_EVENT_SEGMENT:
      g_atomic_int_set (&PRIV (VF_FILTER (trans))->reset_pending, 1);
      break;
    default:
      break;
  }
  return GST_BASE_TRANSFORM_CLASS (vf_filter_parent_class)->sink_event (trans,
      event);
}

/* ---- filtering ----------------------------------------------------------------- */

static gboolean
snapshot_fits (VfFilterClass * klass, const VfSnapshot * snap,
    const GstVideoFrame * in, const GstVideoFrame * out)
{
  gint ow, oh;
  return snapshot_output_size (klass, snap, GST_VIDEO_FRAME_WIDTH (in),
      GST_VIDEO_FRAME_HEIGHT (in), &ow, &oh)
      && ow == GST_VIDEO_FRAME_WIDTH (out)
      && oh == GST_VIDEO_FRAME_HEIGHT (out);
}

static gboolean filter_frame (VfFilter * self, const VfSnapshot * snap,
    GstVideoFrame * in_frame, GstVideoFrame * out_frame, VfkPool * pool);
static VfkPool *frame_pool (VfFilter * self, guint n_threads);

static GstFlowReturn
vf_filter_transform_frame (GstVideoFilter * filter, GstVideoFrame * in_frame,
    GstVideoFrame * out_frame)
{
  VfFilter *self = VF_FILTER (filter);
  VfFilterClass *klass = VF_FILTER_GET_CLASS (self);
  VfFilterPrivate *priv = PRIV (self);
  VfSnapshot *snap;
  VfkPool *pool;
  gboolean ok;

  snap = vf_filter_get_snapshot (self);
  if (!snapshot_fits (klass, snap, in_frame, out_frame)) {
    /* the size changed but renegotiation has not happened yet: finish with
     * the parameter set the current caps were made for */
    vf_snapshot_unref (snap);
    GST_OBJECT_LOCK (self);
    snap = vf_snapshot_ref (priv->negotiated);
    GST_OBJECT_UNLOCK (self);
  }

  if (!snap || !snapshot_fits (klass, snap, in_frame, out_frame)) {
    vf_snapshot_unref (snap);
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, (NULL),
        ("output frame %dx%d does not match the parameters",
            GST_VIDEO_FRAME_WIDTH (out_frame),
            GST_VIDEO_FRAME_HEIGHT (out_frame)));
    return GST_FLOW_NOT_NEGOTIATED;
  }

  if (priv->state && (GST_BUFFER_IS_DISCONT (in_frame->buffer)
          || g_atomic_int_compare_and_exchange (&priv->reset_pending, 1, 0))) {
    GST_DEBUG_OBJECT (self, "stream history reset");
    g_atomic_int_set (&priv->reset_pending, 0);
    klass->info->state_reset (priv->state);
  }

  pool = frame_pool (self, snap->n_threads);
  vfk_pool_lock (pool);
  ok = filter_frame (self, snap, in_frame, out_frame, pool);
  vfk_pool_unlock (pool);
  vf_snapshot_unref (snap);
  if (!ok) {
    GST_ELEMENT_ERROR (self, RESOURCE, NO_SPACE_LEFT,
        ("Out of memory while filtering a %dx%d frame",
            GST_VIDEO_FRAME_WIDTH (in_frame),
            GST_VIDEO_FRAME_HEIGHT (in_frame)),
        ("the kernel could not allocate its working memory"));
    return GST_FLOW_ERROR;
  }
  return GST_FLOW_OK;
}

/* The views of plane p of a mapped frame: its own plane, or for packed
 * 4:2:2 one of the three planes `split` holds (the input's or the output's). */
static void
plane_view (const VfFilterPrivate * priv, GstVideoFrame * frame, gint p,
    VfkImage * split, VfkImage * view)
{
  if (priv->packed422) {
    *view = split[p];
    return;
  }
  gint comps[GST_VIDEO_MAX_COMPONENTS];
  gst_video_format_info_component (frame->info.finfo, p, comps);
  view->data = GST_VIDEO_FRAME_PLANE_DATA (frame, p);
  view->stride = GST_VIDEO_FRAME_PLANE_STRIDE (frame, p);
  view->width = GST_VIDEO_FRAME_COMP_WIDTH (frame, comps[0]);
  view->height = GST_VIDEO_FRAME_COMP_HEIGHT (frame, comps[0]);
  view->channels = priv->planes[p].channels;
}

/* Splits a packed 4:2:2 input into planes; FALSE without memory. */
static gboolean
split_packed (VfFilterPrivate * priv, GstVideoFrame * in, GstVideoFrame * out,
    VfkImage sin[3], VfkImage sout[3], VfkPool * pool)
{
  gint iw = GST_VIDEO_FRAME_WIDTH (in), ih = GST_VIDEO_FRAME_HEIGHT (in);
  gint ow = GST_VIDEO_FRAME_WIDTH (out), oh = GST_VIDEO_FRAME_HEIGHT (out);
  gsize n_in = vfk_planes_422 (NULL, iw, ih, sin);
  gsize need = n_in + vfk_planes_422 (NULL, ow, oh, sout);

  if (need > priv->split_size) {
    g_free (priv->split);
    priv->split = g_try_malloc (need);
    priv->split_size = priv->split ? need : 0;
    if (!priv->split)
      return FALSE;
  }
  vfk_planes_422 (priv->split, iw, ih, sin);
  vfk_planes_422 (priv->split + n_in, ow, oh, sout);
  vfk_unpack_422 (pool, GST_VIDEO_FRAME_PLANE_DATA (in, 0),
      GST_VIDEO_FRAME_PLANE_STRIDE (in, 0), iw, ih, priv->packed_offsets, sin);
  return TRUE;
}

/* Every plane of a frame under one parameter set; FALSE when a kernel
 * could not get its memory. */
static gboolean
filter_frame (VfFilter * self, const VfSnapshot * snap,
    GstVideoFrame * in_frame, GstVideoFrame * out_frame, VfkPool * pool)
{
  VfFilterClass *klass = VF_FILTER_GET_CLASS (self);
  VfFilterPrivate *priv = PRIV (self);
  VfkImage sin[3], sout[3];
  VfExtent e;

  if (priv->packed422 && !split_packed (priv, in_frame, out_frame, sin, sout,
          pool))
    return FALSE;
  snapshot_extent (klass, snap, &e);
  for (gint p = 0; p < priv->n_planes; p++) {
    const PlaneLayout *pl = &priv->planes[p];
    VfkImage src, dst;
    gint ox = 0, oy = 0;

    plane_view (priv, in_frame, p, sin, &src);
    plane_view (priv, out_frame, p, sout, &dst);
    if (snap->border == VF_BORDER_VALID) {
      ox = e.ax >> pl->wsub;
      oy = e.ay >> pl->hsub;
    }

    {
      VfPlane plane = {.src = &src,.dst = &dst,.ox = ox,.oy = oy,
        .border = (VfkBorder) snap->border,.border_value = snap->border_value,
        .color_mask = (1u << pl->channels) - 1,.index = p,
        .rgb = {pl->rgb[0], pl->rgb[1], pl->rgb[2]},.state = priv->state
      };
      VfkImage guide;
      for (gint i = 0; i < 2; i++)
        if (pl->passthrough[i] >= 0)
          plane.color_mask &= ~(1u << pl->passthrough[i]);
      if (p > 0 && GST_VIDEO_FORMAT_INFO_IS_YUV (in_frame->info.finfo)) {
        /* the luma plane seen at this plane's resolution, not copied */
        plane_view (priv, in_frame, 0, sin, &guide);
        guide.stride <<= pl->hsub;
        guide.width = src.width;
        guide.height = src.height;
        guide.channels = 1 << pl->wsub;
        plane.guide = &guide;
        plane.chroma = TRUE;
      }
      if (!klass->info->filter_plane (self, snap, &plane, pool))
        return FALSE;
    }

    for (gint i = 0; i < 2; i++)
      if (pl->passthrough[i] >= 0)
        vfk_copy_channel (&src, &dst, ox, oy, pl->passthrough[i]);
  }
  if (priv->packed422)
    vfk_pack_422 (pool, sout, priv->packed_offsets,
        GST_VIDEO_FRAME_PLANE_DATA (out_frame, 0),
        GST_VIDEO_FRAME_PLANE_STRIDE (out_frame, 0),
        GST_VIDEO_FRAME_WIDTH (out_frame), GST_VIDEO_FRAME_HEIGHT (out_frame));
  return TRUE;
}

/* The pool a frame runs on: the pipeline's for n-threads=0, else one of
 * the element's own with that many threads. */
static VfkPool *
frame_pool (VfFilter * self, guint n_threads)
{
  VfFilterPrivate *priv = PRIV (self);
  VfkPool *pool = NULL;

  if (n_threads == 0) {
    GST_OBJECT_LOCK (self);
    if (priv->shared)
      pool = vf_shared_pool_get (priv->shared);
    GST_OBJECT_UNLOCK (self);
    if (pool)
      return pool;
  }
  if (!priv->own_pool || priv->own_threads != n_threads) {
    vfk_pool_free (priv->own_pool);
    priv->own_pool = vfk_pool_new (n_threads);
    priv->own_threads = n_threads;
  }
  return priv->own_pool;
}

/* Takes `pool` (a reference, may be NULL) as the pipeline's pool unless
 * one is set already: the pool a stream runs on stays until the element is
 * finalized. */
static void
adopt_pool (VfFilter * self, VfSharedPool * pool)
{
  VfFilterPrivate *priv = PRIV (self);

  GST_OBJECT_LOCK (self);
  if (!priv->shared) {
    priv->shared = pool;
    pool = NULL;
  }
  GST_OBJECT_UNLOCK (self);
  if (pool)
    vf_shared_pool_unref (pool);
}

static gboolean
vf_filter_start (GstBaseTransform * trans)
{
  VfFilter *self = VF_FILTER (trans);
  VfFilterPrivate *priv = PRIV (self);
  gboolean have;

  GST_OBJECT_LOCK (self);
  have = priv->shared != NULL;
  GST_OBJECT_UNLOCK (self);
  if (!have)
    adopt_pool (self, vf_shared_pool_obtain (GST_ELEMENT (self)));
  if (VF_FILTER_GET_CLASS (self)->info->state_new && !priv->state)
    priv->state = VF_FILTER_GET_CLASS (self)->info->state_new ();
  g_atomic_int_set (&priv->reset_pending, 1);
  return TRUE;
}

static gboolean
vf_filter_stop (GstBaseTransform * trans)
{
  VfFilter *self = VF_FILTER (trans);
  VfFilterPrivate *priv = PRIV (self);
  vfk_pool_free (priv->own_pool);
  priv->own_pool = NULL;
  if (priv->state)
    VF_FILTER_GET_CLASS (self)->info->state_free (priv->state);
  priv->state = NULL;
  g_clear_pointer (&priv->split, g_free);
  priv->split_size = 0;
  return TRUE;
}

static void
vf_filter_set_context (GstElement * element, GstContext * context)
{
  VfSharedPool *pool = vf_shared_pool_from_context (context);

  if (pool)
    adopt_pool (VF_FILTER (element), pool);
  GST_ELEMENT_CLASS (vf_filter_parent_class)->set_context (element, context);
}

/* ---- type boilerplate --------------------------------------------------------- */

static void
vf_filter_finalize (GObject * object)
{
  VfFilter *self = VF_FILTER (object);
  VfFilterPrivate *priv = PRIV (self);

  vfk_pool_free (priv->own_pool);
  if (priv->state)
    VF_FILTER_GET_CLASS (self)->info->state_free (priv->state);
  g_free (priv->split);
  vf_shared_pool_unref (priv->shared);
  vf_stage_free (priv->stage);
  vf_snapshot_unref (priv->negotiated);
  G_OBJECT_CLASS (vf_filter_parent_class)->finalize (object);
}

static void
vf_filter_init (VfFilter * self)
{
  /* the concrete class's defaults: see vf_filter_constructed */
}

static void
vf_filter_constructed (GObject * object)
{
  VfFilter *self = VF_FILTER (object);

  G_OBJECT_CLASS (vf_filter_parent_class)->constructed (object);
  PRIV (self)->stage = vf_stage_new (self);
}

static void
vf_filter_class_init (VfFilterClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);
  GstVideoFilterClass *vfilter_class = GST_VIDEO_FILTER_CLASS (klass);

  GST_DEBUG_CATEGORY_INIT (vf_filter_debug, "vffilter", 0,
      "vfilter element base class");

  gobject_class->set_property = vf_filter_set_property;
  gobject_class->get_property = vf_filter_get_property;
  gobject_class->dispatch_properties_changed =
      vf_filter_dispatch_properties_changed;
  gobject_class->constructed = vf_filter_constructed;
  gobject_class->finalize = vf_filter_finalize;

  /* gchar *check (GstStructure *proposed): NULL or the refusal message */
  g_signal_new_class_handler ("check", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION, G_CALLBACK (vf_filter_check),
      NULL, NULL, NULL, G_TYPE_STRING, 1, GST_TYPE_STRUCTURE);
  /* gchar *take_refusals (void) */
  g_signal_new_class_handler ("take-refusals", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (vf_filter_take_refusals), NULL, NULL, NULL, G_TYPE_STRING, 0);

  trans_class->transform_caps = vf_filter_transform_caps;
  trans_class->start = vf_filter_start;
  trans_class->stop = vf_filter_stop;
  trans_class->sink_event = vf_filter_sink_event;
  GST_ELEMENT_CLASS (klass)->set_context = vf_filter_set_context;
  vfilter_class->set_info = vf_filter_set_info;
  vfilter_class->transform_frame = vf_filter_transform_frame;

  gst_type_mark_as_plugin_api (VF_TYPE_BORDER, 0);
  gst_type_mark_as_plugin_api (VF_TYPE_FILTER, 0);
}

void
vf_filter_class_add_pad_templates (GstElementClass * element_class)
{
  GstCaps *caps =
      gst_caps_from_string (GST_VIDEO_CAPS_MAKE (VF_FILTER_FORMATS));
  gst_element_class_add_pad_template (element_class,
      gst_pad_template_new ("sink", GST_PAD_SINK, GST_PAD_ALWAYS, caps));
  gst_element_class_add_pad_template (element_class,
      gst_pad_template_new ("src", GST_PAD_SRC, GST_PAD_ALWAYS, caps));
  gst_caps_unref (caps);
}
