/* H.264 encoding for the network sinks (rtsp-server:, rtsp://, srt://).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One value, encoder=, says which encoder and how: parsed here, checked
 * when the configuration is, and turned into the encoding part of a sink
 * bin.  Each encoder's own property names (kbit/s or bit/s, key-int-max or
 * gop-size) stay in the table below. */
#include <stdlib.h>
#include <string.h>

#include "vfd-config.h"
#include "vfd-encoder.h"
#include "vfd-metrics.h"
#include "vfd-uri.h"

typedef struct
{
  gchar *name;                  /* auto, va, openh264, x264 */
  guint bitrate;                /* kbit/s */
  guint keyframe_interval;      /* frames */
  gint width, height;           /* 0: the pipeline's */
  gint fps_n, fps_d;            /* 0: the pipeline's */
} Encoding;

/* An encoder and how to ask it for low-latency H.264 at a bit rate with a
 * key frame interval.  `bitrate_scale`: its unit per kbit/s. */
typedef struct
{
  const gchar *name, *factory;
  const gchar *bitrate, *keyframes;
  guint bitrate_scale;
  const gchar *const *settings; /* property, value, … (as gst-launch) */
} Encoder;

static const gchar *const va_settings[] = { "rate-control", "cbr",
  "b-frames", "0", "target-usage", "7", NULL
};

static const gchar *const vaapi_settings[] = { "rate-control", "cbr",
  "max-bframes", "0", NULL
};

static const gchar *const openh264_settings[] = { "rate-control", "bitrate",
  "complexity", "low", "usage-type", "camera", NULL
};

static const gchar *const x264_settings[] = { "tune", "zerolatency",
  "speed-preset", "ultrafast", NULL
};

/* in the order auto tries them */
static const Encoder encoders[] = {
  {"va", "vah264enc", "bitrate", "key-int-max", 1, va_settings},
  {"va", "vah264lpenc", "bitrate", "key-int-max", 1, va_settings},
  {"va", "vaapih264enc", "bitrate", "keyframe-period", 1, vaapi_settings},
  {"openh264", "openh264enc", "bitrate", "gop-size", 1000, openh264_settings},
  {"x264", "x264enc", "bitrate", "key-int-max", 1, x264_settings},
};

#define NAMES "auto, va, openh264 or x264"
#define OPTIONS "bitrate=KBIT/S, keyframe-interval=FRAMES, " \
  "size=WIDTHxHEIGHT, rate=N/D"

static void
encoding_clear (Encoding * enc)
{
  g_free (enc->name);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Encoding, encoding_clear);

static gboolean
parse_uint (const gchar * s, guint lo, guint hi, guint * out)
{
  guint64 v;
  return g_ascii_string_to_unsigned (s, 10, lo, hi, &v, NULL)
      && (*out = v, TRUE);
}

static gboolean
parse (const gchar * spec, Encoding * enc, GError ** error)
{
  g_auto (GStrv) words = g_strsplit_set (spec ? spec : "", " \t", -1);
  guint i = 0;

  memset (enc, 0, sizeof *enc);
  enc->bitrate = 2000;
  enc->keyframe_interval = 60;
  while (words[i] && !*words[i])
    i++;
  enc->name = g_strdup (words[i] && !strchr (words[i], '=') ? words[i++] :
      "auto");
  if (!g_str_equal (enc->name, "auto") && !g_str_equal (enc->name, "va")
      && !g_str_equal (enc->name, "openh264")
      && !g_str_equal (enc->name, "x264")) {
    g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "encoder '%s' is not "
        "one of " NAMES " (expected encoder=" VFD_ENCODER_FORM ")", enc->name);
    return FALSE;
  }
  for (; words[i]; i++) {
    gchar *w = words[i], *v = strchr (w, '=');
    gboolean ok;
    if (!*w)
      continue;
    if (!v) {
      g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "encoder: '%s' is "
          "not an option (expected " OPTIONS ")", w);
      return FALSE;
    }
    *v++ = '\0';
    if (g_str_equal (w, "bitrate"))
      ok = parse_uint (v, 50, 100000, &enc->bitrate);
    else if (g_str_equal (w, "keyframe-interval"))
      ok = parse_uint (v, 1, 1000, &enc->keyframe_interval);
    else if (g_str_equal (w, "size")) {
      gchar *x = strchr (v, 'x');
      guint wd = 0, ht = 0;
      ok = x && (*x = '\0', parse_uint (v, 16, VFD_MAX_SIDE, &wd))
          && parse_uint (x + 1, 16, VFD_MAX_SIDE, &ht) && wd % 2 == 0
          && ht % 2 == 0;
      if (x)
        *x = 'x';
      enc->width = wd;
      enc->height = ht;
    } else if (g_str_equal (w, "rate")) {
      gchar *slash = strchr (v, '/');
      guint n = 0, d = 1;
      ok = (slash ? (*slash = '\0', parse_uint (slash + 1, 1, 1001, &d)) : 1)
          && parse_uint (v, 1, 240000, &n) && n <= 240 * d;
      if (slash)
        *slash = '/';
      enc->fps_n = n;
      enc->fps_d = d;
    } else {
      g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "encoder: unknown "
          "option '%s' (expected " OPTIONS ")", w);
      return FALSE;
    }
    if (!ok) {
      g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "encoder: %s '%s' is "
          "not valid (expected %s)", w, v, g_str_equal (w, "bitrate") ?
          "kbit/s from 50 to 100000" : g_str_equal (w, "keyframe-interval") ?
          "frames from 1 to 1000" : g_str_equal (w, "size") ? "WIDTHxHEIGHT, "
          "even numbers from 16 to 16384" : "N/D frames per second, above 0 "
          "and at most 240");
      return FALSE;
    }
  }
  return TRUE;
}

