/* Source and sink URIs.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <gio/gio.h>

#include "vfd-devices.h"
#include "vfd-outlet.h"
#include "vfd-policy.h"
#include "vfd-rtsp.h"
#include "vfd-uri.h"

/* The daemon's errors, registered with GIO so that they cross D-Bus with
 * their own names (org.vfilterd.VFilter1.Error.*) and come back as VFD_ERROR
 * in a client.  VFD_ERROR_INVALID is the standard InvalidArgs, which GIO
 * maps for G_DBUS_ERROR already: the service answers it as that. */
static const GDBusErrorEntry vfd_error_entries[] = {
  {VFD_ERROR_NOT_FOUND, "org.vfilterd.VFilter1.Error.NotFound"},
  {VFD_ERROR_FAILED, "org.vfilterd.VFilter1.Error.Failed"},
};

GQuark
vfd_error_quark (void)
{
  static gsize quark = 0;
  g_dbus_error_register_error_domain ("vfd-error-quark", &quark,
      vfd_error_entries, G_N_ELEMENTS (vfd_error_entries));
  return (GQuark) quark;
}

/* Every message leaves valid UTF-8 (a file quoted in it may not be) and of
 * a sensible length (a 1 MB value was echoed whole). */
void
vfd_error_sanitize (GError * error)
{
  gchar *msg = g_utf8_make_valid (error->message, -1);
  if (strlen (msg) > 1024) {
    gchar *cut = g_utf8_find_prev_char (msg, msg + 1000);
    gsize total = strlen (error->message);
    *cut = '\0';
    g_free (error->message);
    error->message = g_strdup_printf ("%s… (%" G_GSIZE_FORMAT " bytes)", msg,
        total);
    g_free (msg);
  } else {
    g_free (error->message);
    error->message = msg;
  }
}

#define SOURCE_FORMS "v4l2:///dev/videoN, file:///path, test:, test:PATTERN " \
  "or gst:DESCRIPTION"
#define SINK_FORMS "preview, null, file:///path.mkv, file:///path.webm, " \
  "v4l2:///dev/videoN, pipewire:, pipewire://NODE-NAME, rtsp-server:, " \
  "rtsp://HOST:PORT/PATH, srt://HOST:PORT or gst:DESCRIPTION"

gchar *
vfd_uri_v4l2_path (const gchar * uri)
{
  const gchar *path;
  if (!g_str_has_prefix (uri, "v4l2://"))
    return NULL;
  path = uri + strlen ("v4l2://");
  if (!g_str_has_prefix (path, "/dev/") || strlen (path) <= 5
      || strstr (path, "..") || strpbrk (path, " \t\"'\\"))
    return NULL;
  return g_strdup (path);
}

/* Ghosts `pad` as `name` on `bin`. */
static void
ghost (GstElement * bin, GstPad * pad, const gchar * name)
{
  GstPad *g = gst_ghost_pad_new (name, pad);
  gst_pad_set_active (g, TRUE);
  gst_element_add_pad (bin, g);
}

/* A "source" bin around one element, its src pad ghosted. */
static GstElement *
source_bin (GstElement * src)
{
  GstElement *bin = gst_bin_new ("source");
  GstPad *pad = gst_element_get_static_pad (src, "src");
  gst_bin_add (GST_BIN (bin), src);
  ghost (bin, pad, "src");
  gst_object_unref (pad);
  return bin;
}

static GstElement *
make (const gchar * factory, GError ** error)
{
  GstElement *e = gst_element_factory_make (factory, NULL);
  if (!e)
    g_set_error (error, VFD_ERROR, VFD_ERROR_FAILED,
        "GStreamer element '%s' is not installed", factory);
  return e;
}

static GstElement *
parse_bin (const gchar * what, const gchar * desc, GError ** error)
{
  GError *perr = NULL;
  GstElement *bin;

  if (!*desc) {
    g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID,
        "%s 'gst:' has no description after 'gst:'", what);
    return NULL;
  }
  bin = gst_parse_bin_from_description_full (desc, TRUE, NULL,
      GST_PARSE_FLAG_FATAL_ERRORS, &perr);
  if (!bin) {
    g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID,
        "%s 'gst:%s' does not parse: %s", what, desc, perr->message);
    g_error_free (perr);
  }
  return bin;
}

