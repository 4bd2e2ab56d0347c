/* The daemon's RTSP server: [server] rtsp=ADDRESS:PORT, sink=rtsp-server:.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef VFD_RTSP_H
#define VFD_RTSP_H

#include <gst/gst.h>

G_BEGIN_DECLS
/* Starts (address non-NULL) or stops the one RTSP server, on the main
 * context; an address that cannot be had leaves the running one. */
    gboolean vfd_rtsp_serve (const gchar * address, GError ** error);
/* ADDRESS:PORT of the running server, or NULL. */
const gchar *vfd_rtsp_address (void);
/* Clients connected now (all mounts). */
guint vfd_rtsp_clients (void);

/* A sink bin encoding H.264 once (vfd-encoder.h: `encoder`, NULL: auto),
 * served at rtsp://ADDRESS:PORT/PIPELINE to any number of clients; mounted
 * with the first frame, unmounted with the bin. */
GstElement *vfd_rtsp_sink_new (const gchar * pipeline, const gchar * uri,
    const gchar * encoder, GError ** error);
/* rtsp://HOST:PORT/PATH: H.264 published by RTSP RECORD; the pipeline
 * reconnects when the server goes away. */
GstElement *vfd_rtsp_publish_new (const gchar * uri, const gchar * encoder,
    GError ** error);
/* srt://HOST:PORT?…: H.264 in MPEG-TS pushed to an SRT listener; the
 * pipeline reconnects when the listener goes away. */
GstElement *vfd_srt_sink_new (const gchar * uri, const gchar * encoder,
    GError ** error);

G_END_DECLS
#endif
