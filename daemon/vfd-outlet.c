/* Virtual cameras that stay: the v4l2:// and pipewire: sinks.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * An application reading a virtual camera must neither lose the device nor
 * freeze when the pipeline behind it fails, retries or is edited.  So the
 * pipeline's sink bin ends in an appsink that hands each frame to an
 * outlet, and the outlet -- not the pipeline -- holds the output:
 *
 * - a V4L2 output node (v4l2loopback), written with write (): the reader
 *   gets bytesused = the frame's exact size (GStreamer's v4l2sink queues
 *   page-rounded buffers, which ffmpeg and libwebrtc refuse) and an
 *   increasing sequence; the node is told the pipeline's rate (S_PARM);
 * - a PipeWire node (media.class Video/Source, media.role Camera): a small
 *   pipeline of its own, appsrc ! identity drop-allocation ! pipewiresink
 *   (pipewiresink 0.3.65 crashes on a consumer's buffer pool otherwise).
 *
 * The bin, and so the outlet, lives as long as the pipeline has this sink:
 * through NULL states (a camera reconnecting, a source swap, Stop).  While
 * no frame comes for STANDBY_AFTER_US (or two frame intervals, if longer) a
 * thread writes the standby frame at the camera's rate (the last frame,
 * black, or a picture), so readers keep streaming at the same size; the
 * live picture follows the moment the pipeline delivers again.  One
 * pipeline writes a camera.  Size, format and rate are the first caps' for
 * the outlet's whole life (a camera does not change mode under a reader):
 * later input is converted and scaled to them. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/videodev2.h>
#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/video/video.h>

#include "vfd-outlet.h"
#include "vfd-ratelimit.h"
#include "vfd-uri.h"

#define DEFAULT_FPS 30
/* A frame this late is a camera away, not a camera's jitter: a webcam
 * lowers its rate in low light (30 to 15 or 7.5 fps under the same caps)
 * and a loaded machine delivers now and then 200 ms late; a reader then
 * waits for the live frame rather than see the standby picture flash. */
#define STANDBY_AFTER_US (G_USEC_PER_SEC / 2)

typedef struct
{
  VfdOutletKind kind;
  gchar *target, *label, *standby, *uri, *pipeline;

  GMutex lock;
  GCond cond;
  GThread *filler;
  gboolean quit;

  gboolean open;
  GstVideoInfo info;
  gint64 interval;              /* µs per frame */
  gint fd;                      /* V4L2 */
  GstElement *pw, *appsrc;      /* PipeWire */
  GstBuffer *last;              /* the last live frame */
  GstBuffer *still;             /* the standby frame when not "last" */
  gint64 last_live, last_out;   /* monotonic µs */
  gboolean standing_by;
  guint64 live, filled;
  gint64 write_us;              /* time in write (): what a frame costs */

  gchar *key;                   /* in the registry */
  guint users;                  /* sink bins (registry_lock) */
  guint linger;                 /* the timer closing it when none is left */
} Outlet;

/* One outlet per device or node: a pipeline built again (a reload that
 * changed it, a sink set again) finds its camera still open, showing the
 * standby picture, and goes on in the same stream.  An outlet no bin uses
 * any more stays LINGER_S seconds, then closes. */
#define LINGER_S 5
static GMutex registry_lock;
static GHashTable *registry;    /* key -> Outlet (one reference) */

static void
warn (Outlet * o, const gchar * what, const gchar * text)
{
  gchar *key = g_strdup_printf ("%s\n%s\n%s", o->pipeline, o->uri, what);
  gchar *line = g_strdup_printf ("pipeline '%s': sink '%s': %s", o->pipeline,
      o->uri, text);
  vfd_warn_limited (o->pipeline, key, line);
  g_free (line);
  g_free (key);
}

/* ---- the standby frame --------------------------------------------------- */