static void
decodebin_pad_added (GstElement * decodebin, GstPad * pad, gpointer data)
{
  GstElement *convert = data;
  GstCaps *caps = gst_pad_get_current_caps (pad);
  GstPad *sink;
  gboolean video;

  if (!caps)
    caps = gst_pad_query_caps (pad, NULL);
  video = caps && gst_caps_get_size (caps) > 0 &&
      g_str_has_prefix (gst_structure_get_name (gst_caps_get_structure (caps,
              0)), "video/");
  if (caps)
    gst_caps_unref (caps);
  if (!video)
    return;
  sink = gst_element_get_static_pad (convert, "sink");
  if (!gst_pad_is_linked (sink))
    gst_pad_link (pad, sink);
  gst_object_unref (sink);
}

/* A "source" bin: the given elements linked in order, then decodebin and
 * videoconvert, whose src pad is ghosted.  Takes the (floating) elements. */
static GstElement *
decoding_bin (GstElement ** els, guint n, GError ** error)
{
  GstElement *bin, *dec, *conv;
  GstPad *pad;

  if (!(dec = make ("decodebin", error)) || !(conv = make ("videoconvert",
              error))) {
    if (dec)
      gst_object_unref (gst_object_ref_sink (dec));
    for (guint i = 0; i < n; i++)
      gst_object_unref (gst_object_ref_sink (els[i]));
    return NULL;
  }
  bin = gst_bin_new ("source");
  for (guint i = 0; i < n; i++) {
    gst_bin_add (GST_BIN (bin), els[i]);
    if (i)
      gst_element_link (els[i - 1], els[i]);
  }
  gst_bin_add_many (GST_BIN (bin), dec, conv, NULL);
  gst_element_link (els[n - 1], dec);
  g_signal_connect_object (dec, "pad-added",
      G_CALLBACK (decodebin_pad_added), conv, 0);
  pad = gst_element_get_static_pad (conv, "src");
  ghost (bin, pad, "src");
  gst_object_unref (pad);
  return bin;
}

static GstElement *
file_source (const gchar * uri, GError ** error)
{
  GError *uerr = NULL;
  gchar *path = g_filename_from_uri (uri, NULL, &uerr);
  GstElement *src;

  if (!path) {
    g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID,
        "source '%s' is not a valid file URI: %s", uri, uerr->message);
    g_error_free (uerr);
    return NULL;
  }
  src = make ("filesrc", error);
  if (src)
    g_object_set (src, "location", path, NULL);
  g_free (path);
  return src ? decoding_bin (&src, 1, error) : NULL;
}

static gboolean
pattern_valid (const gchar * pattern, GError ** error)
{
  GstElement *probe = gst_element_factory_make ("videotestsrc", NULL);
  GParamSpec *pspec;
  gboolean ok = FALSE;
  GString *known = g_string_new (NULL);

  if (!probe) {
    g_set_error (error, VFD_ERROR, VFD_ERROR_FAILED,
        "GStreamer element 'videotestsrc' is not installed");
    g_string_free (known, TRUE);
    return FALSE;
  }
  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (probe), "pattern");
  {
    GEnumClass *ec = G_PARAM_SPEC_ENUM (pspec)->enum_class;
    for (guint i = 0; i < ec->n_values; i++) {
      if (g_strcmp0 (ec->values[i].value_nick, pattern) == 0)
        ok = TRUE;
      g_string_append_printf (known, "%s%s", i ? ", " : "",
          ec->values[i].value_nick);
    }
  }
  if (!ok)
    g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID,
        "source 'test:%s': unknown pattern '%s' (expected one of %s)",
        pattern, pattern, known->str);
  g_string_free (known, TRUE);
  gst_object_unref (probe);
  return ok;
}

/* ---- devices a failed v4l2src leaves open --------------------------------
 *
 * GStreamer 1.22's v4l2src, when its camera is unplugged while streaming,
 * leaks itself and its buffer pool (a reference cycle on the error path), and
 * with them a descriptor of the device: the driver can then never be unloaded
 * and the device stays busy for this process.  vfilterd cannot free those
 * objects, but once the source bin around such an element is shut down and no
 * other live source uses the same device, any descriptor of that device left in
 * the process is stale: it is pointed at /dev/null (dup3), which releases the
 * device and keeps the number taken, so a late close() by GStreamer is
 * harmless. */

typedef struct
{
  dev_t rdev;
  GstElement *bin;              /* not a reference: the bin owns this */
  gboolean released;
} DeviceUse;

static GMutex devices_lock;
static GList *devices_live;     /* DeviceUse */

static void
device_use_free (gpointer data)
{
  g_mutex_lock (&devices_lock);
  devices_live = g_list_remove (devices_live, data);
  g_mutex_unlock (&devices_lock);
  g_free (data);
}

