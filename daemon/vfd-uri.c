/* Source and sink URIs.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>

#include "vfd-uri.h"

G_DEFINE_QUARK (vfd-error-quark, vfd_error);

#define SOURCE_FORMS "v4l2:///dev/videoN, file:///path, test:, test:PATTERN " \
  "or gst:DESCRIPTION"
#define SINK_FORMS "preview, null, file:///path.mkv, file:///path.webm, " \
  "v4l2:///dev/videoN or gst:DESCRIPTION"

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

static GstElement *
file_source (const gchar * uri, GError ** error)
{
  GError *uerr = NULL;
  gchar *path = g_filename_from_uri (uri, NULL, &uerr);
  GstElement *bin, *src, *dec, *conv;
  GstPad *pad;

  if (!path) {
    g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID,
        "source '%s' is not a valid file URI: %s", uri, uerr->message);
    g_error_free (uerr);
    return NULL;
  }
  if (!(src = make ("filesrc", error)) || !(dec = make ("decodebin", error))
      || !(conv = make ("videoconvert", error))) {
    g_free (path);
    return NULL;
  }
  bin = gst_bin_new ("source");
  g_object_set (src, "location", path, NULL);
  g_free (path);
  gst_bin_add_many (GST_BIN (bin), src, dec, conv, NULL);
  gst_element_link (src, dec);
  g_signal_connect_object (dec, "pad-added",
      G_CALLBACK (decodebin_pad_added), conv, 0);
  pad = gst_element_get_static_pad (conv, "src");
  ghost (bin, pad, "src");
  gst_object_unref (pad);
  return bin;
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
  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (probe),
      "pattern");
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

GstElement *
vfd_source_new (const gchar * uri, GError ** error)
{
  if (!uri || !*uri) {
    g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID,
        "source is empty (expected " SOURCE_FORMS ")");
    return NULL;
  }
  if (g_str_has_prefix (uri, "v4l2:")) {
    gchar *path = vfd_uri_v4l2_path (uri);
    GstElement *src;
    if (!path) {
      g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID,
          "source '%s' is not a V4L2 device URI (expected "
          "v4l2:///dev/videoN)", uri);
      return NULL;
    }
    if (!(src = make ("v4l2src", error))) {
      g_free (path);
      return NULL;
    }
    g_object_set (src, "device", path, NULL);
    g_free (path);
    return source_bin (src);
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

/* A bin of the given elements linked in order, ghosting the first one's
 * sink pad; els[i] receives each element (owned by the bin). */
static GstElement *
chain_sink (const gchar * const *factories, GstElement ** els,
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

GstElement *
vfd_sink_new (const gchar * uri, GError ** error)
{
  GstElement *els[4] = { NULL };
  GstElement *bin;

  if (!uri || !*uri) {
    g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID,
        "sink is empty (expected " SINK_FORMS ")");
    return NULL;
  }
  if (g_str_equal (uri, "preview")) {
    static const gchar *f[] = { "videoconvert", "autovideosink", NULL };
    return chain_sink (f, els, error);
  }
  if (g_str_equal (uri, "null")) {
    static const gchar *f[] = { "fakesink", NULL };
    if ((bin = chain_sink (f, els, error)))
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
    if ((bin = chain_sink (f, els, error))) {
      g_object_set (els[1], "deadline", (gint64) 1, NULL);
      g_object_set (els[3], "location", path, NULL);
    }
    g_free (path);
    return bin;
  }
  if (g_str_has_prefix (uri, "v4l2:")) {
    gchar *path = vfd_uri_v4l2_path (uri);
    static const gchar *f[] = { "videoconvert", "capsfilter", "v4l2sink",
      NULL
    };
    if (!path) {
      g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID,
          "sink '%s' is not a V4L2 device URI (expected v4l2:///dev/videoN)",
          uri);
      return NULL;
    }
    if ((bin = chain_sink (f, els, error))) {
      /* what video-call applications accept from a virtual camera */
      GstCaps *caps = gst_caps_from_string ("video/x-raw,format=YUY2");
      g_object_set (els[1], "caps", caps, NULL);
      gst_caps_unref (caps);
      g_object_set (els[2], "device", path, NULL);
    }
    g_free (path);
    return bin;
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
vfd_sink_check (const gchar * uri, GError ** error)
{
  GstElement *e = vfd_sink_new (uri, error);
  if (!e)
    return FALSE;
  gst_object_unref (gst_object_ref_sink (e));
  return TRUE;
}
