/* V4L2 capture devices: discovery with libv4l2 and hot-plug from /dev.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>
#include <libv4l2.h>
#include <linux/videodev2.h>

#include "vfd-devices.h"

struct _VfdDevices
{
  GFileMonitor *monitor;
  guint rescan;                 /* debounce timeout */
  GVariant *current;            /* aa{sv}, sunk */
  VfdDevicesChanged changed;
  gpointer data;
};

static gint
xioctl (gint fd, unsigned long req, void *arg)
{
  gint r;
  do
    r = v4l2_ioctl (fd, req, arg);
  while (r == -1 && errno == EINTR);
  return r;
}

static gchar *
fourcc_string (guint32 f)
{
  gchar s[5] = { f & 0xff, (f >> 8) & 0xff, (f >> 16) & 0xff,
    (f >> 24) & 0x7f, 0
  };
  return g_strchomp (g_strdup (s));
}

/* "30/1", … for one size, discrete intervals only (as frame rates). */
static GVariant *
rates (gint fd, guint32 fourcc, guint w, guint h)
{
  GVariantBuilder b;
  struct v4l2_frmivalenum iv = { 0 };

  g_variant_builder_init (&b, G_VARIANT_TYPE ("as"));
  iv.pixel_format = fourcc;
  iv.width = w;
  iv.height = h;
  for (iv.index = 0; xioctl (fd, VIDIOC_ENUM_FRAMEINTERVALS, &iv) == 0;
      iv.index++) {
    if (iv.type == V4L2_FRMIVAL_TYPE_DISCRETE) {
      guint n = iv.discrete.denominator, d = iv.discrete.numerator;
      guint g = n, r = d;
      while (r) {
        guint t = g % r;
        g = r;
        r = t;
      }
      if (g) {
        gchar *r = g_strdup_printf ("%u/%u", n / g, d / g);
        g_variant_builder_add (&b, "s", r);
        g_free (r);
      }
    } else {
      /* stepwise: the fastest and the slowest */
      gchar *r = g_strdup_printf ("%u/%u..%u/%u",
          iv.stepwise.max.denominator, iv.stepwise.max.numerator,
          iv.stepwise.min.denominator, iv.stepwise.min.numerator);
      g_variant_builder_add (&b, "s", r);
      g_free (r);
      break;
    }
  }
  return g_variant_builder_end (&b);
}

/* One format: fourcc, description, emulated (converted by libv4l2), sizes
 * a(uuas) and, for a stepwise range, size-range (min w, min h, max w,
 * max h, step w, step h). */
static GVariant *
format_dict (gint fd, const struct v4l2_fmtdesc *fmt)
{
  GVariantDict d;
  GVariantBuilder sizes;
  struct v4l2_frmsizeenum fs = { 0 };
  gchar *fourcc = fourcc_string (fmt->pixelformat);

  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "fourcc", "s", fourcc);
  g_variant_dict_insert (&d, "description", "s", (const gchar *)
      fmt->description);
  g_variant_dict_insert (&d, "emulated", "b",
      (fmt->flags & V4L2_FMT_FLAG_EMULATED) != 0);
  g_variant_dict_insert (&d, "compressed", "b",
      (fmt->flags & V4L2_FMT_FLAG_COMPRESSED) != 0);
  g_variant_builder_init (&sizes, G_VARIANT_TYPE ("a(uuas)"));
  fs.pixel_format = fmt->pixelformat;
  for (fs.index = 0; xioctl (fd, VIDIOC_ENUM_FRAMESIZES, &fs) == 0; fs.index++) {
    if (fs.type == V4L2_FRMSIZE_TYPE_DISCRETE) {
      g_variant_builder_add (&sizes, "(uu@as)", fs.discrete.width,
          fs.discrete.height, rates (fd, fmt->pixelformat, fs.discrete.width,
              fs.discrete.height));
    } else {
      g_variant_dict_insert (&d, "size-range", "(uuuuuu)",
          fs.stepwise.min_width, fs.stepwise.min_height,
          fs.stepwise.max_width, fs.stepwise.max_height,
          fs.stepwise.step_width, fs.stepwise.step_height);
      g_variant_builder_add (&sizes, "(uu@as)", fs.stepwise.max_width,
          fs.stepwise.max_height, rates (fd, fmt->pixelformat,
              fs.stepwise.max_width, fs.stepwise.max_height));
      break;
    }
  }
  g_variant_dict_insert_value (&d, "sizes", g_variant_builder_end (&sizes));
  g_free (fourcc);
  return g_variant_dict_end (&d);
}

/* A /dev/v4l/by-id (else by-path) link to `path`, or NULL. */
static gchar *
stable_id (const gchar * path)
{
  static const gchar *dirs[] = { "/dev/v4l/by-id", "/dev/v4l/by-path" };
  gchar *real = realpath (path, NULL);
  gchar *found = NULL;

  for (guint i = 0; real && !found && i < G_N_ELEMENTS (dirs); i++) {
    GDir *dir = g_dir_open (dirs[i], 0, NULL);
    const gchar *name;
    while (dir && !found && (name = g_dir_read_name (dir))) {
      gchar *link = g_build_filename (dirs[i], name, NULL);
      gchar *target = realpath (link, NULL);
      if (target && g_str_equal (target, real))
        found = g_strdup (link);
      free (target);
      g_free (link);
    }
    if (dir)
      g_dir_close (dir);
  }
  free (real);
  return found;
}

