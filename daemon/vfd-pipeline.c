/* One running pipeline.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Topology: source ! videoconvert ! videoscale ! capsfilter(caps)
 *           ! filter… ! videoconvert ! videoscale ! queue ! sink
 *
 * The main loop never blocks on GStreamer: state changes, seeks and
 * source/sink swaps run on the pipeline's worker thread (vfd-worker.c);
 * what they cause comes back as bus messages.  Filter chain edits happen
 * with the chain empty of data (vfd-chain.c).  Where the pipeline stands is
 * one VfdPipelineState, changed only by transition (), which logs,
 * notifies and owns the timers that belong to a state (the retry back-off,
 * the EOS wait of a stop).
 */
#include <string.h>

#include "vfd-chain.h"
#include "vfd-filters.h"
#include "vfd-pipeline-private.h"
#include "vfd-props.h"
#include "vfd-sinks.h"
#include "vfd-uri.h"

/* ---- worker threads ----------------------------------------------------- */

/* The filters' own pool workers across the daemon (main thread only). */
static guint own_threads_total;

/* May the daemon's filters hold `more` workers more and `fewer` fewer?
 * FALSE + an error naming what asked (`what`) and the ceiling. */
static gboolean
admit_threads (guint more, guint fewer, const gchar * what, GError ** error)
{
  guint after = own_threads_total - fewer + more;
  if (more <= fewer || after <= VFD_MAX_OWN_THREADS)
    return TRUE;
  g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "%s would give the "
      "daemon's filters %u worker threads of their own (at most %d; "
      "n-threads=0 shares one pool across every pipeline)", what, after,
      VFD_MAX_OWN_THREADS);
  return FALSE;
}

/* ---- the filter chain ------------------------------------------------------ */

static void
filter_free (VfdFilter * f)
{
  g_atomic_rc_box_release (f->timing);
  own_threads_total -= f->own_threads;
  g_free (f->name);
  gst_object_unref (f->element);
  g_free (f);
}

static void
rebuild_chain (VfdPipeline * p)
{
  GPtrArray *chain = g_ptr_array_new ();

  for (guint i = 0; i < p->filters->len; i++) {
    VfdFilter *f = g_ptr_array_index (p->filters, i);
    if (f->enabled)
      g_ptr_array_add (chain, f->element);
  }
  vfd_chain_set (p->chain, chain);
  g_ptr_array_unref (chain);
  vfd_pipeline_notify (p, VFD_CHANGED_FILTERS, NULL);
}

static VfdFilter *
filter_new (GstElement * e)
{
  VfdFilter *f = g_new0 (VfdFilter, 1);
  f->name = g_strdup (GST_OBJECT_NAME (e));
  f->element = gst_object_ref (e);
  f->enabled = TRUE;
  f->own_threads = vfd_filter_own_threads (e);
  own_threads_total += f->own_threads;
  f->timing = g_atomic_rc_box_new0 (VfdTiming);
  vfd_timing_attach (e, f->timing);
  return f;
}

/* ---- construction ---------------------------------------------------------- */

/* The fixed elements around the filters: NULL + error when GStreamer's
 * own plugins are not installed. */
static GstElement *
make (GstBin * bin, const gchar * factory, const gchar * name, GError ** error)
{
  GstElement *e;

  if (error && *error)
    return NULL;
  e = gst_element_factory_make (factory, name);
  if (!e) {
    g_set_error (error, VFD_ERROR, VFD_ERROR_FAILED, "GStreamer element '%s' "
        "is missing (install gstreamer1.0-plugins-base)", factory);
    return NULL;
  }
  gst_bin_add (bin, e);
  return e;
}

