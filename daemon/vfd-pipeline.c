/* One running pipeline.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Topology: source ! videoconvert ! videoscale ! capsfilter(caps)
 *           ! filter… ! videoconvert ! videoscale ! queue ! sink
 *
 * The main loop never blocks on GStreamer: state changes, seeks and
 * source/sink swaps run on a per-pipeline worker thread, in order; what
 * they cause comes back as bus messages.  Filter chain edits (add, remove,
 * move, enable) happen in an IDLE probe on the capsfilter's src pad: the
 * chain holds no buffer then, so nothing is lost and the stream continues.
 */
#include <string.h>

#include "vfd-filters.h"
#include "vfd-pipeline.h"
#include "vfd-uri.h"

#define STALL_S 10
#define MAX_BACKOFF_S 30

struct _VfdPipeline
{
  VfdPipelineConfig *cfg;       /* source/sink/filters kept current */
  VfdChangedFunc changed;
  gpointer changed_data;

  GstElement *pipeline;
  GstElement *source, *sink;
  GstElement *in_convert, *in_caps, *out_convert, *out_queue;
  VfdPipelineConfig *orig;      /* as created, for Reload's comparison */
  GPtrArray *filters;           /* VfdFilter, in order */

  GThreadPool *worker;
  guint bus_watch;
  guint tick;

  GstState target;
  gchar *state;
  gchar *last_error;
  gboolean failed;              /* fatal error: stays "error" until play */
  gboolean reconnecting;
  gboolean in_failure;          /* errors of this failure already handled */
  guint retry_source;
  guint backoff;
  guint eos_timeout;

  gint64 *processed;            /* atomic, shared with the streaming thread:
                                 * buffers out of the filter chain */
  guint64 dropped;
  gint64 last_count, last_time;
  gdouble fps;
  guint stalled;                /* seconds a camera gave no frame */
};

/* ---- worker thread ----------------------------------------------------- */

typedef enum
{ TASK_STATE, TASK_SEEK_START, TASK_SWAP, TASK_RELEASE,
  TASK_FREED
} TaskOp;

/* Pipelines freed without waiting whose worker has not finished yet. */
static GMutex freeing_lock;
static GCond freeing_cond;
static guint n_freeing;

typedef struct
{
  TaskOp op;
  GstElement *pipeline;
  GstState state;
  /* TASK_SWAP: replace `old` by `new`, linked after/before `peer` */
  GstElement *old, *new, *peer;
  gboolean is_source;
} Task;

static void
task_free (Task * t)
{
  gst_object_unref (t->pipeline);
  if (t->old)
    gst_object_unref (t->old);
  if (t->new)
    gst_object_unref (t->new);
  if (t->peer)
    gst_object_unref (t->peer);
  g_free (t);
}

/* After a source bin is down and out of the pipeline. */
static void
release_source (GstElement * pipeline, GstElement * source)
{
  guint n = vfd_source_release (source);
  if (n)
    g_log_structured ("vfilterd", G_LOG_LEVEL_MESSAGE, "PIPELINE",
        GST_OBJECT_NAME (pipeline), "MESSAGE",
        "pipeline '%s': released %u descriptor%s of the camera that v4l2src "
        "left open", GST_OBJECT_NAME (pipeline), n, n == 1 ? "" : "s");
}

static void
worker_run (gpointer data, gpointer user_data)
{
  Task *t = data;
  switch (t->op) {
    case TASK_STATE:
      gst_element_set_state (t->pipeline, t->state);
      break;
    case TASK_SEEK_START:
      gst_element_seek_simple (t->pipeline, GST_FORMAT_TIME,
          GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_KEY_UNIT, 0);
      break;
    case TASK_SWAP:{
      GstState state;
      gst_element_get_state (t->pipeline, &state, NULL, 0);
      gst_element_set_state (t->pipeline, GST_STATE_NULL);
      gst_element_set_state (t->old, GST_STATE_NULL);
      gst_bin_remove (GST_BIN (t->pipeline), t->old);
      if (t->is_source)
        release_source (t->pipeline, t->old);
      /* the bin takes its own reference of the (already sunk) bin */
      gst_bin_add (GST_BIN (t->pipeline), t->new);
      if (t->is_source)
        gst_element_link (t->new, t->peer);
      else
        gst_element_link (t->peer, t->new);
      gst_element_set_state (t->pipeline, t->state);
      break;
    }
    case TASK_RELEASE:
      release_source (t->pipeline, t->old);
      break;
    case TASK_FREED:
      /* the last task: after it the pipeline's last reference is gone */
      task_free (t);
      g_mutex_lock (&freeing_lock);
      n_freeing--;
      g_cond_broadcast (&freeing_cond);
      g_mutex_unlock (&freeing_lock);
      return;
  }
  task_free (t);
}

void
vfd_pipeline_wait_freed (void)
{
  g_mutex_lock (&freeing_lock);
  while (n_freeing)
    g_cond_wait (&freeing_cond, &freeing_lock);
  g_mutex_unlock (&freeing_lock);
}

static void
push_task (VfdPipeline * p, Task * t)
{
  t->pipeline = gst_object_ref (p->pipeline);
  g_thread_pool_push (p->worker, t, NULL);
}

