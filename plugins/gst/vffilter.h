/* VfFilter: the abstract base of the vfilter elements.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef VF_FILTER_H
#define VF_FILTER_H

#include <stddef.h>

#include <gst/gst.h>
#include <gst/video/video.h>
#include <gst/video/gstvideofilter.h>

#include "vfk.h"

G_BEGIN_DECLS
/* Formats every element implements (SPEC §1). */
#define VF_FILTER_FORMATS \
  "{ GRAY8, RGB, BGR, RGBA, BGRA, RGBx, BGRx, xRGB, xBGR, ARGB, ABGR, " \
  "I420, YV12, NV12, NV21, Y42B, Y444, YUY2, UYVY, YVYU }"
    typedef enum
{
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
/* ---- parameters, declared once ------------------------------------------
 *
 * An element lists its parameters in one table of VfParam; the base class
 * installs the pspecs from it, implements set/get, derives the defaults and
 * stages and commits whole sets.  Each entry names a field of the element's
 * params struct whose C type follows the kind: guint, gint, gdouble, gint
 * (enums) or gchar * (strings, owned by the set). */
     typedef enum
     {
       VF_PARAM_UINT,
       VF_PARAM_INT,
       VF_PARAM_DOUBLE,
       VF_PARAM_ENUM,
       VF_PARAM_STRING,
     } VfParamKind;

     typedef struct
     {
       const gchar *name;
       const gchar *nick;
       const gchar *blurb;
       VfParamKind kind;
       gsize offset;            /* of the field in the params struct */
       gdouble min, max, def;   /* numbers; def is also an enum's default */
       const gchar *def_string; /* strings */
       const gchar *enum_name;  /* enums: the GType's name ... */
       const GEnumValue *enum_values;   /* ... and its values */
       gboolean controllable;
     } VfParam;

#define VF_PARAM_NUMBER(kind_, name_, nick_, blurb_, type_, field_, min_, \
    max_, def_, ctl_) \
  { .name = name_, .nick = nick_, .blurb = blurb_, .kind = kind_, \
    .offset = offsetof (type_, field_), .min = min_, .max = max_, \
    .def = def_, .controllable = ctl_ }
#define VF_PARAM_UINT_FIELD(...) VF_PARAM_NUMBER (VF_PARAM_UINT, __VA_ARGS__)
#define VF_PARAM_INT_FIELD(...) VF_PARAM_NUMBER (VF_PARAM_INT, __VA_ARGS__)
#define VF_PARAM_DOUBLE_FIELD(...) \
  VF_PARAM_NUMBER (VF_PARAM_DOUBLE, __VA_ARGS__)
#define VF_PARAM_ENUM_FIELD(name_, nick_, blurb_, type_, field_, \
    enum_name_, values_, def_) \
  { .name = name_, .nick = nick_, .blurb = blurb_, .kind = VF_PARAM_ENUM, \
    .offset = offsetof (type_, field_), .def = def_, \
    .enum_name = enum_name_, .enum_values = values_ }
#define VF_PARAM_STRING_FIELD(name_, nick_, blurb_, type_, field_, def_) \
  { .name = name_, .nick = nick_, .blurb = blurb_, \
    .kind = VF_PARAM_STRING, .offset = offsetof (type_, field_), \
    .def_string = def_ }

/* The parameters one frame is filtered with: an immutable, refcounted
 * snapshot.  `params` is the subclass's own struct (params_size bytes). */
     typedef struct
     {
       gint border;             /* a VfBorder */
       guint border_value;
       guint n_threads;
       /* the subclass's parameters (VfFilterClass.params_size bytes) */
       gpointer params;
       void (*clear) (gpointer params);
     } VfSnapshot;

/* The geometry a parameter set needs: kernel size and anchor. */
     typedef struct
     {
       gint kw, kh, ax, ay;
     } VfExtent;

/* A kw x kh kernel anchored at its centre (k/2). */
     static inline void vf_extent_centred (VfExtent * e, gint kw, gint kh)
{
  e->kw = kw;
  e->kh = kh;
  e->ax = kw / 2;
  e->ay = kh / 2;
}

/* One plane of a frame, as an element filters it. */
typedef struct
{
  const VfkImage *src;
  VfkImage *dst;
  gint ox, oy;                  /* the source pixel output (0, 0) is centred on */
  VfkBorder border;
  guint8 border_value;
  guint color_mask;             /* a bit per channel that carries colour (not
                                 * alpha or padding) */
  const VfkImage *guide;        /* chroma planes of YUV formats: the input
                                 * luma at this plane's resolution; else NULL */
  gint index;                   /* of the plane in the frame */
  gint rgb[3];                  /* channels of R, G, B in packed RGB-like
                                 * formats; -1 otherwise */
  gboolean chroma;              /* a chroma plane of a YUV format */
  gpointer state;               /* the element's stream state, or NULL */
} VfPlane;

/* All an element tells the base class: its metadata, its parameters (a
 * params_size-byte struct described by `params`, whose bytes from
 * derived_offset on belong to prepare) and its hooks. */
typedef struct
{
  const gchar *longname;
  const gchar *description;
  VfBorder default_border;
  gsize params_size;
  gsize derived_offset;
  const VfParam *params;
  guint n_params;
  /* bytes from derived_offset to params_size are derived by prepare:
   * zeroed in a copy, released by params_clear */
  /* Release what prepare derived (optional). */
  void (*params_clear) (gpointer params);
  /* The one validation of a whole set, and where derived state is made:
   * FALSE + an error naming the property, the value and what was expected
   * when the set is invalid (it then changes nothing).  Must have no side
   * effect outside params. */
    gboolean (*prepare) (VfFilter * self, gpointer params, GError ** error);
  /* Kernel size and anchor of a prepared set. */
  void (*extent) (gconstpointer params, VfExtent * extent);
  /* Filter one plane (VfPlane).  FALSE when the kernel could not get its
   * memory (the frame then fails with an element error). */
    gboolean (*filter_plane) (VfFilter * self, const VfSnapshot * snap,
      const VfPlane * plane, VfkPool * pool);
  /* Elements with a history (optional): the state of one stream, made at
   * start, handed to filter_plane, forgotten (reset) where the stream
   * breaks — new caps, a flush, a new segment or stream, a DISCONT
   * buffer — and freed at stop. */
    gpointer (*state_new) (void);
  void (*state_reset) (gpointer state);
  void (*state_free) (gpointer state);
} VfElementInfo;

struct _VfFilterClass
{
  GstVideoFilterClass parent_class;

  const VfElementInfo *info;    /* set by vf_filter_class_setup */
  GParamSpec **pspecs;          /* by parameter index, common ones first */
};

/* The class_init of every element: metadata, pad templates, the common
 * properties (border with its default, border-value, n-threads) and the
 * element's own, the hooks. */
void vf_filter_class_setup (VfFilterClass * klass, const VfElementInfo * info);

/* Adds the sink and src pad templates with VF_FILTER_FORMATS. */
void vf_filter_class_add_pad_templates (GstElementClass * element_class);

/* The error domain of prepare's refusals. */
#define VF_FILTER_ERROR (vf_filter_error_quark ())
GQuark vf_filter_error_quark (void);

/* The snapshot in effect now (new reference); for tests and tools. */
VfSnapshot *vf_filter_get_snapshot (VfFilter * self);
void vf_snapshot_unref (VfSnapshot * snap);

/* Largest frame side the elements accept (band arithmetic stays in int). */
#define VF_FILTER_MAX_SIDE 16384

G_END_DECLS
#endif