gboolean
vfd_standby_check (const gchar * standby, GError ** error)
{
  gchar *path;

  if (!standby || g_str_equal (standby, "last") || g_str_equal (standby,
          "black"))
    return TRUE;
  path = g_str_has_prefix (standby, "file:") ?
      g_filename_from_uri (standby, NULL, NULL) : NULL;
  if (!path) {
    g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "standby '%s' is not "
        "one of last, black, file:///PICTURE", standby);
    return FALSE;
  }
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR)) {
    g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "standby '%s': no "
        "such picture file", standby);
    g_free (path);
    return FALSE;
  }
  g_free (path);
  return TRUE;
}

/* YUY2 black: Y 16, U and V 128. */
static GstBuffer *
black_frame (const GstVideoInfo * info)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, info->size, NULL);
  GstMapInfo m;
  gsize i;

  gst_buffer_map (buf, &m, GST_MAP_WRITE);
  for (i = 0; i + 1 < m.size; i += 2) {
    m.data[i] = 16;
    m.data[i + 1] = 128;
  }
  gst_buffer_unmap (buf, &m);
  return buf;
}

/* The picture decoded once, fitted (letterboxed) to the camera's size. */
static GstBuffer *
picture_frame (const gchar * uri, const GstVideoInfo * info, GError ** error)
{
  gchar *path = g_filename_from_uri (uri, NULL, NULL);
  gchar *clean = path ? g_filename_to_uri (path, NULL, NULL) : NULL;
  gchar *desc = g_strdup_printf ("uridecodebin uri=%s ! videoconvert ! "
      "videoscale ! video/x-raw,format=YUY2,width=%d,height=%d,"
      "pixel-aspect-ratio=1/1 ! appsink name=out sync=false", clean,
      info->width, info->height);
  GstElement *p = clean ? gst_parse_launch (desc, error) : NULL;
  GstBuffer *buf = NULL;

  if (p) {
    GstElement *out = gst_bin_get_by_name (GST_BIN (p), "out");
    GstSample *s;
    gst_element_set_state (p, GST_STATE_PLAYING);
    s = gst_app_sink_try_pull_sample (GST_APP_SINK (out), 5 * GST_SECOND);
    if (s && gst_buffer_get_size (gst_sample_get_buffer (s)) == info->size)
      buf = gst_buffer_copy_deep (gst_sample_get_buffer (s));
    else
      g_set_error (error, VFD_ERROR, VFD_ERROR_FAILED, "standby '%s' could "
          "not be decoded as a picture", uri);
    if (s)
      gst_sample_unref (s);
    gst_element_set_state (p, GST_STATE_NULL);
    gst_object_unref (out);
    gst_object_unref (p);
  } else if (!clean) {
    g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "standby '%s' is not "
        "a file URI", uri);
  }
  g_free (desc);
  g_free (clean);
  g_free (path);
  return buf;
}

/* ---- the outputs ---------------------------------------------------------- */

