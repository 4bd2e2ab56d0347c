/* Where a pipeline stands: its state, failures and retries, the bus.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One VfdPipelineState, changed only by vfd_pipeline_transition (), which
 * logs, notifies and owns the timers that belong to a state (the retry
 * back-off, the EOS wait of a stop); D-Bus shows its name. */
#include <string.h>

#include "vfd-pipeline-private.h"
#include "vfd-ratelimit.h"
#include "vfd-sinks.h"
#include "vfd-uri.h"

/* ---- state ------------------------------------------------------------------ */

const gchar *
vfd_pipeline_state_name (VfdPipelineState state)
{
  switch (state) {
    case VFD_PIPELINE_STOPPED:
      return "stopped";
    case VFD_PIPELINE_STARTING:
      return "starting";
    case VFD_PIPELINE_PAUSED:
      return "paused";
    case VFD_PIPELINE_PLAYING:
      return "playing";
    case VFD_PIPELINE_STOPPING:        /* still delivering until EOS */
      return "stopping";
    case VFD_PIPELINE_RETRY_WAIT:
    case VFD_PIPELINE_RETRYING:
      return "reconnecting";
    case VFD_PIPELINE_ERROR:
      return "error";
  }
  return "error";
}

void
vfd_pipeline_notify (VfdPipeline * p, VfdChanged what, VfdFilter * f)
{
  if (p->changed)
    p->changed (p, what, f, p->changed_data);
}

static gboolean retry_cb (gpointer data);
static gboolean eos_timeout_cb (gpointer data);
static void set_last_error (VfdPipeline * p, const gchar * msg);

/* The one place the state changes. */
void
vfd_pipeline_transition (VfdPipeline * p, VfdPipelineState to)
{
  const VfdPipelineState from = p->state;
  const gchar *name = vfd_pipeline_state_name (to);

  if (from == to)
    return;
  if (to == VFD_PIPELINE_RETRYING)
    p->reconnects++;
  /* a state's timer ends with it */
  if (from == VFD_PIPELINE_RETRY_WAIT && p->retry_source) {
    g_source_remove (p->retry_source);
    p->retry_source = 0;
  }
  if (from == VFD_PIPELINE_STOPPING && p->eos_timeout) {
    g_source_remove (p->eos_timeout);
    p->eos_timeout = 0;
  }
  p->state = to;
  /* an outage lasts until the pipeline leaves reconnecting */
  if (to != VFD_PIPELINE_RETRY_WAIT && to != VFD_PIPELINE_RETRYING)
    g_clear_pointer (&p->logged_failure, g_free);
  switch (to) {
    case VFD_PIPELINE_RETRY_WAIT:{
      /* the camera went away or the file vanished: try again, backing
       * off 1, 2, 4 ... 30 s */
      guint delay = MIN (1u << MIN (p->backoff, 5u), MAX_BACKOFF_S);
      p->backoff++;
      p->retry_source = g_timeout_add_seconds (delay, retry_cb, p);
      break;
    }
    case VFD_PIPELINE_STOPPING:
      /* file sinks finish their file: NULL when EOS arrives, or after 3 s */
      p->eos_timeout = g_timeout_add_seconds (3, eos_timeout_cb, p);
      break;
    case VFD_PIPELINE_PLAYING:
      p->backoff = 0;
      break;
    default:
      break;
  }
  /* playing again: the failure is over (the log keeps it) */
  if (to == VFD_PIPELINE_PLAYING && p->last_error && *p->last_error)
    set_last_error (p, "");
  if (strcmp (vfd_pipeline_state_name (from), name) != 0) {
    g_log_structured ("vfilterd", G_LOG_LEVEL_MESSAGE, "PIPELINE",
        p->cfg->name, "STATE", name, "MESSAGE", "pipeline '%s' is %s",
        p->cfg->name, name);
    vfd_pipeline_notify (p, VFD_CHANGED_STATE, NULL);
  }
}