/* The description of one node, or NULL if it is not a capture device. */
static GVariant *
describe (const gchar * path)
{
  struct v4l2_capability cap = { 0 };
  struct v4l2_fmtdesc fmt = { 0 };
  GVariantDict d;
  GVariantBuilder formats;
  guint32 caps;
  gchar *id;
  gint fd = v4l2_open (path, O_RDWR | O_NONBLOCK | O_CLOEXEC);

  if (fd < 0)
    return NULL;
  if (xioctl (fd, VIDIOC_QUERYCAP, &cap) != 0) {
    v4l2_close (fd);
    return NULL;
  }
  caps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps :
      cap.capabilities;
  if (!(caps & (V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_VIDEO_CAPTURE_MPLANE))) {
    v4l2_close (fd);
    return NULL;
  }
  g_variant_dict_init (&d, NULL);
  g_variant_dict_insert (&d, "path", "s", path);
  id = stable_id (path);
  g_variant_dict_insert (&d, "id", "s", id ? id : "");
  g_free (id);
  g_variant_dict_insert (&d, "card", "s", (const gchar *) cap.card);
  g_variant_dict_insert (&d, "driver", "s", (const gchar *) cap.driver);
  g_variant_dict_insert (&d, "bus", "s", (const gchar *) cap.bus_info);
  g_variant_builder_init (&formats, G_VARIANT_TYPE ("aa{sv}"));
  fmt.type = (caps & V4L2_CAP_VIDEO_CAPTURE) ? V4L2_BUF_TYPE_VIDEO_CAPTURE :
      V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
  for (fmt.index = 0; xioctl (fd, VIDIOC_ENUM_FMT, &fmt) == 0; fmt.index++)
    g_variant_builder_add_value (&formats, format_dict (fd, &fmt));
  g_variant_dict_insert_value (&d, "formats", g_variant_builder_end (&formats));
  v4l2_close (fd);
  return g_variant_dict_end (&d);
}

gboolean
vfd_device_offers_jpeg (const gchar * path)
{
  struct v4l2_fmtdesc fmt = { 0 };
  gboolean jpeg = FALSE;
  gint fd = open (path, O_RDWR | O_NONBLOCK | O_CLOEXEC);

  if (fd < 0)
    return FALSE;
  fmt.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
  for (fmt.index = 0; !jpeg && ioctl (fd, VIDIOC_ENUM_FMT, &fmt) == 0;
      fmt.index++)
    jpeg = fmt.pixelformat == V4L2_PIX_FMT_MJPEG
        || fmt.pixelformat == V4L2_PIX_FMT_JPEG;
  close (fd);
  return jpeg;
}

static gint
by_number (gconstpointer a, gconstpointer b)
{
  const gchar *x = *(const gchar **) a, *y = *(const gchar **) b;
  return atoi (x + 5) - atoi (y + 5);
}

GVariant *
vfd_devices_scan (void)
{
  GVariantBuilder b;
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  GDir *dir = g_dir_open ("/dev", 0, NULL);
  const gchar *name;

  while (dir && (name = g_dir_read_name (dir)))
    if (g_str_has_prefix (name, "video") && g_ascii_isdigit (name[5]))
      g_ptr_array_add (names, g_strdup (name));
  if (dir)
    g_dir_close (dir);
  g_ptr_array_sort (names, by_number);
  g_variant_builder_init (&b, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; i < names->len; i++) {
    gchar *path = g_build_filename ("/dev", names->pdata[i], NULL);
    GVariant *dev = describe (path);
    if (dev)
      g_variant_builder_add_value (&b, dev);
    g_free (path);
  }
  g_ptr_array_unref (names);
  return g_variant_ref_sink (g_variant_builder_end (&b));
}

static gboolean
rescan_cb (gpointer data)
{
  VfdDevices *d = data;
  GVariant *now = vfd_devices_scan ();

  d->rescan = 0;
  if (!g_variant_equal (now, d->current)) {
    g_variant_unref (d->current);
    d->current = now;
    d->changed (d->current, d->data);
  } else {
    g_variant_unref (now);
  }
  return G_SOURCE_REMOVE;
}

static void
dev_changed (GFileMonitor * m, GFile * file, GFile * other,
    GFileMonitorEvent ev, gpointer data)
{
  VfdDevices *d = data;
  gchar *name = g_file_get_basename (file);

  /* a node appears before udev has set its permissions: wait a little */
  if (g_str_has_prefix (name, "video")) {
    if (d->rescan)
      g_source_remove (d->rescan);
    d->rescan = g_timeout_add (300, rescan_cb, d);
  }
  g_free (name);
}

VfdDevices *
vfd_devices_new (VfdDevicesChanged changed, gpointer data)
{
  VfdDevices *d = g_new0 (VfdDevices, 1);
  GFile *dev = g_file_new_for_path ("/dev");

  d->changed = changed;
  d->data = data;
  d->current = vfd_devices_scan ();
  d->monitor = g_file_monitor_directory (dev, G_FILE_MONITOR_NONE, NULL, NULL);
  if (d->monitor)
    g_signal_connect (d->monitor, "changed", G_CALLBACK (dev_changed), d);
  g_object_unref (dev);
  return d;
}

GVariant *
vfd_devices_get (VfdDevices * d)
{
  return d->current;
}

void
vfd_devices_free (VfdDevices * d)
{
  if (!d)
    return;
  if (d->rescan)
    g_source_remove (d->rescan);
  if (d->monitor) {
    g_signal_handlers_disconnect_by_data (d->monitor, d);
    g_object_unref (d->monitor);
  }
  g_variant_unref (d->current);
  g_free (d);
}