static gboolean
v4l2_open (Outlet * o, GError ** error)
{
  struct v4l2_capability cap = { 0 };
  struct v4l2_format f = {.type = V4L2_BUF_TYPE_VIDEO_OUTPUT };
  struct v4l2_streamparm parm = {.type = V4L2_BUF_TYPE_VIDEO_OUTPUT };
  const gint w = o->info.width, h = o->info.height;
  guint32 caps;
  gboolean loopback;

  /* never blocking the streaming thread on a device */
  o->fd = open (o->target, O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (o->fd < 0) {
    g_set_error (error, VFD_ERROR, VFD_ERROR_FAILED, "sink '%s': cannot "
        "open %s: %s", o->uri, o->target, g_strerror (errno));
    return FALSE;
  }
  if (ioctl (o->fd, VIDIOC_QUERYCAP, &cap) < 0) {
    g_set_error (error, VFD_ERROR, VFD_ERROR_FAILED, "sink '%s': %s is not "
        "a V4L2 device", o->uri, o->target);
    return FALSE;
  }
  caps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps :
      cap.capabilities;
  /* v4l2loopback with exclusive_caps=1 shows capture only once a writer
   * has been there (its own logic): it takes a writer all the same */
  loopback = g_str_equal ((const gchar *) cap.driver, "v4l2 loopback");
  if (!(caps & V4L2_CAP_READWRITE) || !(loopback
          || (caps & V4L2_CAP_VIDEO_OUTPUT))) {
    g_set_error (error, VFD_ERROR, VFD_ERROR_FAILED, "sink '%s': %s (%s) is "
        "not a video output node that takes write () (expected a "
        "v4l2loopback device: modprobe v4l2loopback video_nr=10 "
        "exclusive_caps=1)", o->uri, o->target, (const gchar *) cap.card);
    return FALSE;
  }
  f.fmt.pix.width = w;
  f.fmt.pix.height = h;
  f.fmt.pix.pixelformat = V4L2_PIX_FMT_YUYV;
  f.fmt.pix.field = V4L2_FIELD_NONE;
  f.fmt.pix.bytesperline = w * 2;
  f.fmt.pix.sizeimage = w * h * 2;
  f.fmt.pix.colorspace = V4L2_COLORSPACE_SRGB;
  errno = 0;
  if (ioctl (o->fd, VIDIOC_S_FMT, &f) < 0 || f.fmt.pix.width != (guint) w
      || f.fmt.pix.height != (guint) h
      || f.fmt.pix.pixelformat != V4L2_PIX_FMT_YUYV
      || f.fmt.pix.bytesperline != (guint) w * 2) {
    g_set_error (error, VFD_ERROR, VFD_ERROR_FAILED, "sink '%s': %s does not "
        "take YUYV %dx%d (%s; v4l2loopback keeps one size while a reader "
        "holds the node)", o->uri, o->target, w, h,
        errno ? g_strerror (errno) : "it offers another size");
    return FALSE;
  }
  /* v4l2loopback knows its writer by STREAMON: announced as an output
   * node again when it leaves (write () alone would hide the node from
   * every later writer until the module is reloaded) */
  if (loopback) {
    gint type = V4L2_BUF_TYPE_VIDEO_OUTPUT;
    if (ioctl (o->fd, VIDIOC_STREAMON, &type) < 0)
      g_debug ("sink '%s': STREAMON: %s", o->uri, g_strerror (errno));
  }
  /* the rate readers see (VIDIOC_G_PARM, ENUM_FRAMEINTERVALS); a node that
   * has no rate of its own (vivid's output) refuses it, which is fine */
  parm.parm.output.timeperframe.numerator = o->info.fps_d;
  parm.parm.output.timeperframe.denominator = o->info.fps_n;
  if (ioctl (o->fd, VIDIOC_S_PARM, &parm) < 0)
    g_debug ("sink '%s': %s has no frame rate to set: %s", o->uri, o->target,
        g_strerror (errno));
  return TRUE;
}

static gboolean
pw_open (Outlet * o, GstCaps * caps, GError ** error)
{
  GstElement *identity, *sink;
  GstStructure *props;

  o->pw = gst_pipeline_new (NULL);
  o->appsrc = gst_element_factory_make ("appsrc", NULL);
  identity = gst_element_factory_make ("identity", NULL);
  sink = gst_element_factory_make ("pipewiresink", NULL);
  if (!o->appsrc || !identity || !sink) {
    g_set_error (error, VFD_ERROR, VFD_ERROR_FAILED, "sink '%s': GStreamer's "
        "pipewiresink is missing (install gstreamer1.0-pipewire)", o->uri);
    if (o->appsrc)
      gst_object_unref (gst_object_ref_sink (o->appsrc));
    if (identity)
      gst_object_unref (gst_object_ref_sink (identity));
    o->appsrc = NULL;
    return FALSE;
  }
  g_object_set (o->appsrc, "is-live", TRUE, "format", GST_FORMAT_TIME,
      "do-timestamp", TRUE, "caps", caps, "max-buffers", (guint64) 2, NULL);
  gst_app_src_set_leaky_type (GST_APP_SRC (o->appsrc),
      GST_APP_LEAKY_TYPE_DOWNSTREAM);
  /* pipewiresink 0.3.65 crashes when a consumer's buffers are proposed */
  g_object_set (identity, "drop-allocation", TRUE, NULL);
  props = gst_structure_new ("props", "media.class", G_TYPE_STRING,
      "Video/Source", "media.role", G_TYPE_STRING, "Camera", "node.name",
      G_TYPE_STRING, o->target, "node.description", G_TYPE_STRING, o->label,
      NULL);
  gst_util_set_object_arg (G_OBJECT (sink), "mode", "provide");
  g_object_set (sink, "stream-properties", props, "client-name", "vfilterd",
      "sync", FALSE, NULL);
  gst_structure_free (props);
  gst_object_ref (o->appsrc);
  gst_bin_add_many (GST_BIN (o->pw), o->appsrc, identity, sink, NULL);
  gst_element_link_many (o->appsrc, identity, sink, NULL);
  if (gst_element_set_state (o->pw, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE) {
    GstBus *bus = gst_element_get_bus (o->pw);
    GstMessage *m = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
    GError *e = NULL;
    if (m)
      gst_message_parse_error (m, &e, NULL);
    g_set_error (error, VFD_ERROR, VFD_ERROR_FAILED, "sink '%s': cannot "
        "publish the PipeWire node '%s': %s (is PipeWire running for this "
        "user?)", o->uri, o->target, e ? e->message : "refused");
    g_clear_error (&e);
    if (m)
      gst_message_unref (m);
    gst_object_unref (bus);
    return FALSE;
  }
  return TRUE;
}

static void
close_outputs (Outlet * o)
{
  if (o->fd >= 0)
    close (o->fd);
  o->fd = -1;
  if (o->pw) {
    gst_element_set_state (o->pw, GST_STATE_NULL);
    gst_clear_object (&o->pw);
  }
  gst_clear_object (&o->appsrc);
  o->open = FALSE;
}

/* One frame out (lock held). */
static void
emit (Outlet * o, GstBuffer * buf)
{
  o->last_out = g_get_monotonic_time ();
  if (o->kind == VFD_OUTLET_V4L2) {
    GstMapInfo m;
    gssize n;
    gint64 t0 = g_get_monotonic_time ();
    gst_buffer_map (buf, &m, GST_MAP_READ);
    n = write (o->fd, m.data, m.size);
    o->write_us += g_get_monotonic_time () - t0;
    if (n != (gssize) m.size) {
      gchar *t = g_strdup_printf ("%s refused a frame: %s", o->target,
          n < 0 ? g_strerror (errno) : "short write");
      warn (o, "write", t);
      g_free (t);
    }
    gst_buffer_unmap (buf, &m);
  } else {
    /* a buffer of our own each time: appsrc stamps it */
    GstBuffer *b = gst_buffer_copy_region (buf, GST_BUFFER_COPY_MEMORY, 0, -1);
    gst_app_src_push_buffer (GST_APP_SRC (o->appsrc), b);
  }
}

static gpointer
fill (gpointer data)
{
  Outlet *o = data;

  g_mutex_lock (&o->lock);
  while (!o->quit) {
    const gint64 now = g_get_monotonic_time ();
    if (now < o->last_out + o->interval) {
      g_cond_wait_until (&o->cond, &o->lock, o->last_out + o->interval);
    } else if (now - o->last_live < MAX (STANDBY_AFTER_US, 2 * o->interval)) {
      /* live frames are coming: the next one is due */
      g_cond_wait_until (&o->cond, &o->lock, now + o->interval);
    } else if (!o->still && !o->last) {
      g_cond_wait_until (&o->cond, &o->lock, now + o->interval);
    } else {
      if (!o->standing_by) {
        gchar *t = g_strdup_printf ("no frame from the pipeline: showing the "
            "standby picture (%s) at %d/%d", o->standby, o->info.fps_n,
            o->info.fps_d);
        g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_MESSAGE, "PIPELINE",
            o->pipeline, "MESSAGE", "pipeline '%s': sink '%s': %s",
            o->pipeline, o->uri, t);
        g_free (t);
        o->standing_by = TRUE;
      }
      emit (o, o->still ? o->still : o->last);
      o->filled++;
    }
  }
  g_mutex_unlock (&o->lock);
  return NULL;
}

/* The first frame fixes the output (lock held). */
static gboolean
outlet_open (Outlet * o, GstCaps * caps, GError ** error)
{
  GError *e = NULL;

  if (!gst_video_info_from_caps (&o->info, caps)) {
    g_set_error (error, VFD_ERROR, VFD_ERROR_FAILED, "sink '%s': no video "
        "caps to write", o->uri);
    return FALSE;
  }
  if (o->info.fps_n <= 0 || o->info.fps_d <= 0) {
    o->info.fps_n = DEFAULT_FPS;
    o->info.fps_d = 1;
  }
  o->interval = MAX (1000, gst_util_uint64_scale (G_USEC_PER_SEC,
          o->info.fps_d, o->info.fps_n));
  if (!(o->kind == VFD_OUTLET_V4L2 ? v4l2_open (o, error) :
          pw_open (o, caps, error))) {
    close_outputs (o);
    return FALSE;
  }
  gst_clear_buffer (&o->still);
  if (g_str_equal (o->standby, "black"))
    o->still = black_frame (&o->info);
  else if (!g_str_equal (o->standby, "last")
      && !(o->still = picture_frame (o->standby, &o->info, &e))) {
    gchar *t = g_strdup_printf ("%s: the last frame stands in", e->message);
    warn (o, "standby", t);
    g_free (t);
    g_error_free (e);
  }
  o->open = TRUE;
  if (!o->filler)
    o->filler = g_thread_new ("vfd-outlet", fill, o);
  return TRUE;
}

static GstFlowReturn
new_sample (GstAppSink * sink, gpointer data)
{
  Outlet *o = data;
  GstSample *s = gst_app_sink_pull_sample (sink);
  GstBuffer *buf;
  GError *e = NULL;

  if (!s)
    return GST_FLOW_EOS;
  buf = gst_sample_get_buffer (s);
  g_mutex_lock (&o->lock);
  if (!o->open && !outlet_open (o, gst_sample_get_caps (s), &e)) {
    g_mutex_unlock (&o->lock);
    gst_sample_unref (s);
    GST_ELEMENT_ERROR (sink, RESOURCE, OPEN_WRITE, ("%s", e->message), (NULL));
    g_error_free (e);
    return GST_FLOW_ERROR;
  }
  if (gst_buffer_get_size (buf) == o->info.size) {
    if (o->standing_by) {
      g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_MESSAGE, "PIPELINE",
          o->pipeline, "MESSAGE", "pipeline '%s': sink '%s': live again after "
          "%" G_GUINT64_FORMAT " standby frames", o->pipeline, o->uri,
          o->filled);
      o->standing_by = FALSE;
    }
    gst_buffer_replace (&o->last, buf);
    o->last_live = g_get_monotonic_time ();
    emit (o, buf);
    o->live++;
  } else {
    warn (o, "size", "a frame of another size than the camera's: skipped");
  }
  g_mutex_unlock (&o->lock);
  gst_sample_unref (s);
  return GST_FLOW_OK;
}