static gboolean
reconnecting (VfdPipeline * p)
{
  return p->state == VFD_PIPELINE_RETRY_WAIT
      || p->state == VFD_PIPELINE_RETRYING;
}

/* The user takes over (play, pause, stop, a new source or sink): a failure
 * being handled is over. */
void
vfd_pipeline_leave_failure (VfdPipeline * p)
{
  if (reconnecting (p) || p->state == VFD_PIPELINE_ERROR)
    vfd_pipeline_transition (p, VFD_PIPELINE_STOPPED);
}

static void
set_last_error (VfdPipeline * p, const gchar * msg)
{
  g_free (p->last_error);
  p->last_error = g_strdup (msg);
  vfd_pipeline_notify (p, VFD_CHANGED_ERROR, NULL);
}


static void
renew_sink (GstElement * old, GstElement * fresh, GstElement * queue,
    gpointer data)
{
  VfdPipeline *p = data;
  vfd_worker_swap (p->worker, old, fresh, queue, FALSE, GST_STATE_NULL);
}

static gboolean
retry_cb (gpointer data)
{
  VfdPipeline *p = data;
  GstElement *fresh;

  p->retry_source = 0;
  vfd_pipeline_transition (p, VFD_PIPELINE_RETRYING);
  g_log_structured ("vfilterd", G_LOG_LEVEL_MESSAGE, "PIPELINE",
      p->cfg->name, "MESSAGE", "pipeline '%s': reconnecting to '%s' "
      "(attempt %u)", p->cfg->name, p->cfg->source, p->backoff);
  /* a publisher that failed is not to be reused (rtspclientsink announces
   * nothing after a failed attempt): fresh ones */
  vfd_sinks_renew_retried (p->sink, p->cfg, renew_sink, p);
  /* a source element that failed may keep its device open (v4l2src after
   * an unplug does): start each attempt with a fresh one */
  fresh = vfd_source_new_full (p->cfg->source, p->cfg->caps, NULL);
  if (fresh)
    vfd_pipeline_queue_swap (p, TRUE, gst_object_ref_sink (fresh));
  else
    vfd_worker_set_state (p->worker, p->target);
  return G_SOURCE_REMOVE;
}

void
vfd_pipeline_retry_now (VfdPipeline * p)
{
  if (p->state != VFD_PIPELINE_RETRY_WAIT)
    return;
  g_source_remove (p->retry_source);
  retry_cb (p);
}

static gboolean
eos_timeout_cb (gpointer data)
{
  VfdPipeline *p = data;
  p->eos_timeout = 0;
  vfd_worker_set_state (p->worker, GST_STATE_NULL);
  vfd_pipeline_transition (p, VFD_PIPELINE_STOPPED);
  return G_SOURCE_REMOVE;
}

/* An error (`text`; `cause`: the part of it that names no element, which
 * a fresh source renames) stopped the pipeline: down to NULL, then a retry
 * with a fresh source if the source failed while we wanted it running. */
static void
pipeline_failed (VfdPipeline * p, const gchar * text, const gchar * cause,
    gboolean from_source)
{
  /* one failure often posts several errors: the first names the cause,
   * the rest are for debugging; and a camera that stays away fails every
   * attempt the same way: its cause is logged once per outage (each
   * attempt has its "reconnecting" line) */
  const gboolean first = p->state != VFD_PIPELINE_RETRY_WAIT
      && p->state != VFD_PIPELINE_ERROR;
  const gboolean news = first && g_strcmp0 (p->logged_failure, cause) != 0;
  g_log_structured ("vfilterd", news ? G_LOG_LEVEL_WARNING : G_LOG_LEVEL_DEBUG,
      "PIPELINE", p->cfg->name, "MESSAGE", "pipeline '%s': %s%s",
      p->cfg->name, text, first ? "" : " (after the first error)");
  if (news) {
    g_free (p->logged_failure);
    p->logged_failure = g_strdup (cause);
  }
  if (!first)
    return;
  set_last_error (p, text);
  p->stalled = 0;

  vfd_worker_set_state (p->worker, GST_STATE_NULL);
  if (from_source)
    vfd_worker_release (p->worker, p->source);
  if (from_source && p->target >= GST_STATE_PAUSED)
    vfd_pipeline_transition (p, VFD_PIPELINE_RETRY_WAIT);
  else
    vfd_pipeline_transition (p, VFD_PIPELINE_ERROR);
}