VfdPipeline *
vfd_pipeline_new (const VfdPipelineConfig * cfg, VfdChangedFunc changed,
    gpointer data, GError ** error)
{
  VfdPipeline *p;
  GstElement *in_scale, *out_scale;
  GError *fixed_error = NULL;
  GPtrArray *elements;
  GstBin *bin;
  GstBus *bus;
  GstPad *pad;

  elements = vfd_filters_parse (cfg->filters, error);
  if (!elements)
    return NULL;
  {
    gchar *what = g_strdup_printf ("the n-threads of pipeline '%s'",
        cfg->name);
    gboolean ok = admit_threads (vfd_filters_own_threads (elements), 0, what,
        error);
    g_free (what);
    if (!ok) {
      g_ptr_array_unref (elements);
      return NULL;
    }
  }

  p = g_new0 (VfdPipeline, 1);
  p->cfg = vfd_pipeline_config_copy (cfg);
  p->orig = vfd_pipeline_config_copy (cfg);
  p->changed = changed;
  p->changed_data = data;
  p->state = VFD_PIPELINE_STOPPED;
  p->last_error = g_strdup ("");
  p->filters = g_ptr_array_new_with_free_func ((GDestroyNotify) filter_free);

  p->source = vfd_source_new_full (cfg->source, cfg->caps, error);
  p->sink = p->source ? vfd_sinks_new (cfg->sink, cfg, error) : NULL;
  if (!p->source || !p->sink) {
    if (p->source)
      gst_object_unref (gst_object_ref_sink (p->source));
    g_ptr_array_unref (elements);
    g_ptr_array_unref (p->filters);
    vfd_pipeline_config_free (p->cfg);
    vfd_pipeline_config_free (p->orig);
    g_free (p->last_error);
    g_free (p);
    return NULL;
  }
  gst_object_ref_sink (p->source);
  gst_object_ref_sink (p->sink);

  p->pipeline = gst_pipeline_new (cfg->name);
  bin = GST_BIN (p->pipeline);
  p->in_convert = make (bin, "videoconvert", "in_convert", &fixed_error);
  in_scale = make (bin, "videoscale", "in_scale", &fixed_error);
  p->in_caps = make (bin, "capsfilter", "in_caps", &fixed_error);
  p->out_convert = make (bin, "videoconvert", "out_convert", &fixed_error);
  out_scale = make (bin, "videoscale", "out_scale", &fixed_error);
  p->out_queue = make (bin, "queue", "out_queue", &fixed_error);
  /* source, sink and filters are not floating: the bin adds a reference */
  gst_bin_add_many (bin, p->source, p->sink, NULL);
  p->worker = vfd_worker_new (p->pipeline);
  p->tick = g_timeout_add_seconds (1, vfd_pipeline_tick_cb, p);
  bus = gst_pipeline_get_bus (GST_PIPELINE (p->pipeline));
  p->bus_watch = gst_bus_add_watch (bus, vfd_pipeline_bus_cb, p);
  gst_object_unref (bus);
  p->processed = g_atomic_rc_box_new0 (gint64);
  if (fixed_error) {
    g_propagate_error (error, fixed_error);
    g_ptr_array_unref (elements);
    vfd_pipeline_free_full (p, TRUE);
    return NULL;
  }
  if (cfg->caps) {
    GstCaps *caps = gst_caps_from_string (cfg->caps);
    g_object_set (p->in_caps, "caps", caps, NULL);
    gst_caps_unref (caps);
  }
  gst_element_link_many (p->source, p->in_convert, in_scale, p->in_caps, NULL);
  gst_element_link_many (p->out_convert, out_scale, p->out_queue, p->sink,
      NULL);

  for (guint i = 0; i < elements->len; i++)
    g_ptr_array_add (p->filters, filter_new (g_ptr_array_index (elements, i)));
  {
    GstElement *e = p->in_caps;
    for (guint i = 0; i < p->filters->len; i++) {
      VfdFilter *f = g_ptr_array_index (p->filters, i);
      gst_bin_add (GST_BIN (p->pipeline), f->element);
      gst_element_link (e, f->element);
      e = f->element;
    }
    gst_element_link (e, p->out_convert);
  }
  p->chain = vfd_chain_new (p->pipeline, p->in_caps, p->out_convert, elements);
  g_ptr_array_unref (elements);

  pad = gst_element_get_static_pad (p->out_convert, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_BUFFER_LIST, vfd_pipeline_count_probe,
      g_atomic_rc_box_acquire (p->processed), vfd_pipeline_counter_release);
  gst_object_unref (pad);
  p->target = GST_STATE_NULL;
  return p;
}

void
vfd_pipeline_free (VfdPipeline * p)
{
  vfd_pipeline_free_full (p, FALSE);
}

