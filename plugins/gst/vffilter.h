/* VfFilter: the abstract base of the vfilter elements.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef VF_FILTER_H
#define VF_FILTER_H

#include <gst/gst.h>
#include <gst/video/video.h>
#include <gst/video/gstvideofilter.h>

#include "vfk.h"

G_BEGIN_DECLS

/* Formats every element implements (SPEC §1). */
#define VF_FILTER_FORMATS \
  "{ GRAY8, RGB, BGR, RGBA, BGRA, RGBx, BGRx, xRGB, xBGR, ARGB, ABGR, " \
  "I420, YV12, NV12, NV21, Y42B, Y444 }"

typedef enum {
  VF_BORDER_CONSTANT = VFK_BORDER_CONSTANT,
  VF_BORDER_REPLICATE = VFK_BORDER_REPLICATE,
  VF_BORDER_REFLECT = VFK_BORDER_REFLECT,
  VF_BORDER_SYMMETRIC = VFK_BORDER_SYMMETRIC,
  VF_BORDER_WRAP = VFK_BORDER_WRAP,
  VF_BORDER_VALID = VFK_BORDER_VALID,
} VfBorder;

GType vf_border_get_type (void);
#define VF_TYPE_BORDER (vf_border_get_type ())

#define VF_TYPE_FILTER (vf_filter_get_type ())
G_DECLARE_DERIVABLE_TYPE (VfFilter, vf_filter, VF, FILTER, GstVideoFilter)

/* The parameters one frame is filtered with: an immutable, refcounted
 * snapshot.  `params` is the subclass's own struct (params_size bytes). */
typedef struct {
  VfBorder border;
  guint8 border_value;
  guint n_threads;
  /* the subclass's parameters (VfFilterClass.params_size bytes) */
  gpointer params;
  void (*clear) (gpointer params);
} VfSnapshot;

/* The geometry a parameter set needs: kernel size and anchor. */
typedef struct {
  gint kw, kh, ax, ay;
} VfExtent;

struct _VfFilterClass {
  GstVideoFilterClass parent_class;

  VfBorder default_border;
  gsize params_size;

  /* Fill *params with the defaults. */
  void (*params_init) (gpointer params);
  /* Deep copy (default: memcpy). */
  void (*params_copy) (gpointer dst, gconstpointer src);
  /* Free what params own (default: nothing). */
  void (*params_clear) (gpointer params);
  /* Check the whole set and compute derived state; FALSE + error when the
   * combination is invalid (the previous set then stays in effect). */
  gboolean (*prepare) (VfFilter * self, gpointer params, GError ** error);
  /* Kernel size and anchor of a prepared set. */
  void (*extent) (gconstpointer params, VfExtent * extent);
  /* Filter one plane view; color_mask has a bit per channel that carries
   * colour (not alpha or padding); guide is, for the chroma planes of YUV
   * formats, a view of the input luma plane at the chroma plane's
   * resolution (NULL otherwise). */
  void (*filter_plane) (VfFilter * self, const VfSnapshot * snap,
      const VfkImage * src, VfkImage * dst, gint ox, gint oy, VfkBorder border,
      guint color_mask, const VfkImage * guide, VfkPool * pool);
};

/* For the subclasses' set_property/get_property: the staged parameters,
 * to be used with the object lock held.  A change is committed (validated,
 * then applied at the next frame boundary) when the property notification
 * is dispatched, i.e. once per g_object_set() call for all its properties. */
gpointer vf_filter_staged (VfFilter * self);
/* The same, read-only (for get_property). */
gconstpointer vf_filter_peek_staged (VfFilter * self);
/* Report a refused value: a warning naming it, the old value stays. */
void vf_filter_refuse (VfFilter * self, const gchar * format, ...)
    G_GNUC_PRINTF (2, 3);

/* For an element whose default border differs (vfmedian): installs its own
 * "border" pspec with that default; its set/get_property forward to these. */
void vf_filter_class_install_border (GObjectClass * klass, guint prop_id,
    VfBorder default_border);
void vf_filter_set_border (VfFilter * self, VfBorder border);
VfBorder vf_filter_get_border (VfFilter * self);

/* Adds the sink and src pad templates with VF_FILTER_FORMATS. */
void vf_filter_class_add_pad_templates (GstElementClass * element_class);

/* The snapshot in effect now (new reference); for tests and tools. */
VfSnapshot *vf_filter_get_snapshot (VfFilter * self);
void vf_snapshot_unref (VfSnapshot * snap);

G_END_DECLS

#endif
