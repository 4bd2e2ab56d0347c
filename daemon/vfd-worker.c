/* The worker thread of one pipeline.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The main loop never blocks on GStreamer: state changes, seeks and
 * source/sink swaps run here, in order, on one thread per pipeline; what
 * they cause comes back as bus messages. */
#include "vfd-uri.h"
#include "vfd-worker.h"

struct _VfdWorker
{
  GstElement *pipeline;
  GThreadPool *pool;            /* one thread: tasks in order */
};

typedef enum
{ TASK_STATE, TASK_SEEK_START, TASK_SWAP, TASK_RELEASE,
  TASK_FREED
} TaskOp;

/* Pipelines freed without waiting whose worker has not finished yet. */
static GMutex freeing_lock;
static GCond freeing_cond;
static GPtrArray *freeing;      /* names of the pipelines going down */

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
      /* in the old element's bin: the pipeline, or the sinks' bin for one
       * sink of several */
      GstObject *parent = gst_object_get_parent (GST_OBJECT (t->old));
      GstBin *bin = GST_BIN (parent ? parent : GST_OBJECT (t->pipeline));
      gst_element_set_state (t->pipeline, GST_STATE_NULL);
      gst_element_set_state (t->old, GST_STATE_NULL);
      if (parent)
        gst_bin_remove (bin, t->old);
      if (t->is_source)
        release_source (t->pipeline, t->old);
      /* the bin takes its own reference of the (already sunk) bin */
      gst_bin_add (bin, t->new);
      if (parent)
        gst_object_unref (parent);
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
    case TASK_FREED:{
      /* the last task: after it the pipeline's last reference is gone */
      gchar *name = gst_object_get_name (GST_OBJECT (t->pipeline));
      task_free (t);
      g_mutex_lock (&freeing_lock);
      for (guint i = 0; i < freeing->len; i++)
        if (g_str_equal (g_ptr_array_index (freeing, i), name)) {
          g_ptr_array_remove_index (freeing, i);
          break;
        }
      g_cond_broadcast (&freeing_cond);
      g_mutex_unlock (&freeing_lock);
      g_free (name);
      return;
    }
  }
  task_free (t);
}

gchar **
vfd_worker_wait_freed (gint64 end_time)
{
  gchar **left = NULL;

  g_mutex_lock (&freeing_lock);
  while (freeing && freeing->len
      && g_cond_wait_until (&freeing_cond, &freeing_lock, end_time));
  if (freeing && freeing->len) {
    left = g_new0 (gchar *, freeing->len + 1);
    for (guint i = 0; i < freeing->len; i++)
      left[i] = g_strdup (g_ptr_array_index (freeing, i));
  }
  g_mutex_unlock (&freeing_lock);
  return left;
}

VfdWorker *
vfd_worker_new (GstElement * pipeline)
{
  VfdWorker *w = g_new0 (VfdWorker, 1);
  w->pipeline = gst_object_ref (pipeline);
  w->pool = g_thread_pool_new (worker_run, NULL, 1, FALSE, NULL);
  return w;
}

static void
push (VfdWorker * w, Task * t)
{
  t->pipeline = gst_object_ref (w->pipeline);
  g_thread_pool_push (w->pool, t, NULL);
}

void
vfd_worker_set_state (VfdWorker * w, GstState state)
{
  Task *t = g_new0 (Task, 1);
  t->op = TASK_STATE;
  t->state = state;
  push (w, t);
}

void
vfd_worker_seek_start (VfdWorker * w)
{
  Task *t = g_new0 (Task, 1);
  t->op = TASK_SEEK_START;
  push (w, t);
}

void
vfd_worker_swap (VfdWorker * w, GstElement * old, GstElement * bin,
    GstElement * peer, gboolean is_source, GstState state)
{
  Task *t = g_new0 (Task, 1);
  t->op = TASK_SWAP;
  t->is_source = is_source;
  t->old = gst_object_ref (old);
  t->new = bin;
  t->peer = gst_object_ref (peer);
  t->state = state;
  push (w, t);
}

void
vfd_worker_release (VfdWorker * w, GstElement * source)
{
  Task *t = g_new0 (Task, 1);
  t->op = TASK_RELEASE;
  t->old = gst_object_ref (source);
  push (w, t);
}

void
vfd_worker_free (VfdWorker * w, gboolean wait)
{
  if (!wait) {
    Task *t = g_new0 (Task, 1);
    t->op = TASK_FREED;
    g_mutex_lock (&freeing_lock);
    if (!freeing)
      freeing = g_ptr_array_new_with_free_func (g_free);
    g_ptr_array_add (freeing, gst_object_get_name (GST_OBJECT (w->pipeline)));
    g_mutex_unlock (&freeing_lock);
    push (w, t);
  }
  g_thread_pool_free (w->pool, FALSE, wait);
  gst_object_unref (w->pipeline);
  g_free (w);
}