static void
outlet_free (gpointer data)
{
  Outlet *o = data;

  g_mutex_lock (&o->lock);
  o->quit = TRUE;
  g_cond_signal (&o->cond);
  g_mutex_unlock (&o->lock);
  if (o->filler)
    g_thread_join (o->filler);
  if (o->open)
    g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_MESSAGE, "PIPELINE",
        o->pipeline, "MESSAGE", "pipeline '%s': sink '%s' closed after %"
        G_GUINT64_FORMAT " live and %" G_GUINT64_FORMAT " standby frames",
        o->pipeline, o->uri, o->live, o->filled);
  close_outputs (o);
  gst_clear_buffer (&o->last);
  gst_clear_buffer (&o->still);
  g_mutex_clear (&o->lock);
  g_cond_clear (&o->cond);
  g_free (o->target);
  g_free (o->label);
  g_free (o->standby);
  g_free (o->uri);
  g_free (o->pipeline);
  g_free (o->key);
}

static void
outlet_release (gpointer data)
{
  g_atomic_rc_box_release_full (data, outlet_free);
}

static gboolean
linger_done (gpointer data)
{
  Outlet *o = data;
  gboolean gone;

  g_mutex_lock (&registry_lock);
  o->linger = 0;
  gone = o->users == 0;
  if (gone)
    g_hash_table_remove (registry, o->key);
  g_mutex_unlock (&registry_lock);
  if (gone)
    outlet_release (o);         /* the registry's reference */
  return G_SOURCE_REMOVE;
}

