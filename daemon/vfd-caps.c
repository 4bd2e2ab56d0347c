/* The caps= key: what a pipeline may ask its source for.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include <math.h>
#include <string.h>

#include "vfd-config.h"
#include "vfd-uri.h"

/* ---- caps -------------------------------------------------------------------- */

#define CAPS_EXAMPLE "e.g. video/x-raw,width=1280,height=720,framerate=30/1"

/* The largest value `field` can take in `s` (1 when absent), or -1 with an
 * error when some value it allows cannot negotiate or passes the limit. */
static gint
side_max (const GstStructure * s, const gchar * field, GError ** error)
{
  const GValue *v = gst_structure_get_value (s, field);
  gint lo, hi;

  if (!v)
    return 1;
  if (G_VALUE_HOLDS_INT (v)) {
    lo = hi = g_value_get_int (v);
  } else if (GST_VALUE_HOLDS_INT_RANGE (v)) {
    lo = gst_value_get_int_range_min (v);
    hi = gst_value_get_int_range_max (v);
  } else if (GST_VALUE_HOLDS_LIST (v)) {
    gint best = 1;
    for (guint i = 0; i < gst_value_list_get_size (v); i++) {
      const GValue *e = gst_value_list_get_value (v, i);
      if (!G_VALUE_HOLDS_INT (e))
        goto not_int;
      lo = g_value_get_int (e);
      if (lo < 1 || lo > VFD_MAX_SIDE) {
        hi = lo;
        goto out_of_range;
      }
      best = MAX (best, lo);
    }
    return best;
  } else {
    goto not_int;
  }
  if (lo < 1 || hi > VFD_MAX_SIDE)
    goto out_of_range;
  return hi;

not_int:
  {
    gchar *shown = gst_value_serialize (v);
    g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "caps %s '%s' is not "
        "a whole number of pixels (expected 1 to %d)", field,
        shown ? shown : "?", VFD_MAX_SIDE);
    g_free (shown);
    return -1;
  }
out_of_range:
  g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "caps %s %d is out of "
      "range (expected 1 to %d)", field, lo < 1 ? lo : hi, VFD_MAX_SIDE);
  return -1;
}

static gboolean
rate_ok (const GstStructure * s, GError ** error)
{
  const GValue *v = gst_structure_get_value (s, "framerate");
  gboolean ok = TRUE;

  if (!v)
    return TRUE;
  if (GST_VALUE_HOLDS_FRACTION (v))
    ok = gst_value_get_fraction_numerator (v) >= 0
        && gst_value_get_fraction_denominator (v) > 0;
  else if (!GST_VALUE_HOLDS_FRACTION_RANGE (v))
    ok = FALSE;
  if (!ok) {
    gchar *shown = gst_value_serialize (v);
    g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "caps framerate '%s' "
        "is not a rate (expected a fraction such as 30/1)",
        shown ? shown : "?");
    g_free (shown);
  }
  return ok;
}

/* GStreamer's caps parser asserts (a CRITICAL) on a structure name that
 * does not start with a letter ("1", ":"; found by fuzzing): those do not
 * parse, and are never given to it. */
static gboolean
names_ok (const gchar * text)
{
  gchar **parts = g_strsplit (text, ";", -1);
  gboolean ok = TRUE;
  for (guint i = 0; parts[i]; i++) {
    const gchar *p = parts[i];
    while (g_ascii_isspace (*p))
      p++;
    if (*p ? !g_ascii_isalpha (*p) : !parts[i + 1] && i == 0)
      ok = FALSE;
  }
  g_strfreev (parts);
  return ok;
}

gboolean
vfd_caps_check (const gchar * text, GError ** error)
{
  GstCaps *caps;
  gboolean ok = TRUE;

  if (strlen (text) > 4096) {
    g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "caps are %zu bytes "
        "long (at most 4096 expected)", strlen (text));
    return FALSE;
  }
  caps = names_ok (text) ? gst_caps_from_string (text) : NULL;
  if (!caps || gst_caps_is_empty (caps) || gst_caps_is_any (caps)) {
    g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "caps '%s' %s "
        "(expected %s)", text, !caps ? "do not parse" :
        gst_caps_is_any (caps) ? "allow any format" : "allow nothing",
        CAPS_EXAMPLE);
    if (caps)
      gst_caps_unref (caps);
    return FALSE;
  }
  for (guint i = 0; ok && i < gst_caps_get_size (caps); i++) {
    const GstStructure *s = gst_caps_get_structure (caps, i);
    gint w, h;
    if (!gst_structure_has_name (s, "video/x-raw")) {
      g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "caps '%s' are not "
          "raw video (expected video/x-raw,...)", text);
      ok = FALSE;
    } else if ((w = side_max (s, "width", error)) < 0
        || (h = side_max (s, "height", error)) < 0 || !rate_ok (s, error)) {
      ok = FALSE;
    } else if ((guint64) w * h * 4 > VFD_MAX_FRAME_BYTES) {
      g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "caps allow %dx%d "
          "frames, %" G_GUINT64_FORMAT " MiB at 4 bytes a pixel (at most %u "
          "MiB expected)", w, h, ((guint64) w * h * 4) >> 20,
          VFD_MAX_FRAME_BYTES >> 20);
      ok = FALSE;
    }
  }
  gst_caps_unref (caps);
  return ok;
}
