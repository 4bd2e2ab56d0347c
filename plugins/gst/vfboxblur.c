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

GST_DEBUG_CATEGORY_STATIC (vf_box_blur_debug);
#define GST_CAT_DEFAULT vf_box_blur_debug

typedef enum {
  VF_BOX_ROUNDING_HALF_UP = VFK_BOX_ROUND_HALF_UP,
  VF_BOX_ROUNDING_OPENCV = VFK_BOX_ROUND_OPENCV,
} VfBoxRounding;

static GType
vf_box_rounding_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {VF_BOX_ROUNDING_HALF_UP, "Exact mean rounded half up", "half-up"},
    {VF_BOX_ROUNDING_OPENCV, "Bit-identical to OpenCV 4.6 cv2.blur",
        "opencv"},
    {0, NULL, NULL},
  };
  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("VfBoxRounding", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

struct _VfBoxBlur {
  VfFilter parent;
};

typedef struct {
  guint kw, kh;
  VfBoxRounding rounding;
} BoxParams;

enum {
  PROP_0,
  PROP_KERNEL_WIDTH,
  PROP_KERNEL_HEIGHT,
  PROP_ROUNDING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_TYPE (VfBoxBlur, vf_box_blur, VF_TYPE_FILTER);
GST_ELEMENT_REGISTER_DEFINE (vfboxblur, "vfboxblur", GST_RANK_NONE,
    VF_TYPE_BOX_BLUR);

static void
vf_box_blur_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  VfFilter *f = VF_FILTER (object);
  BoxParams *p;

  GST_OBJECT_LOCK (f);
  p = vf_filter_staged (f);
  switch (prop_id) {
    case PROP_KERNEL_WIDTH:
      p->kw = g_value_get_uint (value);
      break;
    case PROP_KERNEL_HEIGHT:
      p->kh = g_value_get_uint (value);
      break;
    case PROP_ROUNDING:
      p->rounding = g_value_get_enum (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (f);
}

static void
vf_box_blur_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  VfFilter *f = VF_FILTER (object);
  const BoxParams *p;

  GST_OBJECT_LOCK (f);
  p = vf_filter_peek_staged (f);
  switch (prop_id) {
    case PROP_KERNEL_WIDTH:
      g_value_set_uint (value, p->kw);
      break;
    case PROP_KERNEL_HEIGHT:
      g_value_set_uint (value, p->kh);
      break;
    case PROP_ROUNDING:
      g_value_set_enum (value, p->rounding);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (f);
}

static void
box_params_init (gpointer params)
{
  BoxParams *p = params;
  p->kw = p->kh = 3;
  p->rounding = VF_BOX_ROUNDING_HALF_UP;
}

static void
box_extent (gconstpointer params, VfExtent * e)
{
  const BoxParams *p = params;
  e->kw = p->kw;
  e->kh = p->kh;
  e->ax = p->kw / 2;
  e->ay = p->kh / 2;
}

static void
box_filter_plane (VfFilter * self, const VfSnapshot * snap,
    const VfkImage * src, VfkImage * dst, gint ox, gint oy, VfkBorder border,
    guint color_mask, const VfkImage * guide, VfkPool * pool)
{
  const BoxParams *p = snap->params;
  vfk_box (pool, src, dst, ox, oy, border, snap->border_value, p->kw, p->kh,
      (VfkBoxRounding) p->rounding);
}

static void
vf_box_blur_class_init (VfBoxBlurClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  VfFilterClass *filter_class = VF_FILTER_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
      GST_PARAM_MUTABLE_PLAYING;

  GST_DEBUG_CATEGORY_INIT (vf_box_blur_debug, "vfboxblur", 0,
      "vfilter box blur");

  gobject_class->set_property = vf_box_blur_set_property;
  gobject_class->get_property = vf_box_blur_get_property;

  properties[PROP_KERNEL_WIDTH] = g_param_spec_uint ("kernel-width",
      "Kernel width", "Window width in pixels (even allowed: anchor at k/2)",
      1, VFK_MAX_KERNEL, 3, flags);
  properties[PROP_KERNEL_HEIGHT] = g_param_spec_uint ("kernel-height",
      "Kernel height", "Window height in pixels (even allowed: anchor at k/2)",
      1, VFK_MAX_KERNEL, 3, flags);
  properties[PROP_ROUNDING] = g_param_spec_enum ("rounding", "Rounding",
      "How the mean is rounded", vf_box_rounding_get_type (),
      VF_BOX_ROUNDING_HALF_UP, flags);
  g_object_class_install_properties (gobject_class, N_PROPS, properties);

  gst_element_class_set_static_metadata (element_class, "Box blur",
      "Filter/Effect/Video", "Averaging filter (cv2.blur) in constant time "
      "per pixel, with every border policy",
      "vfilterd developers <vfilterd@example.org>");
  vf_filter_class_add_pad_templates (element_class);

  filter_class->params_size = sizeof (BoxParams);
  filter_class->params_init = box_params_init;
  filter_class->extent = box_extent;
  filter_class->filter_plane = box_filter_plane;

  gst_type_mark_as_plugin_api (vf_box_rounding_get_type (), 0);
}

static void
vf_box_blur_init (VfBoxBlur * self)
{
}