void
vfd_pipeline_free_full (VfdPipeline * p, gboolean wait)
{
  if (!p)
    return;
  g_source_remove (p->bus_watch);
  g_source_remove (p->tick);
  if (p->retry_source)
    g_source_remove (p->retry_source);
  if (p->eos_timeout)
    g_source_remove (p->eos_timeout);
  /* the worker finishes its queue, ending with NULL, then goes away */
  vfd_worker_set_state (p->worker, GST_STATE_NULL);
  vfd_worker_release (p->worker, p->source);
  vfd_worker_free (p->worker, wait);
  vfd_chain_free (p->chain);
  gst_object_unref (p->pipeline);
  gst_object_unref (p->source);
  gst_object_unref (p->sink);
  g_ptr_array_unref (p->filters);
  vfd_pipeline_config_free (p->cfg);
  vfd_pipeline_config_free (p->orig);
  g_atomic_rc_box_release (p->processed);
  g_free (p->last_error);
  g_free (p->logged_failure);
  g_free (p);
}

gchar **
vfd_pipeline_wait_freed (gint64 end_time)
{
  return vfd_worker_wait_freed (end_time);
}

/* ---- control ----------------------------------------------------------------- */

void
vfd_pipeline_play (VfdPipeline * p)
{
  vfd_pipeline_leave_failure (p);
  p->backoff = 0;
  p->target = GST_STATE_PLAYING;
  if (p->state == VFD_PIPELINE_STOPPED)
    vfd_pipeline_transition (p, VFD_PIPELINE_STARTING);
  vfd_worker_set_state (p->worker, GST_STATE_PLAYING);
}

void
vfd_pipeline_pause (VfdPipeline * p)
{
  vfd_pipeline_leave_failure (p);
  p->target = GST_STATE_PAUSED;
  if (p->state == VFD_PIPELINE_STOPPED)
    vfd_pipeline_transition (p, VFD_PIPELINE_STARTING);
  vfd_worker_set_state (p->worker, GST_STATE_PAUSED);
}

void
vfd_pipeline_stop (VfdPipeline * p)
{
  GstState cur;
  vfd_pipeline_leave_failure (p);
  p->target = GST_STATE_NULL;
  gst_element_get_state (p->pipeline, &cur, NULL, 0);
  if (cur == GST_STATE_PLAYING && p->state != VFD_PIPELINE_STOPPING) {
    /* let file sinks finish their file: EOS first, NULL when it arrives */
    gst_element_send_event (p->pipeline, gst_event_new_eos ());
    vfd_pipeline_transition (p, VFD_PIPELINE_STOPPING);
  } else if (p->state != VFD_PIPELINE_STOPPING) {
    vfd_worker_set_state (p->worker, GST_STATE_NULL);
    /* (no state message to wait for: the bus is flushed on the way) */
    vfd_pipeline_transition (p, VFD_PIPELINE_STOPPED);
  }
}

/* Replaces the source or sink bin by `bin` (a reference we hand over) on
 * the worker thread: NULL, swap, relink, back to the target state. */
void
vfd_pipeline_queue_swap (VfdPipeline * p, gboolean is_source, GstElement * bin)
{
  GstElement **slot = is_source ? &p->source : &p->sink;
  GstElement *old = *slot;

  vfd_worker_swap (p->worker, old, gst_object_ref (bin),
      is_source ? p->in_convert : p->out_queue, is_source, p->target);
  *slot = bin;
  gst_object_unref (old);
}

static gboolean
swap (VfdPipeline * p, gboolean is_source, const gchar * uri, GError ** error)
{
  GstElement *bin = is_source ?
      vfd_source_new_full (uri, p->cfg->caps, error) :
      vfd_sinks_new (uri, p->cfg, error);

  if (!bin)
    return FALSE;
  vfd_pipeline_leave_failure (p);
  vfd_pipeline_queue_swap (p, is_source, gst_object_ref_sink (bin));
  if (is_source) {
    g_free (p->cfg->source);
    p->cfg->source = g_strdup (uri);
  } else {
    g_free (p->cfg->sink);
    p->cfg->sink = g_strdup (uri);
  }
  vfd_pipeline_notify (p, is_source ? VFD_CHANGED_SOURCE : VFD_CHANGED_SINK,
      NULL);
  return TRUE;
}

