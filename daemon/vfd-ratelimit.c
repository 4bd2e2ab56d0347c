/* Warnings that persist are logged once, then as a summary.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A sink that cannot keep up posts "A lot of buffers are being dropped"
 * every second or two for as long as it lasts; a device that refuses a
 * write does so at every frame.  The journal gets the first line at once,
 * then one line per interval with the count of what it left out. */
#include "vfd-ratelimit.h"

typedef struct
{
  gint64 logged;                /* monotonic µs of the last line */
  guint64 left_out;             /* since then */
} Seen;

#define MAX_KEYS 256

static GMutex lock;
static GHashTable *seen;        /* key -> Seen */

static void
emit (const gchar * pipeline, const gchar * message)
{
  if (pipeline)
    g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_WARNING, "PIPELINE",
        pipeline, "MESSAGE", "%s", message);
  else
    g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_WARNING, "MESSAGE", "%s",
        message);
}

/* Conditions quiet for an interval are forgotten (only when the table is
 * full: keys may carry values, and the table must not grow for good). */
static gboolean
stale (gpointer key, gpointer value, gpointer data)
{
  const Seen *s = value;
  return *(const gint64 *) data - s->logged >=
      VFD_RATELIMIT_INTERVAL_S * G_USEC_PER_SEC;
}

void
vfd_warn_limited (const gchar * pipeline, const gchar * key,
    const gchar * message)
{
  const gint64 now = g_get_monotonic_time ();
  gchar *line = NULL;
  Seen *s;

  g_mutex_lock (&lock);
  if (!seen)
    seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  s = g_hash_table_lookup (seen, key);
  if (!s && g_hash_table_size (seen) >= MAX_KEYS)
    g_hash_table_foreach_remove (seen, stale, (gpointer) & now);
  if (!s) {
    s = g_new0 (Seen, 1);
    g_hash_table_insert (seen, g_strdup (key), s);
    line = g_strdup (message);
  } else if (now - s->logged < VFD_RATELIMIT_INTERVAL_S * G_USEC_PER_SEC) {
    s->left_out++;
  } else if (s->left_out) {
    line = g_strdup_printf ("%s (%" G_GUINT64_FORMAT " more time%s in the "
        "last %d s)", message, s->left_out, s->left_out == 1 ? "" : "s",
        (gint) ((now - s->logged) / G_USEC_PER_SEC));
  } else {
    line = g_strdup (message);
  }
  if (line) {
    s->logged = now;
    s->left_out = 0;
  }
  g_mutex_unlock (&lock);
  if (line)
    emit (pipeline, line);
  g_free (line);
}