static void
push_state (VfdPipeline * p, GstState state)
{
  Task *t = g_new0 (Task, 1);
  t->op = TASK_STATE;
  t->state = state;
  push_task (p, t);
}

/* ---- state and notifications ---------------------------------------------- */

/* Once the pipeline is down (queue it after a NULL state): lets go of what
 * a failed camera source may have left open, so that the device can come
 * back or its driver be unloaded while we wait to reconnect. */
static void
push_release (VfdPipeline * p)
{
  Task *t = g_new0 (Task, 1);
  t->op = TASK_RELEASE;
  t->old = gst_object_ref (p->source);
  push_task (p, t);
}

static void
notify (VfdPipeline * p, VfdChanged what, VfdFilter * f)
{
  if (p->changed)
    p->changed (p, what, f, p->changed_data);
}

static void
set_state_string (VfdPipeline * p, const gchar * s)
{
  if (g_strcmp0 (p->state, s) == 0)
    return;
  g_free (p->state);
  p->state = g_strdup (s);
  g_log_structured ("vfilterd", G_LOG_LEVEL_MESSAGE, "PIPELINE",
      p->cfg->name, "STATE", s, "MESSAGE", "pipeline '%s' is %s",
      p->cfg->name, s);
  notify (p, VFD_CHANGED_STATE, NULL);
}

static void
set_last_error (VfdPipeline * p, const gchar * msg)
{
  g_free (p->last_error);
  p->last_error = g_strdup (msg);
  notify (p, VFD_CHANGED_ERROR, NULL);
}

static void queue_swap (VfdPipeline * p, gboolean is_source, GstElement * bin);

static gboolean
retry_cb (gpointer data)
{
  VfdPipeline *p = data;
  GstElement *fresh;
  p->retry_source = 0;
  p->in_failure = FALSE;
  g_log_structured ("vfilterd", G_LOG_LEVEL_MESSAGE, "PIPELINE",
      p->cfg->name, "MESSAGE", "pipeline '%s': reconnecting to '%s'",
      p->cfg->name, p->cfg->source);
  /* a source element that failed may keep its device open (v4l2src after
   * an unplug does): start each attempt with a fresh one */
  fresh = vfd_source_new_full (p->cfg->source, p->cfg->caps, NULL);
  if (fresh)
    queue_swap (p, TRUE, gst_object_ref_sink (fresh));
  else
    push_state (p, p->target);
  return G_SOURCE_REMOVE;
}

void
vfd_pipeline_retry_now (VfdPipeline * p)
{
  if (!p->retry_source)
    return;
  g_source_remove (p->retry_source);
  retry_cb (p);
}

static void
cancel_retry (VfdPipeline * p)
{
  p->in_failure = FALSE;
  if (p->retry_source) {
    g_source_remove (p->retry_source);
    p->retry_source = 0;
  }
  p->reconnecting = FALSE;
}

static void pipeline_failed (VfdPipeline * p, const gchar * text,
    gboolean from_source);

static void
handle_error (VfdPipeline * p, GstMessage * msg)
{
  GError *err = NULL;
  gchar *debug = NULL, *text;
  gboolean from_source = p->source &&
      gst_object_has_as_ancestor (GST_MESSAGE_SRC (msg),
      GST_OBJECT (p->source));

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
  pipeline_failed (p, text, from_source);
  g_free (text);
}

/* An error (`text`) stopped the pipeline: down to NULL, then a retry with a
 * fresh source if the source failed while we wanted it running. */
static void
pipeline_failed (VfdPipeline * p, const gchar * text, gboolean from_source)
{
  g_log_structured ("vfilterd", G_LOG_LEVEL_WARNING, "PIPELINE",
      p->cfg->name, "MESSAGE", "pipeline '%s': %s", p->cfg->name, text);
  /* one failure often posts several errors: the first names the cause */
  if (!p->in_failure)
    set_last_error (p, text);
  if (p->in_failure)
    return;
  p->in_failure = TRUE;
  p->stalled = 0;

  push_state (p, GST_STATE_NULL);
  if (from_source)
    push_release (p);
  if (from_source && p->target >= GST_STATE_PAUSED) {
    /* the camera went away or the file vanished: try again, backing off */
    guint delay = MIN (1u << MIN (p->backoff, 5u), MAX_BACKOFF_S);
    p->backoff++;
    p->reconnecting = TRUE;
    if (p->retry_source)
      g_source_remove (p->retry_source);
    p->retry_source = g_timeout_add_seconds (delay, retry_cb, p);
    set_state_string (p, "reconnecting");
  } else {
    p->failed = TRUE;
    set_state_string (p, "error");
  }
}

static gboolean
eos_timeout_cb (gpointer data)
{
  VfdPipeline *p = data;
  p->eos_timeout = 0;
  push_state (p, GST_STATE_NULL);
  return G_SOURCE_REMOVE;
}