gboolean
vfd_pipeline_set_source (VfdPipeline * p, const gchar * uri, GError ** error)
{
  return swap (p, TRUE, uri, error);
}

gboolean
vfd_pipeline_set_sink (VfdPipeline * p, const gchar * uri, GError ** error)
{
  return swap (p, FALSE, uri, error);
}

/* The sink list changed in place: the config follows. */
static void
sinks_changed (VfdPipeline * p)
{
  gchar **uris = vfd_sinks_list (p->sink);
  g_free (p->cfg->sink);
  p->cfg->sink = vfd_sinks_join ((const gchar * const *) uris);
  g_strfreev (uris);
  vfd_pipeline_notify (p, VFD_CHANGED_SINK, NULL);
}

void
vfd_pipeline_foreach_encoder (VfdPipeline * p, VfdTimingFunc func,
    gpointer data)
{
  if (p->sink)
    vfd_sinks_foreach_encoder (p->sink, func, data);
}

gboolean
vfd_pipeline_add_sink (VfdPipeline * p, const gchar * uri, GError ** error)
{
  if (!vfd_sinks_add (p->sink, uri, p->cfg, error))
    return FALSE;
  sinks_changed (p);
  return TRUE;
}

gboolean
vfd_pipeline_remove_sink (VfdPipeline * p, const gchar * uri, GError ** error)
{
  if (!vfd_sinks_remove (p->sink, uri, error))
    return FALSE;
  sinks_changed (p);
  return TRUE;
}

gchar **
vfd_pipeline_get_sinks (VfdPipeline * p)
{
  return vfd_sinks_split (p->cfg->sink);
}

static gboolean
check_position (VfdPipeline * p, gint position, guint max, GError ** error)
{
  if (position < -1 || position > (gint) max) {
    g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID,
        "position %d is out of range (expected -1 for the end, or 0 to %u)",
        position, max);
    return FALSE;
  }
  return TRUE;
}

VfdFilter *
vfd_pipeline_add_filter (VfdPipeline * p, const gchar * desc, gint position,
    GError ** error)
{
  GPtrArray *elements;
  VfdFilter *f;

  if (p->filters->len >= VFD_MAX_FILTERS) {
    g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "pipeline '%s' has %u "
        "filters already (at most %d)", p->cfg->name, p->filters->len,
        VFD_MAX_FILTERS);
    return NULL;
  }
  if (!check_position (p, position, p->filters->len, error))
    return NULL;
  elements = vfd_filters_parse (desc, error);
  if (!elements)
    return NULL;
  if (elements->len != 1) {
    g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID,
        "description '%s' has %u elements (expected exactly one filter)",
        desc, elements->len);
    g_ptr_array_unref (elements);
    return NULL;
  }
  {
    GstElement *e = g_ptr_array_index (elements, 0);
    gchar *what = g_strdup_printf ("n-threads of filter '%s'",
        GST_OBJECT_NAME (e));
    gboolean ok = admit_threads (vfd_filter_own_threads (e), 0, what, error);
    g_free (what);
    if (!ok) {
      g_ptr_array_unref (elements);
      return NULL;
    }
  }
  f = filter_new (g_ptr_array_index (elements, 0));
  g_ptr_array_unref (elements);
  if (vfd_pipeline_find_filter (p, f->name)) {
    g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID,
        "pipeline '%s' already has a filter named '%s'", p->cfg->name, f->name);
    filter_free (f);
    return NULL;
  }
  g_ptr_array_insert (p->filters, position, f);
  rebuild_chain (p);
  return f;
}

gboolean
vfd_pipeline_remove_filter (VfdPipeline * p, VfdFilter * f, GError ** error)
{
  g_ptr_array_remove (p->filters, f);   /* frees f */
  rebuild_chain (p);
  return TRUE;
}

