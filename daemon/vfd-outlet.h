/* Virtual cameras that stay: the v4l2:// and pipewire: sinks.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef VFD_OUTLET_H
#define VFD_OUTLET_H

#include <gst/gst.h>

G_BEGIN_DECLS

typedef enum {
  VFD_OUTLET_V4L2,              /* target: a V4L2 output node's path */
  VFD_OUTLET_PIPEWIRE,          /* target: the PipeWire node.name */
} VfdOutletKind;

/* What a virtual camera shows while the pipeline gives no frame (a camera
 * reconnecting, an edit, a stop): "last" (the last frame), "black", or
 * file:///PICTURE (any still GStreamer decodes, fitted to the size). */
#define VFD_STANDBY_DEFAULT "last"
gboolean vfd_standby_check (const gchar * standby, GError ** error);

/* A sink bin (one "sink" ghost pad, raw video) writing YUY2 at the size and
 * rate of its first caps to `target` for as long as the bin lives, through
 * the pipeline's failures and edits.  `label`: the PipeWire
 * node.description; `uri`: the sink as the user wrote it (messages);
 * `pipeline`: the pipeline's name (log lines). */
GstElement *vfd_outlet_sink_new (VfdOutletKind kind, const gchar * target,
    const gchar * label, const gchar * standby, const gchar * uri,
    const gchar * pipeline, GError ** error);

G_END_DECLS
#endif
