/* The worker thread of one pipeline: state changes, seeks and source/sink
 * swaps in order, off the main loop.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef VFD_WORKER_H
#define VFD_WORKER_H

#include <gst/gst.h>

G_BEGIN_DECLS

typedef struct _VfdWorker VfdWorker;

VfdWorker *vfd_worker_new (GstElement * pipeline);
void vfd_worker_set_state (VfdWorker * w, GstState state);
/* Back to the start (a looping file source). */
void vfd_worker_seek_start (VfdWorker * w);
/* The pipeline down to NULL, `old` replaced by `bin` (a reference handed
 * over) linked after (source) or before (sink) `peer`, back to `state`. */
void vfd_worker_swap (VfdWorker * w, GstElement * old, GstElement * bin,
    GstElement * peer, gboolean is_source, GstState state);
/* Once the pipeline is down: lets go of what a failed camera source may
 * have left open. */
void vfd_worker_release (VfdWorker * w, GstElement * source);
/* The queue is finished, then the worker goes; `wait`: returns when it
 * has, else vfd_worker_wait_freed () waits for it (at exit). */
void vfd_worker_free (VfdWorker * w, gboolean wait);
/* Waits until every worker freed without waiting is gone, or until
 * `end_time` (g_get_monotonic_time): NULL, or the names of the pipelines
 * still going down (a sink blocked in a write, say). */
gchar **vfd_worker_wait_freed (gint64 end_time);

G_END_DECLS
#endif
