/* Several sinks behind one tee: sink=a;b;c, AddSink, RemoveSink.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef VFD_SINKS_H
#define VFD_SINKS_H

#include <gst/gst.h>

#include "vfd-config.h"
#include "vfd-metrics.h"

G_BEGIN_DECLS
/* A sink list as the config holds it: URIs separated by ';' (GKeyFile's
 * list syntax: "\;" is a ';' inside a URI, empty entries are ignored). */
    gchar ** vfd_sinks_split (const gchar * list);
gchar *vfd_sinks_join (const gchar * const *uris);

/* Every URI of the list valid, allowed (vfd_policy_check_uri) and listed
 * once; at least one. */
gboolean vfd_sinks_check (const gchar * list, const VfdPipelineConfig * pc,
    gboolean from_dbus, GError ** error);

/* A bin (ghost pad "sink") feeding each sink of the list through a tee and
 * a queue of its own. */
GstElement *vfd_sinks_new (const gchar * list, const VfdPipelineConfig * pc,
    GError ** error);

/* Every sink that is retried when it fails (a publisher: rtsp://, srt://)
 * gets a fresh bin in its branch, for a retry from scratch: swap (old,
 * fresh, queue, data) puts it in place (the pipeline being in NULL); it
 * receives a reference to `fresh`. */
typedef void (*VfdSinksSwapFunc) (GstElement * old, GstElement * fresh,
    GstElement * queue, gpointer data);
void vfd_sinks_renew_retried (GstElement * sinks,
    const VfdPipelineConfig * pc, VfdSinksSwapFunc swap, gpointer data);

/* func (uri, time, data) for every sink that encodes (vfd-encoder.h). */
void vfd_sinks_foreach_encoder (GstElement * sinks, VfdTimingFunc func,
    gpointer data);

/* A sink joins while the pipeline plays; the others go on undisturbed. */
gboolean vfd_sinks_add (GstElement * sinks, const gchar * uri,
    const VfdPipelineConfig * pc, GError ** error);
/* A sink leaves (unlinked when no buffer is in its tee pad, then taken
 * down on a thread of its own); the last one cannot. */
gboolean vfd_sinks_remove (GstElement * sinks, const gchar * uri,
    GError ** error);
/* The URIs fed now, in order. */
gchar **vfd_sinks_list (GstElement * sinks);

G_END_DECLS
#endif