gboolean
vfd_pipeline_move_filter (VfdPipeline * p, VfdFilter * f, gint position,
    GError ** error)
{
  if (!check_position (p, position, p->filters->len - 1, error))
    return FALSE;
  {
    guint i = 0;
    g_ptr_array_find (p->filters, f, &i);
    g_ptr_array_steal_index (p->filters, i);
  }
  if (position < 0)
    g_ptr_array_add (p->filters, f);
  else
    g_ptr_array_insert (p->filters, position, f);
  rebuild_chain (p);
  return TRUE;
}

gboolean
vfd_pipeline_set_filter_enabled (VfdPipeline * p, VfdFilter * f,
    gboolean enabled, GError ** error)
{
  if (f->enabled == enabled)
    return TRUE;
  f->enabled = enabled;
  /* a disabled filter leaves the bin; it keeps its properties */
  rebuild_chain (p);
  vfd_pipeline_notify (p, VFD_CHANGED_FILTER_PROPS, f);
  return TRUE;
}

/* ---- filter properties -------------------------------------------------------- */

GVariant *
vfd_filter_get_properties (VfdFilter * f)
{
  return vfd_props_get (f->element);
}

gboolean
vfd_pipeline_set_filter_properties (VfdPipeline * p, VfdFilter * f,
    GVariant * props, GError ** error)
{
  gchar *applied = NULL;
  gboolean found;
  guint n;

  if (!vfd_props_lookup_uint (f->element, f->name, props, "n-threads",
          &found, &n, error))
    return FALSE;
  if (found) {
    gchar *what = g_strdup_printf ("n-threads=%u for filter '%s'", n,
        f->name);
    gboolean ok =
        admit_threads (vfd_filter_threads_for (n), f->own_threads, what,
        error);
    g_free (what);
    if (!ok)
      return FALSE;
  }
  if (!vfd_props_set (f->element, f->name, props, &applied, error))
    return FALSE;
  own_threads_total -= f->own_threads;
  f->own_threads = vfd_filter_own_threads (f->element);
  own_threads_total += f->own_threads;
  vfd_pipeline_notify (p, VFD_CHANGED_FILTER_PROPS, f);
  if (applied && *applied)
    g_log_structured ("vfilterd", G_LOG_LEVEL_MESSAGE, "PIPELINE",
        p->cfg->name, "FILTER", f->name, "MESSAGE",
        "pipeline '%s': filter '%s': %s", p->cfg->name, f->name, applied);
  g_free (applied);
  return TRUE;
}

/* ---- getters ------------------------------------------------------------------ */

const gchar *
vfd_pipeline_get_name (VfdPipeline * p)
{
  return p->cfg->name;
}

VfdPipelineState
vfd_pipeline_get_state (VfdPipeline * p)
{
  return p->state;
}

const gchar *
vfd_pipeline_get_source (VfdPipeline * p)
{
  return p->cfg->source;
}

const gchar *
vfd_pipeline_get_sink (VfdPipeline * p)
{
  return p->cfg->sink;
}

const gchar *
vfd_pipeline_get_last_error (VfdPipeline * p)
{
  return p->last_error;
}

GPtrArray *
vfd_pipeline_get_filters (VfdPipeline * p)
{
  return p->filters;
}

VfdFilter *
vfd_pipeline_find_filter (VfdPipeline * p, const gchar * name)
{
  for (guint i = 0; i < p->filters->len; i++) {
    VfdFilter *f = g_ptr_array_index (p->filters, i);
    if (g_str_equal (f->name, name))
      return f;
  }
  return NULL;
}

guint64
vfd_pipeline_get_frames_processed (VfdPipeline * p)
{
  return (guint64) __atomic_load_n (p->processed, __ATOMIC_RELAXED);
}

guint64
vfd_pipeline_get_reconnects (VfdPipeline * p)
{
  return p->reconnects;
}

guint64
vfd_pipeline_get_frames_dropped (VfdPipeline * p)
{
  return p->dropped;
}

gdouble
vfd_pipeline_get_fps (VfdPipeline * p)
{
  return p->fps;
}

gchar *
vfd_pipeline_get_graph (VfdPipeline * p)
{
  return gst_debug_bin_to_dot_data (GST_BIN (p->pipeline),
      GST_DEBUG_GRAPH_SHOW_ALL);
}

const VfdPipelineConfig *
vfd_pipeline_get_config (VfdPipeline * p)
{
  return p->orig;
}
