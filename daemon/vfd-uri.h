/* Source and sink URIs of the config file and D-Bus API.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef VFD_URI_H
#define VFD_URI_H

#include <gst/gst.h>

#include "vfd-config.h"

G_BEGIN_DECLS
#define VFD_ERROR (vfd_error_quark ())
    GQuark vfd_error_quark (void);

typedef enum
{
  VFD_ERROR_INVALID,            /* -> org.freedesktop.DBus.Error.InvalidArgs */
  VFD_ERROR_NOT_FOUND,          /* -> org.vfilterd.VFilter1.Error.NotFound */
  VFD_ERROR_FAILED,             /* -> org.vfilterd.VFilter1.Error.Failed */
} VfdError;

/* Makes error's message valid UTF-8 (a file quoted in it may not be) and
 * cuts it at about 1000 bytes, saying how long it was. */
void vfd_error_sanitize (GError * error);

/* A bin with one "src" ghost pad producing raw video, for
 * v4l2:///dev/videoN, file:///path, test:[PATTERN], gst:DESCRIPTION. */
GstElement *vfd_source_new (const gchar * uri, GError ** error);
/* The same, for a pipeline whose caps are `caps` (may be NULL): a camera
 * that offers MJPEG is asked for that size and rate, raw or JPEG (decoded). */
GstElement *vfd_source_new_full (const gchar * uri, const gchar * caps,
    GError ** error);
/* A bin with one "sink" ghost pad accepting raw video, for preview, null,
 * file:///path.{mkv,webm}, v4l2:///dev/videoN, pipewire:[//NODE-NAME],
 * rtsp-server:, rtsp://, srt://, gst:DESCRIPTION.  From the pipeline's
 * configuration `pc` (may be NULL: defaults) it takes the name (a
 * PipeWire node's and an RTSP mount's), `standby` (what a virtual camera
 * shows while no frame comes, vfd-outlet.h) and `encoder` (vfd-encoder.h). */
GstElement *vfd_sink_new (const gchar * uri, const VfdPipelineConfig * pc,
    GError ** error);
/* A bin ("sink") of the given elements linked in order, ghosting the
 * first one's sink pad; els[i] receives each element (owned by the bin). */
GstElement *vfd_sink_chain (const gchar * const *factories, GstElement ** els,
    GError ** error);
/* To call once a v4l2:// source bin is in NULL and out of its pipeline:
 * releases what v4l2src may have leaked of its device (see vfd-uri.c).
 * Returns the number of descriptors released. */
guint vfd_source_release (GstElement * bin);
/* Validation only. */
gboolean vfd_source_check (const gchar * uri, GError ** error);

gboolean vfd_sink_check (const gchar * uri, const VfdPipelineConfig * pc,
    GError ** error);
/* The V4L2 device path of a v4l2:// URI, or NULL. */
gchar *vfd_uri_v4l2_path (const gchar * uri);

G_END_DECLS
#endif