static void
handle_error (VfdPipeline * p, GstMessage * msg)
{
  GError *err = NULL;
  gchar *debug = NULL, *text;
  gboolean from_source = p->source &&
      gst_object_has_as_ancestor (GST_MESSAGE_SRC (msg),
      GST_OBJECT (p->source));

  /* a network sink whose receiver went away is retried like a camera */
  for (GstObject * o = GST_MESSAGE_SRC (msg); o && !from_source;
      o = GST_OBJECT_PARENT (o))
    from_source = g_object_get_data (G_OBJECT (o), "vfd-retry") != NULL;

  gst_message_parse_error (msg, &err, &debug);
  {
    /* the debug string's last line usually names the file or device */
    const gchar *detail = debug ? strrchr (debug, '\n') : NULL;
    detail = detail ? detail + 1 : debug;
    if (detail && strlen (detail) < 200 && !strstr (detail, "): "))
      text = g_strdup_printf ("%s: %s (%s)",
          GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)), err->message, detail);
    else
      text = g_strdup_printf ("%s: %s",
          GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)), err->message);
  }
  if (from_source && err->domain == GST_RESOURCE_ERROR
      && err->code == GST_RESOURCE_ERROR_BUSY) {
    gchar *t = g_strdup_printf ("%s (in use by another program; retrying)",
        text);
    g_free (text);
    text = t;
  }
  g_free (debug);
  g_error_free (err);
  /* text is "NAME: ..." */
  pipeline_failed (p, text, text + strlen (GST_OBJECT_NAME (GST_MESSAGE_SRC
              (msg))) + 2, from_source);
  g_free (text);
}

static void
state_changed (VfdPipeline * p, GstState cur)
{
  /* going down for a retry, or after an error: not a state of its own;
   * and a PLAYING posted before the failure was handled (the bus is behind
   * the worker: a sink that fails to connect while the retry goes up) is
   * stale: the pipeline is on its way to NULL */
  if ((reconnecting (p) || p->state == VFD_PIPELINE_ERROR)
      && (cur < GST_STATE_PAUSED || p->state != VFD_PIPELINE_RETRYING))
    return;
  if (cur == GST_STATE_PLAYING) {
    if (p->state != VFD_PIPELINE_STOPPING)
      vfd_pipeline_transition (p, VFD_PIPELINE_PLAYING);
  } else if (cur == GST_STATE_PAUSED) {
    if (p->target == GST_STATE_PAUSED)
      vfd_pipeline_transition (p, VFD_PIPELINE_PAUSED);
  } else if (p->target < GST_STATE_PAUSED) {
    vfd_pipeline_transition (p, VFD_PIPELINE_STOPPED);
  }
}

static void
end_of_stream (VfdPipeline * p)
{
  /* a source that fails posts its error and then pushes EOS: that EOS is
   * part of the failure being retried, not the end of the stream (the bus
   * is in order: it comes before the retry's PLAYING) */
  if (reconnecting (p))
    return;
  if (p->state == VFD_PIPELINE_STOPPING) {
    vfd_worker_set_state (p->worker, GST_STATE_NULL);
    vfd_pipeline_transition (p, VFD_PIPELINE_STOPPED);
  } else if (p->cfg->loop && p->target == GST_STATE_PLAYING) {
    vfd_worker_seek_start (p->worker);
  } else {
    p->target = GST_STATE_NULL;
    vfd_worker_set_state (p->worker, GST_STATE_NULL);
    /* the pipeline's bus is flushed on its way to NULL: the state messages
     * of the way down may never come (1 run in 4 with two filters) */
    vfd_pipeline_transition (p, VFD_PIPELINE_STOPPED);
  }
}