/* What a frame cost to write so far (logged when no pipeline uses the
 * camera any more: before it lingers, or the daemon exits). */
static void
log_cost (Outlet * o)
{
  g_mutex_lock (&o->lock);
  if (o->open && o->kind == VFD_OUTLET_V4L2 && o->live + o->filled)
    g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_MESSAGE, "PIPELINE",
        o->pipeline, "MESSAGE", "pipeline '%s': sink '%s': write () took %"
        G_GINT64_FORMAT " µs per %dx%d frame", o->pipeline, o->uri,
        o->write_us / (gint64) (o->live + o->filled), o->info.width,
        o->info.height);
  g_mutex_unlock (&o->lock);
}

/* A sink bin is gone (its qdata). */
static void
user_gone (gpointer data)
{
  Outlet *o = data;
  gboolean drop = FALSE, last;

  g_mutex_lock (&registry_lock);
  if ((last = --o->users == 0)) {
    if (g_atomic_int_get (&o->open))
      o->linger = g_timeout_add_seconds (LINGER_S, linger_done, o);
    else if ((drop = TRUE))
      g_hash_table_remove (registry, o->key);
  }
  g_mutex_unlock (&registry_lock);
  if (last)
    log_cost (o);
  if (drop)
    outlet_release (o);
  outlet_release (o);
}

