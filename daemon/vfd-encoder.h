/* H.264 encoding for the network sinks: a pipeline's encoder= key.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef VFD_ENCODER_H
#define VFD_ENCODER_H

#include <gst/gst.h>

G_BEGIN_DECLS
/* encoder=[NAME] [bitrate=KBIT/S] [keyframe-interval=FRAMES]
 *         [size=WIDTHxHEIGHT] [rate=N/D]
 * NAME: auto (default: a VA-API encoder where a GPU offers one, else
 * openh264enc, else x264enc), va, openh264 or x264.  Defaults: 2000 kbit/s,
 * a key frame every 60 frames (and whenever a client asks), the
 * pipeline's size and rate.  Low latency always: no B-frames. */
#define VFD_ENCODER_FORM "[auto|va|openh264|x264] [bitrate=KBIT/S] " \
  "[keyframe-interval=FRAMES] [size=WIDTHxHEIGHT] [rate=N/D]"
/* The value well formed and its encoder installed; the error names the
 * part that is not and what was expected. */
    gboolean vfd_encoder_check (const gchar * spec, GError ** error);

/* [videoscale ! videorate ! raw caps] videoconvert ! the H.264 encoder of
 * `spec` (NULL: auto) ! h264parse ! byte-stream access units ! the `tail`
 * factories, in a bin with a "sink" ghost pad; *last: the last of them.
 * `uri` names the sink in errors. */
GstElement *vfd_h264_sink_new (const gchar * uri, const gchar * spec,
    const gchar * const *tail, GstElement ** last, GError ** error);

G_END_DECLS
#endif
