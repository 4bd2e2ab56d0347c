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

GST_DEBUG_CATEGORY_STATIC (vf_median_debug);
#define GST_CAT_DEFAULT vf_median_debug

struct _VfMedian {
  VfFilter parent;
};

typedef struct {
  guint kw, kh;
} MedianParams;

enum {
  PROP_0,
  PROP_KERNEL_WIDTH,
  PROP_KERNEL_HEIGHT,
  N_PROPS,
  PROP_BORDER_OVERRIDE
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_TYPE (VfMedian, vf_median, VF_TYPE_FILTER);
GST_ELEMENT_REGISTER_DEFINE (vfmedian, "vfmedian", GST_RANK_NONE,
    VF_TYPE_MEDIAN);

static void
vf_median_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  VfFilter *f = VF_FILTER (object);
  MedianParams *p;
  guint k;

  switch (prop_id) {
    case PROP_KERNEL_WIDTH:
    case PROP_KERNEL_HEIGHT:
      k = g_value_get_uint (value);
      if (k % 2 == 0) {
        vf_filter_refuse (f, "%s '%u' must be odd (vfmedian)", pspec->name,
            k);
        return;
      }
      GST_OBJECT_LOCK (f);
      p = vf_filter_staged (f);
      if (prop_id == PROP_KERNEL_WIDTH)
        p->kw = k;
      else
        p->kh = k;
      GST_OBJECT_UNLOCK (f);
      break;
    case PROP_BORDER_OVERRIDE:
      vf_filter_set_border (f, g_value_get_enum (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
vf_median_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  VfFilter *f = VF_FILTER (object);
  const MedianParams *p;

  if (prop_id == PROP_BORDER_OVERRIDE) {
    g_value_set_enum (value, vf_filter_get_border (f));
    return;
  }
  GST_OBJECT_LOCK (f);
  p = vf_filter_peek_staged (f);
  switch (prop_id) {
    case PROP_KERNEL_WIDTH:
      g_value_set_uint (value, p->kw);
      break;
    case PROP_KERNEL_HEIGHT:
      g_value_set_uint (value, p->kh);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (f);
}

static void
median_params_init (gpointer params)
{
  MedianParams *p = params;
  p->kw = p->kh = 3;
}

static void
median_extent (gconstpointer params, VfExtent * e)
{
  const MedianParams *p = params;
  e->kw = p->kw;
  e->kh = p->kh;
  e->ax = p->kw / 2;
  e->ay = p->kh / 2;
}

static void
median_filter_plane (VfFilter * self, const VfSnapshot * snap,
    const VfkImage * src, VfkImage * dst, gint ox, gint oy, VfkBorder border,
    guint color_mask, const VfkImage * guide, VfkPool * pool)
{
  const MedianParams *p = snap->params;
  vfk_median (pool, src, dst, ox, oy, border, snap->border_value, p->kw,
      p->kh);
}

static void
vf_median_class_init (VfMedianClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  VfFilterClass *filter_class = VF_FILTER_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
      GST_PARAM_MUTABLE_PLAYING;

  GST_DEBUG_CATEGORY_INIT (vf_median_debug, "vfmedian", 0,
      "vfilter box blur");

  gobject_class->set_property = vf_median_set_property;
  gobject_class->get_property = vf_median_get_property;

  properties[PROP_KERNEL_WIDTH] = g_param_spec_uint ("kernel-width",
      "Kernel width", "Odd window width in pixels", 1, VFK_MEDIAN_MAX, 3,
      flags);
  properties[PROP_KERNEL_HEIGHT] = g_param_spec_uint ("kernel-height",
      "Kernel height", "Odd window height in pixels", 1, VFK_MEDIAN_MAX, 3,
      flags);
  g_object_class_install_properties (gobject_class, N_PROPS, properties);

  gst_element_class_set_static_metadata (element_class, "Median",
      "Filter/Effect/Video", "Exact median filter (cv2.medianBlur) up to "
      "255x255 in constant time per pixel, with every border policy",
      "vfilterd developers <vfilterd@example.org>");
  vf_filter_class_add_pad_templates (element_class);

  filter_class->params_size = sizeof (MedianParams);
  filter_class->params_init = median_params_init;
  filter_class->extent = median_extent;
  filter_class->filter_plane = median_filter_plane;
  /* like cv2.medianBlur */
  vf_filter_class_install_border (gobject_class, PROP_BORDER_OVERRIDE,
      VF_BORDER_REPLICATE);

}

static void
vf_median_init (VfMedian * self)
{
}
