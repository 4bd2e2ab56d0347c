/* Prometheus metrics over HTTP: [server] metrics=ADDRESS:PORT.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * GIO's socket service on the main context: a request is read without
 * blocking (at most 8 KiB, 5 s), answered with the page the service builds
 * from the same numbers D-Bus shows, and the connection closed: HTTP/1.0,
 * which is all a Prometheus scraper needs.  Nothing listens unless the
 * configuration asks for it. */
#include <string.h>

#include "vfd-metrics.h"
#include "vfd-uri.h"

/* ---- time per frame ---------------------------------------------------------- */

/* A buffer in, the same buffer out: the element's time (in-place
 * transforms push from the thread that filtered; an encoder without
 * latency pushes its frame from the thread that encoded it). */
static GstPadProbeReturn
timing_in (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  VfdTiming *t = data;
  __atomic_store_n (&t->t_in, g_get_monotonic_time (), __ATOMIC_RELAXED);
  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
timing_out (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  VfdTiming *t = data;
  gint64 t0 = __atomic_load_n (&t->t_in, __ATOMIC_RELAXED);
  if (t0) {
    __atomic_add_fetch (&t->busy_us, g_get_monotonic_time () - t0,
        __ATOMIC_RELAXED);
    __atomic_add_fetch (&t->frames, 1, __ATOMIC_RELAXED);
  }
  return GST_PAD_PROBE_OK;
}

static void
timing_probe (GstElement * e, const gchar * pad_name, GstPadProbeCallback cb,
    VfdTiming * t)
{
  GstPad *pad = gst_element_get_static_pad (e, pad_name);
  if (pad) {
    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, cb,
        g_atomic_rc_box_acquire (t), (GDestroyNotify) g_atomic_rc_box_release);
    gst_object_unref (pad);
  }
}

void
vfd_timing_read (const VfdTiming * t, gint64 * frames, gdouble * seconds)
{
  *frames = __atomic_load_n (&t->frames, __ATOMIC_RELAXED);
  *seconds = __atomic_load_n (&t->busy_us, __ATOMIC_RELAXED) / 1e6;
}

void
vfd_timing_attach (GstElement * e, VfdTiming * t)
{
  timing_probe (e, "sink", timing_in, t);
  timing_probe (e, "src", timing_out, t);
}


#define MAX_REQUEST 8192
#define TIMEOUT_S 5

struct _VfdMetrics
{
  gchar *address;
  GSocketService *service;
  VfdMetricsFunc page;
  gpointer data;
};

typedef struct
{
  VfdMetrics *m;
  GSocketConnection *conn;
  gchar buf[MAX_REQUEST + 1];
  gsize len;
  gchar *reply;
} Request;

static gboolean
split (const gchar * key, const gchar * address, GInetAddress ** inet,
    guint16 * port, GError ** error)
{
  gchar *host = NULL;
  GError *e = NULL;

  if (!g_network_address_parse (address, 0, &e)) {
    g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "%s '%s': %s "
        "(expected ADDRESS:PORT, e.g. 127.0.0.1:9101)", key, address,
        e->message);
    g_error_free (e);
    return FALSE;
  }
  {
    GSocketConnectable *c = g_network_address_parse (address, 0, NULL);
    host = g_strdup (g_network_address_get_hostname (G_NETWORK_ADDRESS (c)));
    *port = g_network_address_get_port (G_NETWORK_ADDRESS (c));
    g_object_unref (c);
  }
  *inet = g_str_equal (host, "localhost") ?
      g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4) :
      g_inet_address_new_from_string (host);
  if (!*inet || *port == 0) {
    g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "%s '%s': expected "
        "ADDRESS:PORT with an IP address (or localhost) and a port 1-65535, "
        "e.g. 127.0.0.1:9101", key, address);
    g_clear_object (inet);
    g_free (host);
    return FALSE;
  }
  g_free (host);
  return TRUE;
}

gboolean
vfd_address_check (const gchar * key, const gchar * address, GError ** error)
{
  GInetAddress *inet = NULL;
  guint16 port;
  if (!split (key, address, &inet, &port, error))
    return FALSE;
  g_object_unref (inet);
  return TRUE;
}

gchar *
vfd_metrics_label (const gchar * value)
{
  GString *s = g_string_new (NULL);
  for (const gchar * c = value; *c; c++) {
    if (*c == '\\' || *c == '"')
      g_string_append_c (s, '\\');
    if (*c == '\n')
      g_string_append (s, "\\n");
    else
      g_string_append_c (s, *c);
  }
  return g_string_free (s, FALSE);
}