/* The registry's outlet for `kind` and `target`, a new one if none, with a
 * reference and a user more; NULL if another pipeline writes it (a camera
 * has one writer: two pipelines' frames would alternate in it).  The same
 * pipeline's bins share it (a rebuild makes the new one before the old one
 * goes); one no bin uses any more (lingering) goes to whoever asks. */
static Outlet *
outlet_get (VfdOutletKind kind, const gchar * target, const gchar * label,
    const gchar * standby, const gchar * uri, const gchar * pipeline,
    GError ** error)
{
  gchar *key = g_strdup_printf ("%d:%s", kind, target);
  Outlet *o;

  pipeline = pipeline ? pipeline : "?";
  g_mutex_lock (&registry_lock);
  if (!registry)
    registry = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  o = g_hash_table_lookup (registry, key);
  if (o && o->users > 0 && !g_str_equal (o->pipeline, pipeline)) {
    g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "sink '%s': %s is "
        "pipeline '%s''s virtual camera (one pipeline writes a camera; "
        "give this one another device or node)", uri, target, o->pipeline);
    g_mutex_unlock (&registry_lock);
    g_free (key);
    return NULL;
  }
  if (o) {
    if (o->linger)
      g_source_remove (o->linger);
    o->linger = 0;
    if (!g_str_equal (o->pipeline, pipeline)) {
      /* only when lingering (above): its filler still logs with it */
      g_mutex_lock (&o->lock);
      g_free (o->pipeline);
      o->pipeline = g_strdup (pipeline);
      g_mutex_unlock (&o->lock);
    }
    g_free (key);
  } else {
    o = g_atomic_rc_box_new0 (Outlet);
    o->kind = kind;
    o->target = g_strdup (target);
    o->label = g_strdup (label ? label : target);
    o->standby = g_strdup (standby ? standby : VFD_STANDBY_DEFAULT);
    o->uri = g_strdup (uri);
    o->pipeline = g_strdup (pipeline);
    o->fd = -1;
    o->key = key;
    g_mutex_init (&o->lock);
    g_cond_init (&o->cond);
    g_hash_table_insert (registry, g_strdup (key), o);
  }
  o->users++;
  g_mutex_unlock (&registry_lock);
  return g_atomic_rc_box_acquire (o);
}