static gboolean
bus_cb (GstBus * bus, GstMessage * msg, gpointer data)
{
  VfdPipeline *p = data;

  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_ERROR:
      handle_error (p, msg);
      break;
    case GST_MESSAGE_EOS:
      /* a source that fails posts its error and then pushes EOS: that EOS
       * is part of the failure being retried, not the end of the stream
       * (the bus is in order: it comes before the retry's PLAYING) */
      if (p->reconnecting)
        break;
      if (p->eos_timeout) {
        g_source_remove (p->eos_timeout);
        p->eos_timeout = 0;
        push_state (p, GST_STATE_NULL);
      } else if (p->cfg->loop && p->target == GST_STATE_PLAYING) {
        Task *t = g_new0 (Task, 1);
        t->op = TASK_SEEK_START;
        push_task (p, t);
      } else {
        p->target = GST_STATE_NULL;
        push_state (p, GST_STATE_NULL);
      }
      break;
    case GST_MESSAGE_STATE_CHANGED:
      if (GST_MESSAGE_SRC (msg) == GST_OBJECT (p->pipeline)) {
        GstState old, cur;
        gst_message_parse_state_changed (msg, &old, &cur, NULL);
        if (p->reconnecting && cur < GST_STATE_PAUSED)
          break;                /* going down for a retry */
        if (p->failed && cur < GST_STATE_PAUSED)
          break;
        if (cur == GST_STATE_PLAYING) {
          p->backoff = 0;
          p->reconnecting = FALSE;
          set_state_string (p, "playing");
        } else if (cur == GST_STATE_PAUSED) {
          if (p->target == GST_STATE_PAUSED)
            set_state_string (p, "paused");
        } else if (p->target < GST_STATE_PAUSED) {
          set_state_string (p, "stopped");
        }
      }
      break;
    case GST_MESSAGE_QOS:{
      guint64 processed, dropped;
      GstFormat fmt;
      gst_message_parse_qos_stats (msg, &fmt, &processed, &dropped);
      if (fmt == GST_FORMAT_BUFFERS && dropped > p->dropped) {
        p->dropped = dropped;
        notify (p, VFD_CHANGED_COUNTERS, NULL);
      }
      break;
    }
    case GST_MESSAGE_WARNING:{
      GError *err = NULL;
      gst_message_parse_warning (msg, &err, NULL);
      g_log_structured ("vfilterd", G_LOG_LEVEL_WARNING, "PIPELINE",
          p->cfg->name, "MESSAGE", "pipeline '%s': %s: %s", p->cfg->name,
          GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)), err->message);
      g_error_free (err);
      break;
    }
    default:
      break;
  }
  return G_SOURCE_CONTINUE;
}

static gboolean
tick_cb (gpointer data)
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
      && !p->failed && !p->in_failure && !p->retry_source
      && g_str_has_prefix (p->cfg->source, "v4l2:")) {
    if (++p->stalled >= STALL_S) {
      gchar *text = g_strdup_printf ("source: no frame from the camera for "
          "%u s", STALL_S);
      pipeline_failed (p, text, TRUE);
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
    notify (p, VFD_CHANGED_COUNTERS, NULL);
  }
  return G_SOURCE_CONTINUE;
}

/* The counter outlives the pipeline object if a streaming thread is still
 * finishing: the probe holds its own reference. */
static GstPadProbeReturn
count_probe (GstPad * pad, GstPadProbeInfo * info, gpointer data)
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

static void
counter_release (gpointer data)
{
  g_atomic_rc_box_release (data);
}

/* ---- the filter chain ------------------------------------------------------ */

static void
filter_free (VfdFilter * f)
{
  g_free (f->name);
  gst_object_unref (f->element);
  g_free (f);
}

typedef struct
{
  GstElement *pipeline;         /* may outlive the VfdPipeline */
  GstElement *head, *tail;
  GPtrArray *chain;             /* elements to link, in order (refs) */
  GPtrArray *removed;           /* elements to take out of the bin (refs) */
} Relink;

static void
relink_free (Relink * r)
{
  gst_object_unref (r->pipeline);
  gst_object_unref (r->head);
  gst_object_unref (r->tail);
  g_ptr_array_unref (r->chain);
  g_ptr_array_unref (r->removed);
  g_free (r);
}

static gboolean
drop_removed_cb (gpointer data)
{
  GPtrArray *removed = data;
  for (guint i = 0; i < removed->len; i++)
    gst_element_set_state (g_ptr_array_index (removed, i), GST_STATE_NULL);
  return G_SOURCE_REMOVE;
}

