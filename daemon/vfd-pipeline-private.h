/* What vfd-pipeline.c (construction, control, the filter list) and
 * vfd-state.c (state, failures, the bus) share.  Internal.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef VFD_PIPELINE_PRIVATE_H
#define VFD_PIPELINE_PRIVATE_H

#include "vfd-chain.h"
#include "vfd-pipeline.h"
#include "vfd-worker.h"

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
  VfdChain *chain;              /* what of them is linked */

  VfdWorker *worker;
  guint bus_watch;
  guint tick;

  GstState target;              /* what the user asked for */
  VfdPipelineState state;
  gchar *last_error;
  gchar *logged_failure;        /* the cause logged in this outage */
  guint retry_source;           /* RETRY_WAIT's timer */
  guint backoff;                /* failed attempts since the last PLAYING */
  guint eos_timeout;            /* STOPPING's timer */

  gint64 *processed;            /* atomic, shared with the streaming thread:
                                 * buffers out of the filter chain */
  guint64 dropped;
  guint64 reconnects;           /* RETRYING entered */
  gint64 last_count, last_time;
  gdouble fps;
  guint stalled;                /* seconds a camera gave no frame */
};

void vfd_pipeline_notify (VfdPipeline * p, VfdChanged what, VfdFilter * f);
/* The one place the state changes: logs, notifies, owns the retry and EOS
 * timers. */
void vfd_pipeline_transition (VfdPipeline * p, VfdPipelineState to);
/* The user takes over: a failure being handled is over. */
void vfd_pipeline_leave_failure (VfdPipeline * p);
/* Replaces the source or sink bin by `bin` (a reference handed over) on
 * the worker thread: NULL, swap, relink, back to the target state. */
void vfd_pipeline_queue_swap (VfdPipeline * p, gboolean is_source,
    GstElement * bin);

gboolean vfd_pipeline_bus_cb (GstBus * bus, GstMessage * msg, gpointer data);
gboolean vfd_pipeline_tick_cb (gpointer data);
/* Counts buffers out of the filter chain; data: an atomic rc gint64 */
GstPadProbeReturn vfd_pipeline_count_probe (GstPad * pad,
    GstPadProbeInfo * info, gpointer data);
void vfd_pipeline_counter_release (gpointer data);

#endif