static void
metrics_clear (gpointer data)
{
  VfdMetrics *m = data;
  g_free (m->address);
}

static void
request_free (Request * r)
{
  g_io_stream_close (G_IO_STREAM (r->conn), NULL, NULL);
  g_object_unref (r->conn);
  g_atomic_rc_box_release_full (r->m, metrics_clear);
  g_free (r->reply);
  g_free (r);
}

static void
written (GObject * stream, GAsyncResult * res, gpointer data)
{
  g_output_stream_write_all_finish (G_OUTPUT_STREAM (stream), res, NULL, NULL);
  request_free (data);
}

static void
answer (Request * r)
{
  /* (a listener closed meanwhile: the service may be gone) */
  const gboolean ok = r->m->service && (g_str_has_prefix (r->buf,
          "GET /metrics ") || g_str_has_prefix (r->buf, "GET /metrics?"));
  gchar *body = ok ? r->m->page (r->m->data) :
      g_strdup ("not found: the metrics are at /metrics\n");

  r->reply = g_strdup_printf ("HTTP/1.0 %s\r\nContent-Type: %s\r\n"
      "Content-Length: %" G_GSIZE_FORMAT "\r\nConnection: close\r\n\r\n%s",
      ok ? "200 OK" : "404 Not Found",
      ok ? "text/plain; version=0.0.4; charset=utf-8" :
      "text/plain; charset=utf-8", strlen (body), body);
  g_free (body);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (G_IO_STREAM
          (r->conn)), r->reply, strlen (r->reply), G_PRIORITY_DEFAULT, NULL,
      written, r);
}

static void
got (GObject * stream, GAsyncResult * res, gpointer data)
{
  Request *r = data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (stream), res, NULL);

  if (n <= 0) {
    request_free (r);
    return;
  }
  r->len += n;
  r->buf[r->len] = '\0';
  if (strstr (r->buf, "\r\n\r\n") || strstr (r->buf, "\n\n")
      || r->len == MAX_REQUEST) {
    answer (r);
    return;
  }
  g_input_stream_read_async (G_INPUT_STREAM (stream), r->buf + r->len,
      MAX_REQUEST - r->len, G_PRIORITY_DEFAULT, NULL, got, r);
}

static gboolean
incoming (GSocketService * service, GSocketConnection * conn,
    GObject * source, gpointer data)
{
  Request *r = g_new0 (Request, 1);
  r->m = g_atomic_rc_box_acquire (data);        /* answered after a reload too */
  r->conn = g_object_ref (conn);
  /* a client that sends nothing is dropped, never waited for */
  g_socket_set_timeout (g_socket_connection_get_socket (conn), TIMEOUT_S);
  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM
          (conn)), r->buf, MAX_REQUEST, G_PRIORITY_DEFAULT, NULL, got, r);
  return TRUE;
}

VfdMetrics *
vfd_metrics_new (const gchar * address, VfdMetricsFunc page, gpointer data,
    GError ** error)
{
  GInetAddress *inet = NULL;
  GSocketAddress *sa;
  VfdMetrics *m;
  GError *e = NULL;
  guint16 port;

  if (!split ("metrics", address, &inet, &port, error))
    return NULL;
  m = g_atomic_rc_box_new0 (VfdMetrics);
  m->address = g_strdup (address);
  m->page = page;
  m->data = data;
  m->service = g_socket_service_new ();
  sa = g_inet_socket_address_new (inet, port);
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (m->service), sa,
          G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL, NULL, &e)) {
    g_set_error (error, VFD_ERROR, VFD_ERROR_FAILED, "metrics: cannot listen "
        "on %s: %s", address, e->message);
    g_error_free (e);
    g_object_unref (sa);
    g_object_unref (inet);
    vfd_metrics_free (m);
    return NULL;
  }
  g_object_unref (sa);
  g_object_unref (inet);
  g_signal_connect (m->service, "incoming", G_CALLBACK (incoming), m);
  g_socket_service_start (m->service);
  return m;
}

const gchar *
vfd_metrics_get_address (VfdMetrics * m)
{
  return m->address;
}

void
vfd_metrics_free (VfdMetrics * m)
{
  if (!m)
    return;
  g_socket_service_stop (m->service);
  g_socket_listener_close (G_SOCKET_LISTENER (m->service));
  g_clear_object (&m->service);
  g_atomic_rc_box_release_full (m, metrics_clear);
}
