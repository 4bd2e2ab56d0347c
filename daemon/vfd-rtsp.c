/* The daemon's RTSP server: [server] rtsp=ADDRESS:PORT, sink=rtsp-server:.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * gst-rtsp-server on the main context.  A pipeline's rtsp-server: sink
 * encodes once (videoconvert ! x264enc, low latency ! h264parse !
 * appsink); its mount is a shared media factory whose pipeline is only
 * appsrc ! h264parse ! rtph264pay, fed from that appsink.  So clients come
 * and go without touching the filter pipeline, and however many there are
 * the picture is encoded once; every client that starts playing gets a
 * key frame at once (a force-key-unit event up to the encoder), not at the
 * next interval. */
#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/rtsp-server/rtsp-server.h>
#include <gst/video/video.h>

#include "vfd-encoder.h"
#include "vfd-metrics.h"
#include "vfd-rtsp.h"
#include "vfd-uri.h"

static GstRTSPServer *server;
static guint server_source;
static gchar *server_address;
static gint clients;            /* atomic */
static GMutex mounts_lock;
static GHashTable *mounts;      /* the live Mounts (set) */

typedef struct
{
  gchar *pipeline, *path;
  GstRTSPMediaFactory *factory;
  GstElement *appsink;          /* a reference: kept while in mounts */
  GMutex lock;
  GList *srcs;                  /* appsrcs of the prepared media; each
                                 * stamps what it is given with its media's
                                 * running time (do-timestamp: frames
                                 * carrying the encoder's own spacing made
                                 * every client of a run wait forever one
                                 * run in ten) */
  gboolean mounted;
} Mount;

static void
key_frame_now (GstElement * appsink)
{
  GstPad *pad = gst_element_get_static_pad (appsink, "sink");
  gst_pad_push_event (pad, gst_video_event_new_upstream_force_key_unit
      (GST_CLOCK_TIME_NONE, TRUE, 0));
  gst_object_unref (pad);
}

static void
client_closed (GstRTSPClient * client, gpointer data)
{
  g_atomic_int_add (&clients, -1);
}

/* A client joining a shared media already playing would otherwise wait
 * for the encoder's next key frame (up to key-int-max frames) and decode
 * nothing, or grey, meanwhile. */
static void
play_request (GstRTSPClient * client, GstRTSPContext * ctx, gpointer data)
{
  gpointer m = ctx->media ? g_object_get_data (G_OBJECT (ctx->media),
      "vfd-mount") : NULL;
  GstElement *appsink = NULL;

  g_mutex_lock (&mounts_lock);
  if (m && mounts && g_hash_table_contains (mounts, m))
    appsink = gst_object_ref (((Mount *) m)->appsink);
  g_mutex_unlock (&mounts_lock);
  if (appsink) {
    key_frame_now (appsink);
    gst_object_unref (appsink);
  }
}

static void
client_connected (GstRTSPServer * s, GstRTSPClient * client, gpointer data)
{
  g_atomic_int_add (&clients, 1);
  g_signal_connect (client, "closed", G_CALLBACK (client_closed), NULL);
  g_signal_connect (client, "play-request", G_CALLBACK (play_request), NULL);
}

gboolean
vfd_rtsp_serve (const gchar * address, GError ** error)
{
  GstRTSPServer *s = NULL;
  guint source = 0;

  if (g_strcmp0 (address, server_address) == 0)
    return TRUE;
  if (address) {
    GSocketConnectable *c = g_network_address_parse (address, 0, NULL);
    gchar *port = g_strdup_printf ("%u",
        g_network_address_get_port (G_NETWORK_ADDRESS (c)));
    s = gst_rtsp_server_new ();
    gst_rtsp_server_set_address (s,
        g_network_address_get_hostname (G_NETWORK_ADDRESS (c)));
    gst_rtsp_server_set_service (s, port);
    g_free (port);
    g_object_unref (c);
    source = gst_rtsp_server_attach (s, NULL);
    if (!source) {
      g_set_error (error, VFD_ERROR, VFD_ERROR_FAILED, "rtsp: cannot listen "
          "on %s (in use?)", address);
      g_object_unref (s);
      return FALSE;
    }
    g_signal_connect (s, "client-connected", G_CALLBACK (client_connected),
        NULL);
  }
  if (server) {
    g_source_remove (server_source);
    g_object_unref (server);
  }
  server = s;
  server_source = source;
  g_free (server_address);
  server_address = g_strdup (address);
  if (s)
    g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_MESSAGE, "MESSAGE", "RTSP "
        "server at rtsp://%s/", address);
  return TRUE;
}

