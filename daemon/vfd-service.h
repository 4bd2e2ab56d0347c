/* The D-Bus face of the daemon (SPEC §2).
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef VFD_SERVICE_H
#define VFD_SERVICE_H

#include <gio/gio.h>

G_BEGIN_DECLS

#define VFD_BUS_NAME "org.vfilterd.VFilter1"
#define VFD_OBJECT_PATH "/org/vfilterd/VFilter1"

typedef struct _VfdService VfdService;

/* A name usable as the last element of a bus name (template instances). */
gboolean vfd_instance_valid (const gchar * name);

/* config_file: the main file; confd: drop-in directory or NULL;
 * required: a missing main file is an error. */
VfdService *vfd_service_new (const gchar * config_file, const gchar * confd,
    gboolean required);
/* Frees the service; FALSE when a pipeline could not be stopped in time
 * (it was abandoned: the process should not tear GStreamer down). */
gboolean vfd_service_free (VfdService * s);

/* Loads the configuration (FALSE + error on a bad file). */
gboolean vfd_service_load (VfdService * s, GError ** error);
/* Exports the objects on `connection` and starts the pipelines. */
void vfd_service_export (VfdService * s, GDBusConnection * connection);
/* Re-reads the configuration; on error the running setup stays. */
gboolean vfd_service_reload (VfdService * s, GError ** error);
/* Stops every pipeline (file sinks get EOS) and calls done when all
 * are down or after a timeout. */
void vfd_service_shutdown (VfdService * s, GSourceFunc done, gpointer data);

G_END_DECLS
#endif