/* The first installed encoder `name` stands for. */
static const Encoder *
find (const gchar * name)
{
  for (guint i = 0; i < G_N_ELEMENTS (encoders); i++) {
    GstPluginFeature *f;
    if (!g_str_equal (name, "auto") && !g_str_equal (name, encoders[i].name))
      continue;
    f = gst_registry_lookup_feature (gst_registry_get (), encoders[i].factory);
    if (f) {
      gst_object_unref (f);
      return &encoders[i];
    }
  }
  return NULL;
}

static gboolean
installed (const Encoding * enc, const Encoder ** out, const gchar * uri,
    GError ** error)
{
  if ((*out = find (enc->name)))
    return TRUE;
  g_set_error (error, VFD_ERROR, VFD_ERROR_FAILED, "%s%s%sencoder '%s': %s",
      uri ? "sink '" : "", uri ? uri : "", uri ? "': " : "", enc->name,
      g_str_equal (enc->name, "va") ? "no VA-API H.264 encoder here "
      "(vah264enc of gstreamer1.0-plugins-bad needs a GPU that encodes "
      "H.264)" : g_str_equal (enc->name, "openh264") ? "openh264enc is not "
      "installed (gstreamer1.0-plugins-bad)" : g_str_equal (enc->name, "x264")
      ? "x264enc is not installed (gstreamer1.0-plugins-ugly)" : "no H.264 "
      "encoder installed (gstreamer1.0-plugins-bad for openh264enc, "
      "gstreamer1.0-plugins-ugly for x264enc)");
  return FALSE;
}

gboolean
vfd_encoder_check (const gchar * spec, GError ** error)
{
  g_auto (Encoding) enc = { 0 };
  const Encoder *e;
  return parse (spec, &enc, error) && installed (&enc, &e, NULL, error);
}

/* property=value where the element has that property (the VA encoders'
 * names differ between releases) */
static void
set (GstElement * el, const gchar * prop, const gchar * value)
{
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (el), prop))
    gst_util_set_object_arg (G_OBJECT (el), prop, value);
}

GstElement *
vfd_h264_sink_new (const gchar * uri, const gchar * spec,
    const gchar * const *tail, GstElement ** last, GError ** error)
{
  g_auto (Encoding) enc = { 0 };
  const gchar *names[12] = { NULL };
  GstElement *els[G_N_ELEMENTS (names)], *bin, *encoder;
  const Encoder *e;
  guint n = 0, first = 0;
  GstCaps *caps;
  gchar *v;

  if (!parse (spec, &enc, error)) {
    g_prefix_error (error, "sink '%s': ", uri);
    return NULL;
  }
  if (!installed (&enc, &e, uri, error))
    return NULL;
  if (enc.width || enc.fps_n) {
    names[n++] = "videoscale";
    names[n++] = "videorate";
    names[n++] = "capsfilter";
  }
  names[n++] = "videoconvert";
  names[n++] = e->factory;
  names[n++] = "h264parse";
  names[n++] = "capsfilter";
  for (guint i = 0; tail[i] && n < G_N_ELEMENTS (names) - 1; i++)
    names[n++] = tail[i];
  if (!(bin = vfd_sink_chain (names, els, error)))
    return NULL;
  if (enc.width || enc.fps_n) {
    caps = gst_caps_new_empty_simple ("video/x-raw");
    if (enc.width)
      gst_caps_set_simple (caps, "width", G_TYPE_INT, enc.width, "height",
          G_TYPE_INT, enc.height, "pixel-aspect-ratio", GST_TYPE_FRACTION, 1,
          1, NULL);
    if (enc.fps_n)
      gst_caps_set_simple (caps, "framerate", GST_TYPE_FRACTION, enc.fps_n,
          enc.fps_d, NULL);
    g_object_set (els[2], "caps", caps, NULL);
    gst_caps_unref (caps);
    first = 3;
  }
  encoder = els[first + 1];
  for (guint i = 0; e->settings[i]; i += 2)
    set (encoder, e->settings[i], e->settings[i + 1]);
  v = g_strdup_printf ("%u", enc.bitrate * e->bitrate_scale);
  set (encoder, e->bitrate, v);
  g_free (v);
  v = g_strdup_printf ("%u", enc.keyframe_interval);
  set (encoder, e->keyframes, v);
  g_free (v);
  {
    VfdTiming *t = g_atomic_rc_box_new0 (VfdTiming);
    vfd_timing_attach (encoder, t);
    g_object_set_data_full (G_OBJECT (bin), VFD_ENCODER_TIMING, t,
        (GDestroyNotify) g_atomic_rc_box_release);
  }
  caps = gst_caps_from_string ("video/x-h264,stream-format=byte-stream,"
      "alignment=au");
  g_object_set (els[first + 3], "caps", caps, NULL);
  gst_caps_unref (caps);
  *last = els[n - 1];
  return bin;
}