const gchar *
vfd_rtsp_address (void)
{
  return server_address;
}

guint
vfd_rtsp_clients (void)
{
  return g_atomic_int_get (&clients);
}

/* ---- a mount ---------------------------------------------------------------- */

static void
media_gone (GstRTSPMedia * media, gpointer data)
{
  Mount *m = data;
  GstElement *src = g_object_get_data (G_OBJECT (media), "vfd-src");

  g_mutex_lock (&m->lock);
  m->srcs = g_list_remove (m->srcs, src);
  g_mutex_unlock (&m->lock);
}

static void
media_configure (GstRTSPMediaFactory * f, GstRTSPMedia * media, gpointer data)
{
  Mount *m = data;
  GstElement *bin = gst_rtsp_media_get_element (media);
  GstElement *src = gst_bin_get_by_name (GST_BIN (bin), "src");

  g_object_set_data_full (G_OBJECT (media), "vfd-src", src, gst_object_unref);
  g_object_set_data (G_OBJECT (media), "vfd-mount", m);
  g_signal_connect (media, "unprepared", G_CALLBACK (media_gone), m);
  g_mutex_lock (&m->lock);
  m->srcs = g_list_prepend (m->srcs, src);
  g_mutex_unlock (&m->lock);
  gst_object_unref (bin);
  key_frame_now (m->appsink);
}

static GstFlowReturn
encoded (GstAppSink * sink, gpointer data)
{
  Mount *m = data;
  GstSample *s = gst_app_sink_pull_sample (sink);
  GstBuffer *buf;

  if (!s)
    return GST_FLOW_EOS;
  if (!m->mounted && server) {
    GstRTSPMountPoints *mp = gst_rtsp_server_get_mount_points (server);
    gst_rtsp_mount_points_add_factory (mp, m->path, g_object_ref (m->factory));
    g_object_unref (mp);
    m->mounted = TRUE;
  }
  buf = gst_sample_get_buffer (s);
  g_mutex_lock (&m->lock);
  for (GList * l = m->srcs; l; l = l->next) {
    GstBuffer *b = gst_buffer_copy_region (buf, GST_BUFFER_COPY_FLAGS |
        GST_BUFFER_COPY_MEMORY, 0, -1);
    g_object_set (l->data, "caps", gst_sample_get_caps (s), NULL);
    gst_app_src_push_buffer (GST_APP_SRC (l->data), b);
  }
  g_mutex_unlock (&m->lock);
  gst_sample_unref (s);
  return GST_FLOW_OK;
}

static void
mount_free (gpointer data)
{
  Mount *m = data;

  g_mutex_lock (&mounts_lock);
  g_hash_table_remove (mounts, m);
  g_mutex_unlock (&mounts_lock);
  if (m->mounted && server) {
    GstRTSPMountPoints *mp = gst_rtsp_server_get_mount_points (server);
    gst_rtsp_mount_points_remove_factory (mp, m->path);
    g_object_unref (mp);
  }
  g_object_unref (m->factory);
  g_list_free (m->srcs);
  gst_object_unref (m->appsink);
  g_mutex_clear (&m->lock);
  g_free (m->pipeline);
  g_free (m->path);
  g_free (m);
}