/* Runs with the chain empty of data (IDLE probe, or not streaming). */
static void
relink_now (Relink * r)
{
  GstElement *e = r->head;
  GstBin *bin = GST_BIN (r->pipeline);

  /* take the current chain apart */
  for (;;) {
    GstPad *src = gst_element_get_static_pad (e, "src");
    GstPad *peer = gst_pad_get_peer (src);
    GstElement *next = peer ? gst_pad_get_parent_element (peer) : NULL;
    if (peer) {
      gst_pad_unlink (src, peer);
      gst_object_unref (peer);
    }
    gst_object_unref (src);
    if (!next)
      break;
    gst_object_unref (next);
    if (next == r->tail)
      break;
    e = next;
  }
  for (guint i = 0; i < r->removed->len; i++) {
    GstElement *x = g_ptr_array_index (r->removed, i);
    if (GST_OBJECT_PARENT (x) == GST_OBJECT (bin)) {
      gst_element_set_locked_state (x, TRUE);
      gst_bin_remove (bin, x);
    }
  }
  /* and build the new one */
  e = r->head;
  for (guint i = 0; i < r->chain->len; i++) {
    GstElement *x = g_ptr_array_index (r->chain, i);
    if (!GST_OBJECT_PARENT (x))
      gst_bin_add (bin, x);     /* takes its own reference */
    gst_element_link (e, x);
    gst_element_sync_state_with_parent (x);
    e = x;
  }
  gst_element_link (e, r->tail);
  if (r->removed->len)
    g_idle_add_full (G_PRIORITY_DEFAULT, drop_removed_cb,
        g_ptr_array_ref (r->removed), (GDestroyNotify) g_ptr_array_unref);
}

static GstPadProbeReturn
relink_probe (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  relink_now (data);
  return GST_PAD_PROBE_REMOVE;
}

static void
rebuild_chain (VfdPipeline * p, GPtrArray * removed)
{
  Relink *r = g_new0 (Relink, 1);
  GstState state;
  GstPad *pad;

  r->pipeline = gst_object_ref (p->pipeline);
  r->head = gst_object_ref (p->in_caps);
  r->tail = gst_object_ref (p->out_convert);
  r->chain = g_ptr_array_new_with_free_func (gst_object_unref);
  r->removed = removed ? g_ptr_array_ref (removed) :
      g_ptr_array_new_with_free_func (gst_object_unref);
  for (guint i = 0; i < p->filters->len; i++) {
    VfdFilter *f = g_ptr_array_index (p->filters, i);
    if (f->enabled)
      g_ptr_array_add (r->chain, gst_object_ref (f->element));
  }

  gst_element_get_state (p->pipeline, &state, NULL, 0);
  pad = gst_element_get_static_pad (p->in_caps, "src");
  if (state >= GST_STATE_PAUSED)
    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_IDLE, relink_probe, r,
        (GDestroyNotify) relink_free);
  else {
    relink_now (r);
    relink_free (r);
  }
  gst_object_unref (pad);

  notify (p, VFD_CHANGED_FILTERS, NULL);
}

static VfdFilter *
filter_new (GstElement * e)
{
  VfdFilter *f = g_new0 (VfdFilter, 1);
  f->name = g_strdup (GST_OBJECT_NAME (e));
  f->element = gst_object_ref (e);
  f->enabled = TRUE;
  return f;
}

/* ---- construction ---------------------------------------------------------- */

static GstElement *
make (const gchar * factory, const gchar * name)
{
  GstElement *e = gst_element_factory_make (factory, name);
  if (!e)
    g_error ("GStreamer element '%s' is missing (gstreamer1.0-plugins-base)",
        factory);
  return e;
}