/* Counts `bin` as a user of the character device at `path`. */
static void
device_use_add (GstElement * bin, const gchar * path)
{
  struct stat st;
  DeviceUse *use;

  if (stat (path, &st) != 0 || !S_ISCHR (st.st_mode))
    return;
  use = g_new0 (DeviceUse, 1);
  use->rdev = st.st_rdev;
  use->bin = bin;
  g_mutex_lock (&devices_lock);
  devices_live = g_list_prepend (devices_live, use);
  g_mutex_unlock (&devices_lock);
  g_object_set_data_full (G_OBJECT (bin), "vfd-device-use", use,
      device_use_free);
}

/* Whether another source that may have the device open uses it. */
static gboolean
device_shared (DeviceUse * self)
{
  gboolean shared = FALSE;
  g_mutex_lock (&devices_lock);
  for (GList * l = devices_live; l && !shared; l = l->next) {
    DeviceUse *use = l->data;
    if (use != self && !use->released && use->rdev == self->rdev) {
      GST_OBJECT_LOCK (use->bin);
      shared = GST_STATE (use->bin) != GST_STATE_NULL ||
          GST_STATE_NEXT (use->bin) > GST_STATE_NULL;
      GST_OBJECT_UNLOCK (use->bin);
    }
  }
  g_mutex_unlock (&devices_lock);
  return shared;
}

guint
vfd_source_release (GstElement * bin)
{
  DeviceUse *use = g_object_get_data (G_OBJECT (bin), "vfd-device-use");
  GDir *dir;
  const gchar *name;
  guint released = 0;
  gint null_fd;
  gboolean already;

  if (!use)
    return 0;
  /* `released` is read by other pipelines' workers under the lock */
  g_mutex_lock (&devices_lock);
  already = use->released;
  use->released = TRUE;
  g_mutex_unlock (&devices_lock);
  if (already || device_shared (use)
      || !(dir = g_dir_open ("/proc/self/fd", 0, NULL)))
    return 0;
  null_fd = open ("/dev/null", O_RDWR | O_CLOEXEC);
  while (null_fd >= 0 && (name = g_dir_read_name (dir))) {
    struct stat st;
    gint fd = atoi (name);
    if (fd != null_fd && fstat (fd, &st) == 0 && S_ISCHR (st.st_mode)
        && st.st_rdev == use->rdev && dup3 (null_fd, fd, O_CLOEXEC) == fd)
      released++;
  }
  g_dir_close (dir);
  if (null_fd >= 0)
    close (null_fd);
  return released;
}

/* What a camera may send: raw video or JPEG, with the size and rate of the
 * pipeline's caps when it has them (raw preferred, JPEG where the camera
 * only reaches that size or rate compressed, as USB webcams often do). */
static GstCaps *
camera_caps (const gchar * wanted)
{
  static const gchar *fields[] = { "width", "height", "framerate" };
  GstStructure *raw = gst_structure_new_empty ("video/x-raw");
  GstStructure *jpeg = gst_structure_new_empty ("image/jpeg");
  GstCaps *caps = wanted ? gst_caps_from_string (wanted) : NULL;
  GstCaps *out = gst_caps_new_empty ();

  if (caps && gst_caps_get_size (caps) > 0) {
    const GstStructure *st = gst_caps_get_structure (caps, 0);
    for (guint i = 0; i < G_N_ELEMENTS (fields); i++) {
      const GValue *v = gst_structure_get_value (st, fields[i]);
      if (v) {
        gst_structure_set_value (raw, fields[i], v);
        gst_structure_set_value (jpeg, fields[i], v);
      }
    }
  }
  if (caps)
    gst_caps_unref (caps);
  gst_caps_append_structure (out, raw);
  gst_caps_append_structure (out, jpeg);
  return out;
}

/* v4l2src, and for a camera that offers MJPEG: the caps above, decodebin
 * (JPEG decoded, raw passed through) and videoconvert. */
static GstElement *
camera_source (const gchar * path, const gchar * wanted, GError ** error)
{
  GstElement *src, *bin, *els[2];
  GstCaps *caps;

  if (!(src = els[0] = make ("v4l2src", error)))
    return NULL;
  g_object_set (src, "device", path, NULL);
  if (!vfd_device_offers_jpeg (path)) {
    bin = source_bin (src);
    device_use_add (bin, path);
    return bin;
  }
  if (!(els[1] = make ("capsfilter", error))) {
    gst_object_unref (gst_object_ref_sink (src));
    return NULL;
  }
  caps = camera_caps (wanted);
  g_object_set (els[1], "caps", caps, NULL);
  gst_caps_unref (caps);
  if (!(bin = decoding_bin (els, 2, error)))
    return NULL;
  device_use_add (bin, path);
  return bin;
}

GstElement *
vfd_source_new (const gchar * uri, GError ** error)
{
  return vfd_source_new_full (uri, NULL, error);
}

