/* The daemon's numbers (those D-Bus shows, and the encoders') as a
 * Prometheus text page: [server] metrics=.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include "vfd-rtsp.h"
#include "vfd-service-private.h"

typedef enum
{
  STATE, PROCESSED, DROPPED, FPS, RECONNECTS, FILTER_FRAMES, FILTER_SECONDS,
  ENCODER_FRAMES, ENCODER_SECONDS, N_FAMILIES
} Family;

static const struct
{
  const gchar *name, *type, *help;
} families[N_FAMILIES] = {
  {"vfilterd_pipeline_state", "gauge",
      "1 for the pipeline's state, 0 for the others"},
  {"vfilterd_frames_processed_total", "counter",
      "Frames out of the filter chain"},
  {"vfilterd_frames_dropped_total", "counter", "Frames the sinks dropped "
        "(QoS)"},
  {"vfilterd_fps", "gauge", "Frames per second over the last second"},
  {"vfilterd_reconnects_total", "counter",
      "Attempts to start again after the source failed"},
  {"vfilterd_filter_frames_total", "counter", "Frames through the filter"},
  {"vfilterd_filter_seconds_total", "counter",
      "Time spent in the filter (divide by its frames: time per frame)"},
  {"vfilterd_encoder_frames_total", "counter",
      "Frames through the H.264 encoder of a network sink"},
  {"vfilterd_encoder_seconds_total", "counter",
      "Time spent in the encoder (divide by its frames: time per frame)"},
};

/* One sample: NAME{LABELS} VALUE (the value as printf formats it). */
static void
G_GNUC_PRINTF (4, 5)
sample (GString ** f, Family fam, const gchar * labels, const gchar * fmt, ...)
{
  va_list ap;
  g_string_append_printf (f[fam], "%s{%s} ", families[fam].name, labels);
  va_start (ap, fmt);
  g_string_append_vprintf (f[fam], fmt, ap);
  va_end (ap);
  g_string_append_c (f[fam], '\n');
}

/* frames and seconds of a timed element, labels: the pipeline's and
 * what = "filter" or "sink" */
typedef struct
{
  GString **f;
  const gchar *pipeline, *what;
  Family frames;
} Timed;

static void
timed (const gchar * name, VfdTiming * t, gpointer data)
{
  Timed *td = data;
  gchar *v = vfd_metrics_label (name);
  gchar *labels = g_strdup_printf ("%s,%s=\"%s\"", td->pipeline, td->what, v);
  gint64 frames;
  gdouble seconds;

  vfd_timing_read (t, &frames, &seconds);
  sample (td->f, td->frames, labels, "%" G_GINT64_FORMAT, frames);
  sample (td->f, td->frames + 1, labels, "%.6f", seconds);
  g_free (labels);
  g_free (v);
}

/* The numbers D-Bus shows, in Prometheus' text format. */
gchar *
vfd_service_metrics_page (gpointer data)
{
  static const gchar *const states[] = { "stopped", "starting", "paused",
    "playing", "stopping", "reconnecting", "error"
  };
  VfdService *s = data;
  GString *out = g_string_new (NULL), *f[N_FAMILIES];

  for (guint i = 0; i < N_FAMILIES; i++)
    f[i] = g_string_new (NULL);
  for (guint i = 0; i < s->entries->len; i++) {
    VfdPipeline *p = ((Entry *) g_ptr_array_index (s->entries, i))->p;
    const gchar *state = vfd_pipeline_state_name (vfd_pipeline_get_state (p));
    gchar *n = vfd_metrics_label (vfd_pipeline_get_name (p));
    gchar *pl = g_strdup_printf ("pipeline=\"%s\"", n);
    GPtrArray *filters = vfd_pipeline_get_filters (p);
    Timed td = { f, pl, "filter", FILTER_FRAMES };

    for (guint k = 0; k < G_N_ELEMENTS (states); k++) {
      gchar *l = g_strdup_printf ("%s,state=\"%s\"", pl, states[k]);
      sample (f, STATE, l, "%d", g_str_equal (state, states[k]));
      g_free (l);
    }
    sample (f, PROCESSED, pl, "%" G_GUINT64_FORMAT,
        vfd_pipeline_get_frames_processed (p));
    sample (f, DROPPED, pl, "%" G_GUINT64_FORMAT,
        vfd_pipeline_get_frames_dropped (p));
    sample (f, FPS, pl, "%.1f", vfd_pipeline_get_fps (p));
    sample (f, RECONNECTS, pl, "%" G_GUINT64_FORMAT,
        vfd_pipeline_get_reconnects (p));
    for (guint k = 0; k < filters->len; k++) {
      VfdFilter *flt = g_ptr_array_index (filters, k);
      timed (flt->name, flt->timing, &td);
    }
    td.what = "sink";
    td.frames = ENCODER_FRAMES;
    vfd_pipeline_foreach_encoder (p, timed, &td);
    g_free (pl);
    g_free (n);
  }
  for (guint i = 0; i < N_FAMILIES; i++) {
    g_string_append_printf (out, "# HELP %s %s\n# TYPE %s %s\n%s",
        families[i].name, families[i].help, families[i].name,
        families[i].type, f[i]->str);
    g_string_free (f[i], TRUE);
  }
  if (vfd_rtsp_address ())
    g_string_append_printf (out, "# HELP vfilterd_rtsp_clients Clients of "
        "the RTSP server now\n# TYPE vfilterd_rtsp_clients gauge\n"
        "vfilterd_rtsp_clients %u\n", vfd_rtsp_clients ());
  return g_string_free (out, FALSE);
}
