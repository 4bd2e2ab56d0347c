/* Fuzz target: vfconvolve's kernel strings (and divisor, anchor), through
 * the element's "check" action, then a real set and one frame.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include "fuzz-common.h"

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  static GstElement *e;
  GstStructure *s;
  gchar *text, *msg = NULL;

  fuzz_init ();
  if (!e) {
    e = gst_element_factory_make ("vfconvolve", NULL);
    g_assert (e != NULL);
    gst_object_ref_sink (e);
  }
  text = fuzz_string (data, size);
  if (!g_utf8_validate (text, -1, NULL)) {
    g_free (text);
    return 0;                   /* a GValue string is UTF-8 by contract */
  }
  s = gst_structure_new ("v", "kernel", G_TYPE_STRING, text,
      "anchor-x", G_TYPE_INT, size % 5 - 1, NULL);
  g_signal_emit_by_name (e, "check", s, &msg);
  if (!msg) {
    /* accepted by check: a set must be accepted too */
    gchar *after = NULL;
    g_object_set (e, "kernel", text, "anchor-x", (gint) (size % 5) - 1, NULL);
    g_object_get (e, "kernel", &after, NULL);
    g_assert_cmpstr (after, ==, text);
    g_free (after);
  } else {
    g_assert (g_utf8_validate (msg, -1, NULL));
  }
  g_free (msg);
  gst_structure_free (s);
  g_free (text);
  return 0;
}
