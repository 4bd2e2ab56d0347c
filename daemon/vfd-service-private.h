/* What the D-Bus service's files share (vfd-service.c: the manager and
 * the pipelines; vfd-service-filters.c: the filter objects;
 * vfd-service-metrics.c: the metrics page).  Internal.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef VFD_SERVICE_PRIVATE_H
#define VFD_SERVICE_PRIVATE_H

#include "vfd-dbus-generated.h"
#include "vfd-devices.h"
#include "vfd-metrics.h"
#include "vfd-pipeline.h"
#include "vfd-service.h"

typedef struct _Entry Entry;

typedef struct
{
  Entry *e;
  VfdFilter *f;
  VfdDBusObjectSkeleton *obj;
  VfdDBusFilter *iface;
  gchar *path;
  gboolean syncing;             /* setting Enabled from our side */
} FilterEntry;

struct _Entry
{
  VfdService *s;
  VfdPipeline *p;
  VfdDBusObjectSkeleton *obj;
  VfdDBusPipeline *iface;
  gchar *path;
  gboolean from_config;
};

struct _VfdService
{
  gchar *config_file, *confd;
  gboolean required;
  GPtrArray *configs;           /* the loaded file's pipelines */
  GDBusConnection *conn;
  GDBusObjectManagerServer *om;
  VfdDBusManager *manager;
  GPtrArray *entries;           /* Entry, in creation order */
  VfdDevices *devices;
  VfdMetrics *metrics;          /* NULL unless [server] metrics= */
};

/* An internal error as a D-Bus error: the daemon's own by their registered
 * names, an invalid argument as the standard InvalidArgs. */
void vfd_service_return_error (GDBusMethodInvocation * inv, GError * error);

/* The pipeline's Filter objects follow its filter list. */
void sync_filters (Entry * e);
/* One Filter object's properties follow its element. */
void filter_sync (FilterEntry * fe);
/* Its FramesFiltered and Seconds follow the element's timing (fe may be
 * NULL: not exported yet). */
void filter_sync_timing (FilterEntry * fe);
void filter_unexport (FilterEntry * fe);
FilterEntry *lookup_filter (Entry * e, const gchar * path, GError ** error);

/* The /metrics page (vfd-service-metrics.c); data: the VfdService. */
gchar *vfd_service_metrics_page (gpointer data);

#endif