VfdPipeline *
vfd_pipeline_new (const VfdPipelineConfig * cfg, VfdChangedFunc changed,
    gpointer data, GError ** error)
{
  VfdPipeline *p;
  GstElement *in_scale, *out_scale;
  GPtrArray *elements;
  GstBus *bus;
  GstPad *pad;

  elements = vfd_filters_parse (cfg->filters, error);
  if (!elements)
    return NULL;

  p = g_new0 (VfdPipeline, 1);
  p->cfg = g_new0 (VfdPipelineConfig, 1);
  p->cfg->name = g_strdup (cfg->name);
  p->cfg->source = g_strdup (cfg->source);
  p->cfg->caps = g_strdup (cfg->caps);
  p->cfg->filters = g_strdup (cfg->filters);
  p->cfg->sink = g_strdup (cfg->sink);
  p->cfg->loop = cfg->loop;
  p->cfg->origin = g_strdup (cfg->origin);
  p->orig = g_new0 (VfdPipelineConfig, 1);
  p->orig->name = g_strdup (cfg->name);
  p->orig->source = g_strdup (cfg->source);
  p->orig->caps = g_strdup (cfg->caps);
  p->orig->filters = g_strdup (cfg->filters);
  p->orig->sink = g_strdup (cfg->sink);
  p->orig->loop = cfg->loop;
  p->orig->origin = g_strdup (cfg->origin);
  p->changed = changed;
  p->changed_data = data;
  p->state = g_strdup ("stopped");
  p->last_error = g_strdup ("");
  p->filters = g_ptr_array_new_with_free_func ((GDestroyNotify) filter_free);

  p->source = vfd_source_new_full (cfg->source, cfg->caps, error);
  p->sink = p->source ? vfd_sink_new (cfg->sink, error) : NULL;
  if (!p->source || !p->sink) {
    if (p->source)
      gst_object_unref (gst_object_ref_sink (p->source));
    g_ptr_array_unref (elements);
    g_ptr_array_unref (p->filters);
    vfd_pipeline_config_free (p->cfg);
    vfd_pipeline_config_free (p->orig);
    g_free (p->state);
    g_free (p->last_error);
    g_free (p);
    return NULL;
  }
  gst_object_ref_sink (p->source);
  gst_object_ref_sink (p->sink);

  p->pipeline = gst_pipeline_new (cfg->name);
  p->in_convert = make ("videoconvert", "in_convert");
  in_scale = make ("videoscale", "in_scale");
  p->in_caps = make ("capsfilter", "in_caps");
  p->out_convert = make ("videoconvert", "out_convert");
  out_scale = make ("videoscale", "out_scale");
  p->out_queue = make ("queue", "out_queue");
  if (cfg->caps) {
    GstCaps *caps = gst_caps_from_string (cfg->caps);
    g_object_set (p->in_caps, "caps", caps, NULL);
    gst_caps_unref (caps);
  }
  gst_object_ref (p->in_caps);
  gst_object_ref (p->out_convert);
  /* source, sink and filters are not floating: the bin adds a reference */
  gst_bin_add_many (GST_BIN (p->pipeline), p->source,
      p->in_convert, in_scale, p->in_caps, p->out_convert, out_scale,
      p->out_queue, p->sink, NULL);
  gst_element_link_many (p->source, p->in_convert, in_scale, p->in_caps, NULL);
  gst_element_link_many (p->out_convert, out_scale, p->out_queue, p->sink,
      NULL);

  for (guint i = 0; i < elements->len; i++)
    g_ptr_array_add (p->filters, filter_new (g_ptr_array_index (elements, i)));
  g_ptr_array_unref (elements);
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

  pad = gst_element_get_static_pad (p->out_convert, "sink");
  p->processed = g_atomic_rc_box_new0 (gint64);
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_BUFFER_LIST, count_probe,
      g_atomic_rc_box_acquire (p->processed), counter_release);
  gst_object_unref (pad);

  bus = gst_pipeline_get_bus (GST_PIPELINE (p->pipeline));
  p->bus_watch = gst_bus_add_watch (bus, bus_cb, p);
  gst_object_unref (bus);

  p->worker = g_thread_pool_new (worker_run, NULL, 1, FALSE, NULL);
  p->tick = g_timeout_add_seconds (1, tick_cb, p);
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
  cancel_retry (p);
  if (p->eos_timeout)
    g_source_remove (p->eos_timeout);
  /* the worker finishes its queue, ending with NULL, then goes away */
  push_state (p, GST_STATE_NULL);
  push_release (p);
  if (!wait) {
    Task *t = g_new0 (Task, 1);
    t->op = TASK_FREED;
    g_mutex_lock (&freeing_lock);
    n_freeing++;
    g_mutex_unlock (&freeing_lock);
    push_task (p, t);
  }
  g_thread_pool_free (p->worker, FALSE, wait);
  gst_object_unref (p->pipeline);
  gst_object_unref (p->source);
  gst_object_unref (p->sink);
  gst_object_unref (p->in_caps);
  gst_object_unref (p->out_convert);
  g_ptr_array_unref (p->filters);
  vfd_pipeline_config_free (p->cfg);
  vfd_pipeline_config_free (p->orig);
  g_atomic_rc_box_release (p->processed);
  g_free (p->state);
  g_free (p->last_error);
  g_free (p);
}

/* ---- control ----------------------------------------------------------------- */

void
vfd_pipeline_play (VfdPipeline * p)
{
  cancel_retry (p);
  p->failed = FALSE;
  p->backoff = 0;
  p->target = GST_STATE_PLAYING;
  push_state (p, GST_STATE_PLAYING);
}

void
vfd_pipeline_pause (VfdPipeline * p)
{
  cancel_retry (p);
  p->failed = FALSE;
  p->target = GST_STATE_PAUSED;
  push_state (p, GST_STATE_PAUSED);
}

void
vfd_pipeline_stop (VfdPipeline * p)
{
  GstState cur;
  cancel_retry (p);
  p->failed = FALSE;
  p->target = GST_STATE_NULL;
  gst_element_get_state (p->pipeline, &cur, NULL, 0);
  if (cur == GST_STATE_PLAYING && !p->eos_timeout) {
    /* let file sinks finish their file: EOS first, NULL when it arrives */
    gst_element_send_event (p->pipeline, gst_event_new_eos ());
    p->eos_timeout = g_timeout_add_seconds (3, eos_timeout_cb, p);
  } else {
    push_state (p, GST_STATE_NULL);
  }
}

/* Replaces the source or sink bin by `bin` (a reference we hand over) on
 * the worker thread: NULL, swap, relink, back to the target state. */
static void
queue_swap (VfdPipeline * p, gboolean is_source, GstElement * bin)
{
  Task *t = g_new0 (Task, 1);
  t->op = TASK_SWAP;
  t->is_source = is_source;
  t->old = is_source ? p->source : p->sink;
  t->new = gst_object_ref (bin);
  t->peer = gst_object_ref (is_source ? p->in_convert : p->out_queue);
  t->state = p->target;
  if (is_source)
    p->source = bin;
  else
    p->sink = bin;
  push_task (p, t);
}