gboolean
vfd_pipeline_bus_cb (GstBus * bus, GstMessage * msg, gpointer data)
{
  VfdPipeline *p = data;

  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_ERROR:
      handle_error (p, msg);
      break;
    case GST_MESSAGE_EOS:
      end_of_stream (p);
      break;
    case GST_MESSAGE_STATE_CHANGED:
      if (GST_MESSAGE_SRC (msg) == GST_OBJECT (p->pipeline)) {
        GstState old, cur;
        gst_message_parse_state_changed (msg, &old, &cur, NULL);
        state_changed (p, cur);
      }
      break;
    case GST_MESSAGE_QOS:{
      guint64 processed, dropped;
      GstFormat fmt;
      gst_message_parse_qos_stats (msg, &fmt, &processed, &dropped);
      if (fmt == GST_FORMAT_BUFFERS && dropped > p->dropped) {
        p->dropped = dropped;
        vfd_pipeline_notify (p, VFD_CHANGED_COUNTERS, NULL);
      }
      break;
    }
    case GST_MESSAGE_WARNING:{
      GError *err = NULL;
      gchar *line;
      gst_message_parse_warning (msg, &err, NULL);
      /* a sink that cannot keep up says so every second or two */
      line = g_strdup_printf ("pipeline '%s': %s: %s", p->cfg->name,
          GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)), err->message);
      vfd_warn_limited (p->cfg->name, line, line);
      g_free (line);
      g_error_free (err);
      break;
    }
    default:
      break;
  }
  return G_SOURCE_CONTINUE;
}

gboolean
vfd_pipeline_tick_cb (gpointer data)
{
  VfdPipeline *p = data;
  gint64 now = g_get_monotonic_time ();
  gint64 count = __atomic_load_n (p->processed, __ATOMIC_RELAXED);
  gdouble fps = 0;

  if (p->last_time && now > p->last_time)
    fps = (count - p->last_count) * 1e6 / (gdouble) (now - p->last_time);
  /* a camera that opens but never delivers (or stops delivering) is as
   * good as gone: start again with a fresh source */
  if (count == p->last_count && p->target == GST_STATE_PLAYING
      && p->state != VFD_PIPELINE_ERROR && p->state != VFD_PIPELINE_RETRY_WAIT
      && g_str_has_prefix (p->cfg->source, "v4l2:")) {
    if (++p->stalled >= STALL_S) {
      gchar *text = g_strdup_printf ("source: no frame from the camera for "
          "%u s", STALL_S);
      pipeline_failed (p, text, text, TRUE);
      g_free (text);
    }
  } else {
    p->stalled = 0;
  }
  p->last_count = count;
  p->last_time = now;
  fps = (gint64) (fps * 10 + 0.5) / 10.0;
  if (fps != p->fps || count != 0) {
    p->fps = fps;
    vfd_pipeline_notify (p, VFD_CHANGED_COUNTERS, NULL);
  }
  return G_SOURCE_CONTINUE;
}

/* The counter outlives the pipeline object if a streaming thread is still
 * finishing: the probe holds its own reference. */
GstPadProbeReturn
vfd_pipeline_count_probe (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  gint64 *processed = data;
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST)
    __atomic_add_fetch (processed,
        gst_buffer_list_length (GST_PAD_PROBE_INFO_BUFFER_LIST (info)),
        __ATOMIC_RELAXED);
  else
    __atomic_add_fetch (processed, 1, __ATOMIC_RELAXED);
  return GST_PAD_PROBE_OK;
}

void
vfd_pipeline_counter_release (gpointer data)
{
  g_atomic_rc_box_release (data);
}