/* ---- the sink bin ---------------------------------------------------------- */

/* A virtual camera must not change mode under the applications reading it:
 * the first caps fix the size (width made even, as YUY2 needs) and the
 * rate; later input is scaled and re-timed to them. */
typedef struct
{
  GstElement *filter;
  Outlet *o;
} Lock;

static void
lock_free (gpointer data)
{
  Lock *l = data;
  gst_object_unref (l->filter);
  outlet_release (l->o);
  g_free (l);
}

static GstPadProbeReturn
lock_probe (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  Lock *l = data;
  GstElement *filter = l->filter;
  GstEvent *ev = GST_PAD_PROBE_INFO_EVENT (info);
  GstCaps *in, *locked;
  const GstStructure *st;
  gint w, h, n = DEFAULT_FPS, d = 1;

  if (GST_EVENT_TYPE (ev) != GST_EVENT_CAPS)
    return GST_PAD_PROBE_OK;
  gst_event_parse_caps (ev, &in);
  st = gst_caps_get_structure (in, 0);
  if (!gst_structure_get_int (st, "width", &w)
      || !gst_structure_get_int (st, "height", &h) || w < 2)
    return GST_PAD_PROBE_OK;
  if (!gst_structure_get_fraction (st, "framerate", &n, &d) || n <= 0) {
    n = DEFAULT_FPS;
    d = 1;
  }
  g_mutex_lock (&l->o->lock);
  if (l->o->open) {             /* the camera is open already: its mode */
    w = l->o->info.width;
    h = l->o->info.height;
    n = l->o->info.fps_n;
    d = l->o->info.fps_d;
  }
  g_mutex_unlock (&l->o->lock);
  locked = gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING,
      "YUY2", "width", G_TYPE_INT, w & ~1, "height", G_TYPE_INT, h,
      "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1, "framerate",
      GST_TYPE_FRACTION, n, d, NULL);
  g_object_set (filter, "caps", locked, NULL);
  gst_caps_unref (locked);
  return GST_PAD_PROBE_REMOVE;
}

GstElement *
vfd_outlet_sink_new (VfdOutletKind kind, const gchar * target,
    const gchar * label, const gchar * standby, const gchar * uri,
    const gchar * pipeline, GError ** error)
{
  static const gchar *const f[] = { "videoconvert", "videoscale",
    "videorate", "capsfilter", "appsink", NULL
  };
  GstElement *els[G_N_ELEMENTS (f)];
  GstAppSinkCallbacks cb = {.new_sample = new_sample };
  GstElement *bin;
  GstPad *pad;
  Outlet *o;
  Lock *l;

  if (!vfd_standby_check (standby, error)
      || !(o = outlet_get (kind, target, label, standby, uri, pipeline, error)))
    return NULL;
  if (!(bin = vfd_sink_chain (f, els, error))) {
    user_gone (o);
    return NULL;
  }
  /* the pipeline's clock paces a source that is not live */
  g_object_set (els[4], "sync", TRUE, "max-buffers", 2, "drop", TRUE,
      "enable-last-sample", FALSE, NULL);
  gst_app_sink_set_callbacks (GST_APP_SINK (els[4]), &cb,
      g_atomic_rc_box_acquire (o), outlet_release);
  g_object_set_data_full (G_OBJECT (bin), "vfd-outlet", o, user_gone);

  l = g_new0 (Lock, 1);
  l->filter = gst_object_ref (els[3]);
  l->o = g_atomic_rc_box_acquire (o);
  pad = gst_element_get_static_pad (bin, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, lock_probe,
      l, lock_free);
  gst_object_unref (pad);
  return bin;
}