static gboolean
swap (VfdPipeline * p, gboolean is_source, const gchar * uri, GError ** error)
{
  GstElement *bin = is_source ?
      vfd_source_new_full (uri, p->cfg->caps, error) :
      vfd_sink_new (uri, error);

  if (!bin)
    return FALSE;
  cancel_retry (p);
  p->failed = FALSE;
  queue_swap (p, is_source, gst_object_ref_sink (bin));
  if (is_source) {
    g_free (p->cfg->source);
    p->cfg->source = g_strdup (uri);
  } else {
    g_free (p->cfg->sink);
    p->cfg->sink = g_strdup (uri);
  }
  notify (p, is_source ? VFD_CHANGED_SOURCE : VFD_CHANGED_SINK, NULL);
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
  f = filter_new (g_ptr_array_index (elements, 0));
  g_ptr_array_unref (elements);
  if (vfd_pipeline_find_filter (p, f->name)) {
    g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID,
        "pipeline '%s' already has a filter named '%s'", p->cfg->name, f->name);
    filter_free (f);
    return NULL;
  }
  g_ptr_array_insert (p->filters, position, f);
  rebuild_chain (p, NULL);
  return f;
}

gboolean
vfd_pipeline_remove_filter (VfdPipeline * p, VfdFilter * f, GError ** error)
{
  GPtrArray *removed = g_ptr_array_new_with_free_func (gst_object_unref);
  g_ptr_array_add (removed, gst_object_ref (f->element));
  g_ptr_array_remove (p->filters, f);   /* frees f */
  rebuild_chain (p, removed);
  g_ptr_array_unref (removed);
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
  rebuild_chain (p, NULL);
  return TRUE;
}

gboolean
vfd_pipeline_set_filter_enabled (VfdPipeline * p, VfdFilter * f,
    gboolean enabled, GError ** error)
{
  GPtrArray *removed;
  if (f->enabled == enabled)
    return TRUE;
  f->enabled = enabled;
  /* a disabled filter leaves the bin; it keeps its properties */
  removed = g_ptr_array_new_with_free_func (gst_object_unref);
  if (!enabled)
    g_ptr_array_add (removed, gst_object_ref (f->element));
  rebuild_chain (p, removed);
  g_ptr_array_unref (removed);
  notify (p, VFD_CHANGED_FILTER_PROPS, f);
  return TRUE;
}

/* ---- filter properties -------------------------------------------------------- */

static gboolean
is_own_property (GParamSpec * pspec)
{
  return pspec->owner_type != GST_TYPE_OBJECT
      && pspec->owner_type != G_TYPE_OBJECT;
}

static GVariant *
value_to_variant (const GValue * v)
{
  GType t = G_VALUE_TYPE (v);
  if (G_VALUE_HOLDS_ENUM (v)) {
    GEnumClass *ec = g_type_class_ref (t);
    GEnumValue *ev = g_enum_get_value (ec, g_value_get_enum (v));
    GVariant *r = g_variant_new_string (ev ? ev->value_nick : "");
    g_type_class_unref (ec);
    return r;
  }
  switch (G_TYPE_FUNDAMENTAL (t)) {
    case G_TYPE_BOOLEAN:
      return g_variant_new_boolean (g_value_get_boolean (v));
    case G_TYPE_INT:
      return g_variant_new_int32 (g_value_get_int (v));
    case G_TYPE_UINT:
      return g_variant_new_uint32 (g_value_get_uint (v));
    case G_TYPE_INT64:
      return g_variant_new_int64 (g_value_get_int64 (v));
    case G_TYPE_UINT64:
      return g_variant_new_uint64 (g_value_get_uint64 (v));
    case G_TYPE_LONG:
      return g_variant_new_int64 (g_value_get_long (v));
    case G_TYPE_ULONG:
      return g_variant_new_uint64 (g_value_get_ulong (v));
    case G_TYPE_FLOAT:
      return g_variant_new_double (g_value_get_float (v));
    case G_TYPE_DOUBLE:
      return g_variant_new_double (g_value_get_double (v));
    case G_TYPE_STRING:
      return g_variant_new_string (g_value_get_string (v) ?
          g_value_get_string (v) : "");
    default:{
      gchar *s = gst_value_serialize (v);
      GVariant *r = g_variant_new_string (s ? s : "");
      g_free (s);
      return r;
    }
  }
}

GVariant *
vfd_filter_get_properties (VfdFilter * f)
{
  GVariantBuilder b;
  guint n;
  GParamSpec **specs =
      g_object_class_list_properties (G_OBJECT_GET_CLASS (f->element), &n);

  g_variant_builder_init (&b, G_VARIANT_TYPE ("a{sv}"));
  for (guint i = 0; i < n; i++) {
    GValue v = G_VALUE_INIT;
    if (!(specs[i]->flags & G_PARAM_READABLE) || !is_own_property (specs[i]))
      continue;
    g_value_init (&v, specs[i]->value_type);
    g_object_get_property (G_OBJECT (f->element), specs[i]->name, &v);
    g_variant_builder_add (&b, "{sv}", specs[i]->name, value_to_variant (&v));
    g_value_unset (&v);
  }
  g_free (specs);
  return g_variant_builder_end (&b);
}