GstElement *
vfd_source_new_full (const gchar * uri, const gchar * caps, GError ** error)
{
  if (!uri || !*uri) {
    g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID,
        "source is empty (expected " SOURCE_FORMS ")");
    return NULL;
  }
  if (g_str_has_prefix (uri, "v4l2:")) {
    gchar *path = vfd_uri_v4l2_path (uri);
    GstElement *bin;
    if (!path) {
      g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID,
          "source '%s' is not a V4L2 device URI (expected "
          "v4l2:///dev/videoN)", uri);
      return NULL;
    }
    if (!vfd_policy_check_v4l2 (path, error)) {
      g_free (path);
      return NULL;
    }
    bin = camera_source (path, caps, error);
    g_free (path);
    return bin;
  }
  if (g_str_has_prefix (uri, "file:"))
    return file_source (uri, error);
  if (g_str_has_prefix (uri, "test:")) {
    const gchar *pattern = uri + 5;
    GstElement *src;
    if (*pattern && !pattern_valid (pattern, error))
      return NULL;
    if (!(src = make ("videotestsrc", error)))
      return NULL;
    g_object_set (src, "is-live", TRUE, NULL);
    if (*pattern)
      gst_util_set_object_arg (G_OBJECT (src), "pattern", pattern);
    return source_bin (src);
  }
  if (g_str_has_prefix (uri, "gst:")) {
    GstElement *bin = parse_bin ("source", uri + 4, error);
    GstPad *pad;
    if (!bin)
      return NULL;
    pad = gst_element_get_static_pad (bin, "src");
    if (!pad) {
      g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID,
          "source '%s' has no unlinked source pad to take video from", uri);
      gst_object_unref (gst_object_ref_sink (bin));
      return NULL;
    }
    gst_object_unref (pad);
    gst_object_set_name (GST_OBJECT (bin), "source");
    return bin;
  }
  g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID,
      "source '%s' is not a supported URI (expected " SOURCE_FORMS ")", uri);
  return NULL;
}

GstElement *
vfd_sink_chain (const gchar * const *factories, GstElement ** els,
    GError ** error)
{
  GstElement *bin = gst_bin_new ("sink");
  GstPad *pad;
  guint i;

  for (i = 0; factories[i]; i++) {
    els[i] = make (factories[i], error);
    if (!els[i]) {
      gst_object_unref (gst_object_ref_sink (bin));
      return NULL;
    }
    gst_bin_add (GST_BIN (bin), els[i]);
    if (i > 0)
      gst_element_link (els[i - 1], els[i]);
  }
  pad = gst_element_get_static_pad (els[0], "sink");
  ghost (bin, pad, "sink");
  gst_object_unref (pad);
  return bin;
}

/* node.name: what PipeWire tools and WirePlumber rules match on */
static gboolean
pw_name_valid (const gchar * name)
{
  gsize n = strlen (name);
  if (n == 0 || n > 64)
    return FALSE;
  for (const gchar * c = name; *c; c++)
    if (!g_ascii_isalnum (*c) && !strchr ("._-", *c))
      return FALSE;
  return TRUE;
}

static GstElement *
pipewire_sink (const gchar * uri, const gchar * pipeline,
    const gchar * standby, GError ** error)
{
  const gchar *rest = uri + strlen ("pipewire:");
  gchar *name, *label;
  GstElement *bin;

  if (g_str_has_prefix (rest, "//"))
    name = g_strdup (rest + 2);
  else if (!*rest)
    name = g_strdup_printf ("vfilterd-%s", pipeline ? pipeline : "pipeline");
  else
    name = g_strdup ("");
  if (!pw_name_valid (name)) {
    g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "sink '%s': the "
        "PipeWire node name must be 1 to 64 letters, digits, '.', '_' or "
        "'-' (expected pipewire: or pipewire://NODE-NAME)", uri);
    g_free (name);
    return NULL;
  }
  label = g_strdup_printf ("vfilterd %s", pipeline ? pipeline : name);
  bin = vfd_outlet_sink_new (VFD_OUTLET_PIPEWIRE, name, label, standby, uri,
      pipeline, error);
  g_free (label);
  g_free (name);
  return bin;
}

