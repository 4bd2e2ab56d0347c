/* One running pipeline: source ! convert ! caps ! filters… ! convert ! sink.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef VFD_PIPELINE_H
#define VFD_PIPELINE_H

#include <gst/gst.h>

#include "vfd-config.h"
#include "vfd-metrics.h"

G_BEGIN_DECLS typedef struct _VfdPipeline VfdPipeline;


typedef struct
{
  gchar *name;
  GstElement *element;
  gboolean enabled;
  guint own_threads;            /* workers of its own pool (n-threads) */
  gpointer user_data;           /* the D-Bus layer's object */
  VfdTiming *timing;            /* vfd-metrics.h */
} VfdFilter;


typedef enum
{
  VFD_CHANGED_STATE = 1 << 0,
  VFD_CHANGED_COUNTERS = 1 << 1,
  VFD_CHANGED_FILTERS = 1 << 2,
  VFD_CHANGED_SOURCE = 1 << 3,
  VFD_CHANGED_SINK = 1 << 4,
  VFD_CHANGED_ERROR = 1 << 5,
  VFD_CHANGED_FILTER_PROPS = 1 << 6,
} VfdChanged;

/* Where a pipeline stands.  D-Bus shows vfd_pipeline_state_name (). */
typedef enum
{
  VFD_PIPELINE_STOPPED,
  VFD_PIPELINE_STARTING,        /* asked to play or pause: not there yet */
  VFD_PIPELINE_PAUSED,
  VFD_PIPELINE_PLAYING,
  VFD_PIPELINE_STOPPING,        /* stopped while playing: EOS sent, the sink
                                 * finishing its file (at most 3 s) */
  VFD_PIPELINE_RETRY_WAIT,      /* the source failed: waiting to try again */
  VFD_PIPELINE_RETRYING,        /* ... a fresh source on its way to PLAYING */
  VFD_PIPELINE_ERROR,           /* stopped by an error until play, pause or
                                 * stop */
} VfdPipelineState;

/* stopped, starting, paused, playing, stopping, reconnecting, error */
const gchar *vfd_pipeline_state_name (VfdPipelineState state);

typedef void (*VfdChangedFunc) (VfdPipeline * p, VfdChanged what,
    VfdFilter * filter, gpointer data);

VfdPipeline *vfd_pipeline_new (const VfdPipelineConfig * cfg,
    VfdChangedFunc changed, gpointer data, GError ** error);
/* Stops the pipeline (without blocking the caller) and frees it. */
void vfd_pipeline_free (VfdPipeline * p);
/* The same, waiting for the pipeline to be down when `wait` (at exit). */
void vfd_pipeline_free_full (VfdPipeline * p, gboolean wait);
/* Returns once every pipeline freed without waiting is gone, or at
 * `end_time` with the names of those still going down (at exit). */
gchar **vfd_pipeline_wait_freed (gint64 end_time);

void vfd_pipeline_play (VfdPipeline * p);
void vfd_pipeline_pause (VfdPipeline * p);
void vfd_pipeline_stop (VfdPipeline * p);
/* If the pipeline waits to reconnect its source, tries now (a camera came
 * back) instead of when the back-off ends. */
void vfd_pipeline_retry_now (VfdPipeline * p);

gboolean vfd_pipeline_set_source (VfdPipeline * p, const gchar * uri,
    GError ** error);
gboolean vfd_pipeline_set_sink (VfdPipeline * p, const gchar * uri,
    GError ** error);
/* One more sink fed while playing, or one fewer (not the last); the
 * others go on undisturbed (vfd-sinks.c). */
gboolean vfd_pipeline_add_sink (VfdPipeline * p, const gchar * uri,
    GError ** error);
gboolean vfd_pipeline_remove_sink (VfdPipeline * p, const gchar * uri,
    GError ** error);
/* The sinks fed now (a list of one unless AddSink or sink=a;b). */
gchar **vfd_pipeline_get_sinks (VfdPipeline * p);

VfdFilter *vfd_pipeline_add_filter (VfdPipeline * p, const gchar * desc,
    gint position, GError ** error);
gboolean vfd_pipeline_remove_filter (VfdPipeline * p, VfdFilter * f,
    GError ** error);
gboolean vfd_pipeline_move_filter (VfdPipeline * p, VfdFilter * f,
    gint position, GError ** error);
gboolean vfd_pipeline_set_filter_enabled (VfdPipeline * p, VfdFilter * f,
    gboolean enabled, GError ** error);
/* Atomic: every value validated first, then all applied at once. */
gboolean vfd_pipeline_set_filter_properties (VfdPipeline * p, VfdFilter * f,
    GVariant * props, GError ** error);
/* a{sv} of the filter's current property values */
GVariant *vfd_filter_get_properties (VfdFilter * f);

const gchar *vfd_pipeline_get_name (VfdPipeline * p);
VfdPipelineState vfd_pipeline_get_state (VfdPipeline * p);
const gchar *vfd_pipeline_get_source (VfdPipeline * p);
const gchar *vfd_pipeline_get_sink (VfdPipeline * p);
const gchar *vfd_pipeline_get_last_error (VfdPipeline * p);
GPtrArray *vfd_pipeline_get_filters (VfdPipeline * p);
VfdFilter *vfd_pipeline_find_filter (VfdPipeline * p, const gchar * name);
guint64 vfd_pipeline_get_frames_processed (VfdPipeline * p);
guint64 vfd_pipeline_get_frames_dropped (VfdPipeline * p);
/* Times the source was tried again after a failure. */
guint64 vfd_pipeline_get_reconnects (VfdPipeline * p);
gdouble vfd_pipeline_get_fps (VfdPipeline * p);
gchar *vfd_pipeline_get_graph (VfdPipeline * p);
/* func (sink URI, encoder time, data) for each of its sinks that encode. */
void vfd_pipeline_foreach_encoder (VfdPipeline * p, VfdTimingFunc func,
    gpointer data);
/* The configuration the pipeline was created from (not later edits). */
const VfdPipelineConfig *vfd_pipeline_get_config (VfdPipeline * p);

G_END_DECLS
#endif