/* GVariant -> GValue of the property's type, with range checks; enums
 * also by nick.  Errors name the property, the value and what is allowed. */
static gboolean
variant_to_value (VfdFilter * f, GParamSpec * pspec, GVariant * var,
    GValue * out, GError ** error)
{
  GValue tmp = G_VALUE_INIT;
  gchar *shown = g_variant_print (var, FALSE);
  gboolean ok = FALSE;

  g_value_init (out, pspec->value_type);
  if (G_IS_PARAM_SPEC_ENUM (pspec)) {
    GEnumClass *ec = G_PARAM_SPEC_ENUM (pspec)->enum_class;
    GEnumValue *ev = NULL;
    if (g_variant_is_of_type (var, G_VARIANT_TYPE_STRING))
      ev = g_enum_get_value_by_nick (ec, g_variant_get_string (var, NULL));
    else if (g_variant_is_of_type (var, G_VARIANT_TYPE_INT32))
      ev = g_enum_get_value (ec, g_variant_get_int32 (var));
    else if (g_variant_is_of_type (var, G_VARIANT_TYPE_UINT32))
      ev = g_enum_get_value (ec, (gint) g_variant_get_uint32 (var));
    if (ev) {
      g_value_set_enum (out, ev->value);
      ok = TRUE;
    } else {
      GString *nicks = g_string_new (NULL);
      for (guint i = 0; i < ec->n_values; i++)
        g_string_append_printf (nicks, "%s%s", i ? ", " : "",
            ec->values[i].value_nick);
      g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID,
          "property '%s' of filter '%s': %s is not one of %s", pspec->name,
          f->name, shown, nicks->str);
      g_string_free (nicks, TRUE);
    }
    goto out;
  }

  /* numbers of any D-Bus type, strings, booleans */
  if (g_variant_is_of_type (var, G_VARIANT_TYPE_STRING)) {
    ok = gst_value_deserialize (out, g_variant_get_string (var, NULL));
  } else if (g_variant_is_of_type (var, G_VARIANT_TYPE_BOOLEAN)) {
    g_value_init (&tmp, G_TYPE_BOOLEAN);
    g_value_set_boolean (&tmp, g_variant_get_boolean (var));
  } else if (g_variant_is_of_type (var, G_VARIANT_TYPE_DOUBLE)) {
    g_value_init (&tmp, G_TYPE_DOUBLE);
    g_value_set_double (&tmp, g_variant_get_double (var));
  } else if (g_variant_is_of_type (var, G_VARIANT_TYPE_INT32)
      || g_variant_is_of_type (var, G_VARIANT_TYPE_INT16)
      || g_variant_is_of_type (var, G_VARIANT_TYPE_INT64)
      || g_variant_is_of_type (var, G_VARIANT_TYPE_BYTE)
      || g_variant_is_of_type (var, G_VARIANT_TYPE_UINT16)
      || g_variant_is_of_type (var, G_VARIANT_TYPE_UINT32)
      || g_variant_is_of_type (var, G_VARIANT_TYPE_UINT64)) {
    gint64 n;
    if (g_variant_is_of_type (var, G_VARIANT_TYPE_UINT64))
      n = (gint64) MIN (g_variant_get_uint64 (var), (guint64) G_MAXINT64);
    else if (g_variant_is_of_type (var, G_VARIANT_TYPE_UINT32))
      n = g_variant_get_uint32 (var);
    else if (g_variant_is_of_type (var, G_VARIANT_TYPE_INT64))
      n = g_variant_get_int64 (var);
    else if (g_variant_is_of_type (var, G_VARIANT_TYPE_INT16))
      n = g_variant_get_int16 (var);
    else if (g_variant_is_of_type (var, G_VARIANT_TYPE_UINT16))
      n = g_variant_get_uint16 (var);
    else if (g_variant_is_of_type (var, G_VARIANT_TYPE_BYTE))
      n = g_variant_get_byte (var);
    else
      n = g_variant_get_int32 (var);
    g_value_init (&tmp, G_TYPE_INT64);
    g_value_set_int64 (&tmp, n);
    /* negative values for unsigned properties would wrap: refuse them */
    if (n < 0 && (G_IS_PARAM_SPEC_UINT (pspec) || G_IS_PARAM_SPEC_UINT64 (pspec)
            || G_IS_PARAM_SPEC_ULONG (pspec))) {
      g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID,
          "property '%s' of filter '%s': %s is negative (expected %s)",
          pspec->name, f->name, shown, "a value >= 0");
      goto out;
    }
  }
  if (G_IS_VALUE (&tmp))
    ok = g_value_type_transformable (G_VALUE_TYPE (&tmp), pspec->value_type)
        && g_value_transform (&tmp, out);
  if (!ok) {
    g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID,
        "property '%s' of filter '%s': %s is not a valid %s", pspec->name,
        f->name, shown, g_type_name (pspec->value_type));
    goto out;
  }
  if (G_IS_VALUE (&tmp) && G_VALUE_HOLDS_INT64 (&tmp)
      && G_TYPE_FUNDAMENTAL (pspec->value_type) == G_TYPE_DOUBLE) {
    /* fine */
  }
  {
    GValue check = G_VALUE_INIT;
    g_value_init (&check, pspec->value_type);
    g_value_copy (out, &check);
    if (g_param_value_validate (pspec, &check)) {
      gchar *range = NULL;
      if (G_IS_PARAM_SPEC_UINT (pspec))
        range = g_strdup_printf ("%u to %u",
            G_PARAM_SPEC_UINT (pspec)->minimum,
            G_PARAM_SPEC_UINT (pspec)->maximum);
      else if (G_IS_PARAM_SPEC_INT (pspec))
        range = g_strdup_printf ("%d to %d", G_PARAM_SPEC_INT (pspec)->minimum,
            G_PARAM_SPEC_INT (pspec)->maximum);
      else if (G_IS_PARAM_SPEC_DOUBLE (pspec))
        range = g_strdup_printf ("%g to %g",
            G_PARAM_SPEC_DOUBLE (pspec)->minimum,
            G_PARAM_SPEC_DOUBLE (pspec)->maximum);
      else
        range = g_strdup ("a value the property accepts");
      g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID,
          "property '%s' of filter '%s': %s is out of range (expected %s)",
          pspec->name, f->name, shown, range);
      g_free (range);
      ok = FALSE;
    }
    g_value_unset (&check);
  }