GstElement *
vfd_sink_new (const gchar * uri, const VfdPipelineConfig * pc, GError ** error)
{
  const gchar *pipeline = pc ? pc->name : NULL;
  const gchar *standby = pc ? pc->standby : NULL;
  const gchar *encoder = pc ? pc->encoder : NULL;
  GstElement *els[4] = { NULL };
  GstElement *bin;

  if (!uri || !*uri) {
    g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID,
        "sink is empty (expected " SINK_FORMS ")");
    return NULL;
  }
  if (g_str_equal (uri, "preview")) {
    static const gchar *f[] = { "videoconvert", "autovideosink", NULL };
    return vfd_sink_chain (f, els, error);
  }
  if (g_str_equal (uri, "null")) {
    static const gchar *f[] = { "fakesink", NULL };
    if ((bin = vfd_sink_chain (f, els, error)))
      g_object_set (els[0], "sync", TRUE, NULL);
    return bin;
  }
  if (g_str_has_prefix (uri, "file:")) {
    GError *uerr = NULL;
    gchar *path = g_filename_from_uri (uri, NULL, &uerr);
    const gchar *f[] = { "videoconvert", "vp8enc", NULL, "filesink", NULL };
    if (!path) {
      g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID,
          "sink '%s' is not a valid file URI: %s", uri, uerr->message);
      g_error_free (uerr);
      return NULL;
    }
    if (g_str_has_suffix (path, ".mkv"))
      f[2] = "matroskamux";
    else if (g_str_has_suffix (path, ".webm"))
      f[2] = "webmmux";
    else {
      g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID,
          "sink '%s': file name must end in .mkv or .webm (VP8 video)", uri);
      g_free (path);
      return NULL;
    }
    if ((bin = vfd_sink_chain (f, els, error))) {
      g_object_set (els[1], "deadline", (gint64) 1, NULL);
      g_object_set (els[3], "location", path, NULL);
    }
    g_free (path);
    return bin;
  }
  if (g_str_has_prefix (uri, "v4l2:")) {
    gchar *path = vfd_uri_v4l2_path (uri);
    if (!path) {
      g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID,
          "sink '%s' is not a V4L2 device URI (expected v4l2:///dev/videoN)",
          uri);
      return NULL;
    }
    bin = vfd_policy_check_v4l2 (path, error) ?
        vfd_outlet_sink_new (VFD_OUTLET_V4L2, path, NULL, standby, uri,
        pipeline, error) : NULL;
    g_free (path);
    return bin;
  }
  if (g_str_has_prefix (uri, "pipewire:"))
    return pipewire_sink (uri, pipeline, standby, error);
  if (g_str_equal (uri, "rtsp-server:"))
    return vfd_rtsp_sink_new (pipeline ? pipeline : "pipeline", uri, encoder,
        error);
  if (g_str_has_prefix (uri, "srt:") || g_str_has_prefix (uri, "rtsp:")) {
    gboolean srt = g_str_has_prefix (uri, "srt:");
    GUri *u = g_uri_parse (uri, G_URI_FLAGS_NONE, NULL);
    gboolean ok = u && g_uri_get_host (u) && *g_uri_get_host (u)
        && (g_uri_get_port (u) > 0 || !srt);
    if (u)
      g_uri_unref (u);
    if (!ok) {
      g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "sink '%s' is not "
          "an %s address (expected %s)", uri, srt ? "SRT" : "RTSP", srt ?
          "srt://HOST:PORT, e.g. srt://192.0.2.10:9000?latency=200" :
          "rtsp://HOST[:PORT]/PATH, e.g. rtsp://192.0.2.10:8554/cam");
      return NULL;
    }
    return srt ? vfd_srt_sink_new (uri, encoder, error) :
        vfd_rtsp_publish_new (uri, encoder, error);
  }
  if (g_str_has_prefix (uri, "gst:")) {
    GstPad *pad;
    if (!(bin = parse_bin ("sink", uri + 4, error)))
      return NULL;
    pad = gst_element_get_static_pad (bin, "sink");
    if (!pad) {
      g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID,
          "sink '%s' has no unlinked sink pad to feed video to", uri);
      gst_object_unref (gst_object_ref_sink (bin));
      return NULL;
    }
    gst_object_unref (pad);
    gst_object_set_name (GST_OBJECT (bin), "sink");
    return bin;
  }
  g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID,
      "sink '%s' is not a supported URI (expected " SINK_FORMS ")", uri);
  return NULL;
}

gboolean
vfd_source_check (const gchar * uri, GError ** error)
{
  GstElement *e = vfd_source_new (uri, error);
  if (!e)
    return FALSE;
  gst_object_unref (gst_object_ref_sink (e));
  return TRUE;
}

gboolean
vfd_sink_check (const gchar * uri, const VfdPipelineConfig * pc,
    GError ** error)
{
  GstElement *e = vfd_sink_new (uri, pc, error);
  if (!e)
    return FALSE;
  gst_object_unref (gst_object_ref_sink (e));
  return TRUE;
}
