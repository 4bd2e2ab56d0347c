/* V4L2 capture devices: discovery with libv4l2 and hot-plug from /dev.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef VFD_DEVICES_H
#define VFD_DEVICES_H

#include <glib.h>

G_BEGIN_DECLS

typedef struct _VfdDevices VfdDevices;
typedef void (*VfdDevicesChanged) (GVariant * devices, gpointer data);

/* The capture devices present now, as aa{sv} (a new reference): path, id
 * (a /dev/v4l/by-id or by-path link, or ""), card, driver, bus, formats
 * (aa{sv}: fourcc, description, emulated, compressed, sizes a(uuas) of
 * width, height and frame rates, size-range for stepwise sizes). */
GVariant *vfd_devices_scan (void);

/* Whether the camera at `path` itself offers MJPEG or JPEG frames. */
gboolean vfd_device_offers_jpeg (const gchar * path);

/* Scans now and again whenever a /dev/video* node comes or goes; calls
 * `changed` (main context) when the list differs. */
VfdDevices *vfd_devices_new (VfdDevicesChanged changed, gpointer data);
GVariant *vfd_devices_get (VfdDevices * d);
void vfd_devices_free (VfdDevices * d);

G_END_DECLS
#endif
