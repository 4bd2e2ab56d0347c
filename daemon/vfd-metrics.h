/* Prometheus metrics over HTTP: [server] metrics=ADDRESS:PORT.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef VFD_METRICS_H
#define VFD_METRICS_H

#include <gio/gio.h>
#include <gst/gst.h>

G_BEGIN_DECLS
/* An element's time: from a buffer entering it to the same buffer (or its
 * encoded form) leaving it; atomic, shared with the streaming thread; a
 * g_atomic_rc_box. */
    typedef struct
{
  gint64 t_in, busy_us, frames;
} VfdTiming;

/* Probes on e's "sink" and "src" pads adding to `t` (each holds a
 * reference of it). */
void vfd_timing_attach (GstElement * e, VfdTiming * t);
/* The frames through it and the seconds spent there so far. */
void vfd_timing_read (const VfdTiming * t, gint64 * frames, gdouble * seconds);
/* What a sink bin that encodes carries under this key (a VfdTiming). */
#define VFD_ENCODER_TIMING "vfd-encoder-timing"
typedef void (*VfdTimingFunc) (const gchar * label, VfdTiming * t,
    gpointer data);

typedef struct _VfdMetrics VfdMetrics;
/* The page: Prometheus text exposition format (a new string). */
typedef gchar *(*VfdMetricsFunc) (gpointer data);

/* ADDRESS:PORT with ADDRESS an IP address ([::1] for IPv6) or localhost
 * and PORT 1-65535. */
gboolean vfd_address_check (const gchar * key, const gchar * address,
    GError ** error);

/* Listens on `address` (main context) and answers GET /metrics with what
 * `page` returns, anything else with 404. */
VfdMetrics *vfd_metrics_new (const gchar * address, VfdMetricsFunc page,
    gpointer data, GError ** error);
const gchar *vfd_metrics_get_address (VfdMetrics * m);
void vfd_metrics_free (VfdMetrics * m);

/* A label value as the text format wants it (\\, \" and \n escaped). */
gchar *vfd_metrics_label (const gchar * value);

G_END_DECLS
#endif
