/* What the fuzz targets share: GStreamer initialised once, with the
 * vfilter plugin of the build tree (GST_PLUGIN_PATH), quiet logs.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef VFD_FUZZ_COMMON_H
#define VFD_FUZZ_COMMON_H

#include <gst/gst.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void
fuzz_quiet (const gchar * domain, GLogLevelFlags level, const gchar * msg,
    gpointer data)
{
  /* refusals warn by design; a CRITICAL is a bug: abort, which libFuzzer
   * reports as a crash with the input saved */
  if (level & (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_ERROR)) {
    g_log_default_handler (domain, level, msg, data);
    abort ();
  }
}

static void
fuzz_init (void)
{
  static gboolean done;
  if (done)
    return;
  done = TRUE;
  gst_init (NULL, NULL);
  g_log_set_default_handler (fuzz_quiet, NULL);
}

/* The input as a NUL-terminated string (cut at its first NUL). */
static gchar *
fuzz_string (const uint8_t * data, size_t size)
{
  return g_strndup ((const gchar *) data, size);
}

#endif