out:
  if (G_IS_VALUE (&tmp))
    g_value_unset (&tmp);
  if (!ok && G_IS_VALUE (out))
    g_value_unset (out);
  g_free (shown);
  return ok;
}

/* What a vfilter element would refuse of these values (its "check" action
 * signal: the very validation a set runs), or NULL; other elements have
 * only their pspec ranges, checked by the conversion. */
static gchar *
element_check (GstElement * e, guint n, const gchar ** names,
    const GValue * values)
{
  GstStructure *s;
  gchar *msg = NULL;

  if (!g_signal_lookup ("check", G_OBJECT_TYPE (e)))
    return NULL;
  s = gst_structure_new_empty ("values");
  for (guint k = 0; k < n; k++)
    gst_structure_set_value (s, names[k], &values[k]);
  g_signal_emit_by_name (e, "check", s, &msg);
  gst_structure_free (s);
  return msg;
}

gboolean
vfd_pipeline_set_filter_properties (VfdPipeline * p, VfdFilter * f,
    GVariant * props, GError ** error)
{
  GObjectClass *klass = G_OBJECT_GET_CLASS (f->element);
  guint n = g_variant_n_children (props), i = 0;
  const gchar **names = g_new0 (const gchar *, n + 1);
  GValue *values = g_new0 (GValue, n + 1);
  gboolean ok = FALSE;
  GVariantIter it;
  const gchar *key;
  GVariant *var;
  gchar *refused;

  if (n == 0) {
    ok = TRUE;
    goto out;
  }
  /* 1. every name and value, converted and range-checked */
  g_variant_iter_init (&it, props);
  while (g_variant_iter_next (&it, "{&sv}", &key, &var)) {
    GParamSpec *pspec = g_object_class_find_property (klass, key);
    gboolean good;
    if (!pspec || !is_own_property (pspec)
        || !(pspec->flags & G_PARAM_WRITABLE)
        || (pspec->flags & G_PARAM_CONSTRUCT_ONLY)) {
      g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID,
          "filter '%s' (%s) has no writable property '%s'", f->name,
          GST_OBJECT_NAME (gst_element_get_factory (f->element)), key);
      g_variant_unref (var);
      goto out;
    }
    good = variant_to_value (f, pspec, var, &values[i], error);
    g_variant_unref (var);
    if (!good)
      goto out;
    names[i++] = key;
  }

  /* 2. the whole set as the element itself validates it (even sizes,
   * combinations) */
  refused = element_check (f->element, n, names, values);
  if (refused) {
    g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "filter '%s': %s",
        f->name, refused);
    g_free (refused);
    goto out;
  }

  /* 3. all at once on the live element: one g_object_setv, one frame */
  g_object_setv (G_OBJECT (f->element), n, names, values);
  notify (p, VFD_CHANGED_FILTER_PROPS, f);
  {
    GString *what = g_string_new (NULL);
    for (guint k = 0; k < n; k++) {
      gchar *shown = gst_value_serialize (&values[k]);
      g_string_append_printf (what, "%s%s=%s", k ? " " : "", names[k],
          shown ? shown : "?");
      g_free (shown);
    }
    g_log_structured ("vfilterd", G_LOG_LEVEL_MESSAGE, "PIPELINE",
        p->cfg->name, "FILTER", f->name, "MESSAGE",
        "pipeline '%s': filter '%s': %s", p->cfg->name, f->name, what->str);
    g_string_free (what, TRUE);
  }
  ok = TRUE;

out:
  for (guint k = 0; k < n; k++)
    if (G_IS_VALUE (&values[k]))
      g_value_unset (&values[k]);
  g_free (values);
  g_free (names);
  return ok;
}

/* ---- getters ------------------------------------------------------------------ */

const gchar *
vfd_pipeline_get_name (VfdPipeline * p)
{
  return p->cfg->name;
}

const gchar *
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