GstElement *
vfd_rtsp_sink_new (const gchar * pipeline, const gchar * uri,
    const gchar * encoder, GError ** error)
{
  static const gchar *const tail[] = { "appsink", NULL };
  GstAppSinkCallbacks cb = {.new_sample = encoded };
  GstElement *bin, *appsink;
  Mount *m;

  if (!(bin = vfd_h264_sink_new (uri, encoder, tail, &appsink, error)))
    return NULL;
  /* a fan-out to clients: it takes no part in the pipeline's preroll
   * (with openh264 and a publisher beside it, it held the pipeline in
   * 'starting' for good) */
  g_object_set (appsink, "sync", TRUE, "async", FALSE, "max-buffers", 8, "drop",
      TRUE, "enable-last-sample", FALSE, NULL);

  m = g_new0 (Mount, 1);
  m->pipeline = g_strdup (pipeline);
  m->path = g_strdup_printf ("/%s", pipeline);
  m->appsink = gst_object_ref (appsink);
  g_mutex_init (&m->lock);
  m->factory = gst_rtsp_media_factory_new ();
  gst_rtsp_media_factory_set_launch (m->factory, "( appsrc name=src "
      "is-live=true format=time do-timestamp=true ! h264parse ! "
      "rtph264pay name=pay0 pt=96 )");
  gst_rtsp_media_factory_set_shared (m->factory, TRUE);
  g_signal_connect (m->factory, "media-configure",
      G_CALLBACK (media_configure), m);
  gst_app_sink_set_callbacks (GST_APP_SINK (appsink), &cb, m, NULL);
  g_object_set_data_full (G_OBJECT (bin), "vfd-rtsp", m, mount_free);
  g_mutex_lock (&mounts_lock);
  if (!mounts)
    mounts = g_hash_table_new (NULL, NULL);
  g_hash_table_add (mounts, m);
  g_mutex_unlock (&mounts_lock);
  return bin;
}

/* Publishing.  A receiver that goes away (or is not there yet) is a
 * failure the daemon retries, as it does a vanished camera (vfd-state.c:
 * "vfd-retry"): State reconnecting, reconnects counted, back by itself. */
static GstElement *
retried (GstElement * bin)
{
  g_object_set_data (G_OBJECT (bin), "vfd-retry", GINT_TO_POINTER (TRUE));
  return bin;
}

/* rtsp://HOST:PORT/PATH: RTSP RECORD (ANNOUNCE, SETUP, RECORD) over TCP,
 * which media routers (MediaMTX, go2rtc) accept as a publisher. */
GstElement *
vfd_rtsp_publish_new (const gchar * uri, const gchar * encoder, GError ** error)
{
  static const gchar *const tail[] = { "rtspclientsink", NULL };
  GstElement *bin, *sink;

  if (!(bin = vfd_h264_sink_new (uri, encoder, tail, &sink, error)))
    return NULL;
  gst_util_set_object_arg (G_OBJECT (sink), "protocols", "tcp");
  g_object_set (sink, "location", uri, "latency", 0, NULL);
  return retried (bin);
}

/* srt://HOST:PORT?…: caller mode, MPEG-TS. */
GstElement *
vfd_srt_sink_new (const gchar * uri, const gchar * encoder, GError ** error)
{
  static const gchar *const tail[] = { "mpegtsmux", "srtsink", NULL };
  GstElement *bin, *srt;
  GstPad *pad, *peer;

  if (!(bin = vfd_h264_sink_new (uri, encoder, tail, &srt, error)))
    return NULL;
  /* 7 TS packets per buffer: one SRT payload (1316 bytes), which readers
   * such as ffmpeg need */
  pad = gst_element_get_static_pad (srt, "sink");
  peer = gst_pad_get_peer (pad);
  g_object_set (GST_PAD_PARENT (peer), "alignment", 7, NULL);
  gst_object_unref (peer);
  gst_object_unref (pad);
  /* a lost receiver is the daemon's to retry, not a silent reconnect
   * inside the element */
  g_object_set (srt, "uri", uri, "sync", FALSE, "auto-reconnect", FALSE, NULL);
  return retried (bin);
}
