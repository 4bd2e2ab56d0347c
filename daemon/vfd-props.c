/* Filter properties over D-Bus.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Values cross with GLib's converters (g_dbus_gvariant_to_gvalue,
 * g_dbus_gvalue_to_gvariant); what is left here is what D-Bus has no type
 * for (enums: by nick) and exactness: a number reaches a property of
 * another numeric type only when it holds the value exactly (3.7 is no
 * uint, true is no number).  A vfilter element then validates the whole set
 * itself ("check"), with its own words; other elements have their pspec
 * ranges. */
#include <math.h>
#include <string.h>

#include <gio/gio.h>

#include "vfd-props.h"
#include "vfexpected.h"
#include "vfd-uri.h"

static gboolean
is_own_property (GParamSpec * pspec)
{
  return pspec->owner_type != GST_TYPE_OBJECT
      && pspec->owner_type != G_TYPE_OBJECT;
}

/* The D-Bus type a property's value crosses as, or NULL (as text). */
static const GVariantType *
wire_type (GType t)
{
  switch (G_TYPE_FUNDAMENTAL (t)) {
    case G_TYPE_BOOLEAN:
      return G_VARIANT_TYPE_BOOLEAN;
    case G_TYPE_INT:
      return G_VARIANT_TYPE_INT32;
    case G_TYPE_UINT:
      return G_VARIANT_TYPE_UINT32;
    case G_TYPE_INT64:
      return G_VARIANT_TYPE_INT64;
    case G_TYPE_UINT64:
      return G_VARIANT_TYPE_UINT64;
    case G_TYPE_DOUBLE:
      return G_VARIANT_TYPE_DOUBLE;
    case G_TYPE_STRING:
      return G_VARIANT_TYPE_STRING;
    default:
      return NULL;
  }
}

static GVariant *
value_to_variant (const GValue * v)
{
  const GVariantType *type = wire_type (G_VALUE_TYPE (v));
  GVariant *r;
  gchar *s;

  if (G_VALUE_HOLDS_ENUM (v)) {
    GEnumClass *ec = g_type_class_ref (G_VALUE_TYPE (v));
    GEnumValue *ev = g_enum_get_value (ec, g_value_get_enum (v));
    r = g_variant_new_string (ev ? ev->value_nick : "");
    g_type_class_unref (ec);
    return r;
  }
  if (G_VALUE_HOLDS_STRING (v) && !g_value_get_string (v))
    return g_variant_new_string ("");
  if (type)
    return g_dbus_gvalue_to_gvariant (v, type);
  if (g_value_type_transformable (G_VALUE_TYPE (v), G_TYPE_DOUBLE)
      && G_TYPE_FUNDAMENTAL (G_VALUE_TYPE (v)) == G_TYPE_FLOAT) {
    GValue d = G_VALUE_INIT;
    g_value_init (&d, G_TYPE_DOUBLE);
    g_value_transform (v, &d);
    return g_variant_new_double (g_value_get_double (&d));
  }
  s = gst_value_serialize (v);
  r = g_variant_new_string (s ? s : "");
  g_free (s);
  return r;
}

GVariant *
vfd_props_get (GstElement * element)
{
  GVariantBuilder b;
  guint n;
  GParamSpec **specs =
      g_object_class_list_properties (G_OBJECT_GET_CLASS (element), &n);

  g_variant_builder_init (&b, G_VARIANT_TYPE ("a{sv}"));
  for (guint i = 0; i < n; i++) {
    GValue v = G_VALUE_INIT;
    if (!(specs[i]->flags & G_PARAM_READABLE) || !is_own_property (specs[i]))
      continue;
    g_value_init (&v, specs[i]->value_type);
    g_object_get_property (G_OBJECT (element), specs[i]->name, &v);
    g_variant_builder_add (&b, "{sv}", specs[i]->name, value_to_variant (&v));
    g_value_unset (&v);
  }
  g_free (specs);
  return g_variant_builder_end (&b);
}


/* `in` as a value of pspec's type when it holds one exactly */
static gboolean
convert (GParamSpec * pspec, const GValue * in, GValue * out)
{
  GType want = G_TYPE_FUNDAMENTAL (pspec->value_type);
  GValue d = G_VALUE_INIT;
  gdouble x;

  if (G_VALUE_TYPE (in) == pspec->value_type) {
    g_value_copy (in, out);
    return TRUE;
  }
  if (G_VALUE_HOLDS_STRING (in)) {
    const gchar *text = g_value_get_string (in);
    gchar *end = NULL;
    if (!text)
      return FALSE;
    /* integers typed as text (vfilterctl sends text) take the exact path
     * below: GStreamer's deserializer would wrap "-3" to 4294967293 */
    if (want == G_TYPE_INT || want == G_TYPE_UINT || want == G_TYPE_INT64
        || want == G_TYPE_UINT64) {
      x = g_ascii_strtod (text, &end);
      if (end == text || *end)
        return FALSE;
      g_value_init (&d, G_TYPE_DOUBLE);
      g_value_set_double (&d, x);
    } else {
      return gst_value_deserialize_with_pspec (out, text, pspec);
    }
  } else {
    if (G_VALUE_HOLDS_BOOLEAN (in) || want == G_TYPE_BOOLEAN
        || !g_value_type_transformable (G_VALUE_TYPE (in), G_TYPE_DOUBLE))
      return FALSE;
    g_value_init (&d, G_TYPE_DOUBLE);
    g_value_transform (in, &d);
    x = g_value_get_double (&d);
  }
  if (want == G_TYPE_DOUBLE || want == G_TYPE_FLOAT)
    return g_value_transform (&d, out);
  /* integers (and enums by number): exactly, within the type */
  if (x != floor (x))
    return FALSE;
  switch (want) {
    case G_TYPE_ENUM:
      if (x < G_MININT || x > G_MAXINT
          || !g_enum_get_value (G_PARAM_SPEC_ENUM (pspec)->enum_class,
              (gint) x))
        return FALSE;
      g_value_set_enum (out, (gint) x);
      return TRUE;
    case G_TYPE_INT:
      if (x < G_MININT || x > G_MAXINT)
        return FALSE;
      g_value_set_int (out, (gint) x);
      return TRUE;
    case G_TYPE_UINT:
      if (x < 0 || x > G_MAXUINT)
        return FALSE;
      g_value_set_uint (out, (guint) x);
      return TRUE;
    case G_TYPE_INT64:
      if (x < -9.2233720368547758e18 || x >= 9.2233720368547758e18)
        return FALSE;
      g_value_set_int64 (out, (gint64) x);
      return TRUE;
    case G_TYPE_UINT64:
      if (x < 0 || x >= 1.8446744073709552e19)
        return FALSE;
      g_value_set_uint64 (out, (guint64) x);
      return TRUE;
    default:
      return FALSE;
  }
}

/* GVariant -> GValue of the property's type, in its range.  Errors name
 * the property, the value and what is allowed. */
static gboolean
variant_to_value (const gchar * filter, GParamSpec * pspec, GVariant * var,
    GValue * out, GError ** error)
{
  GValue in = G_VALUE_INIT;
  gboolean ok;

  g_value_init (out, pspec->value_type);
  g_dbus_gvariant_to_gvalue (var, &in);
  ok = G_IS_VALUE (&in) && convert (pspec, &in, out);
  if (ok) {
    GValue check = G_VALUE_INIT;
    g_value_init (&check, pspec->value_type);
    g_value_copy (out, &check);
    ok = !g_param_value_validate (pspec, &check);
    g_value_unset (&check);
  }
  if (!ok) {
    gchar *shown = g_variant_print (var, FALSE);
    gchar *want = vf_expected_range (pspec);
    if (!want)
      want = g_strdup_printf ("a valid %s", g_type_name (pspec->value_type));
    if (strlen (shown) > 80)
      strcpy (shown + 77, "...");
    g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID,
        "property '%s' of filter '%s': %s is not valid (expected %s)",
        pspec->name, filter, shown, want);
    g_free (shown);
    g_free (want);
    g_value_unset (out);
  }
  if (G_IS_VALUE (&in))
    g_value_unset (&in);
  return ok;
}

/* A value as the log and the caller read it: floating point at the
 * precision it was typed with (0.9, not gst_value_serialize's
 * 0.90000000000000002), anything else serialised. */
static gchar *
show_value (const GValue * v)
{
  gchar buf[G_ASCII_DTOSTR_BUF_SIZE];
  if (G_VALUE_HOLDS_DOUBLE (v))
    return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.15g",
            g_value_get_double (v)));
  if (G_VALUE_HOLDS_FLOAT (v))
    return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.7g",
            g_value_get_float (v)));
  return gst_value_serialize (v);
}

/* What a vfilter element would refuse of these values (its "check" action
 * signal: the very validation a set runs), or NULL. */
static gchar *
element_check (GstElement * e, guint n, const gchar ** names,
    const GValue * values)
{
  GstStructure *s;
  gchar *msg = NULL;

  if (!g_signal_lookup ("check", G_OBJECT_TYPE (e)))
    return NULL;
  s = gst_structure_new_empty ("values");
  for (guint k = 0; k < n; k++)
    gst_structure_set_value (s, names[k], &values[k]);
  g_signal_emit_by_name (e, "check", s, &msg);
  gst_structure_free (s);
  return msg;
}

gboolean
vfd_props_set (GstElement * element, const gchar * filter, GVariant * props,
    gchar ** applied, GError ** error)
{
  GObjectClass *klass = G_OBJECT_GET_CLASS (element);
  guint n = g_variant_n_children (props), i = 0;
  const gchar **names = g_new0 (const gchar *, n + 1);
  GValue *values = g_new0 (GValue, n + 1);
  gboolean ok = FALSE;
  GVariantIter it;
  const gchar *key;
  GVariant *var;
  gchar *refused;

  /* 1. every name and value, converted and range-checked */
  g_variant_iter_init (&it, props);
  while (g_variant_iter_next (&it, "{&sv}", &key, &var)) {
    GParamSpec *pspec = g_object_class_find_property (klass, key);
    gboolean good;
    if (!pspec || !is_own_property (pspec)
        || !(pspec->flags & G_PARAM_WRITABLE)
        || (pspec->flags & G_PARAM_CONSTRUCT_ONLY)) {
      g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID,
          "filter '%s' (%s) has no writable property '%s'", filter,
          GST_OBJECT_NAME (gst_element_get_factory (element)), key);
      g_variant_unref (var);
      goto out;
    }
    good = variant_to_value (filter, pspec, var, &values[i], error);
    g_variant_unref (var);
    if (!good)
      goto out;
    names[i++] = key;
  }
  if (n == 0) {
    ok = TRUE;
    goto out;
  }

  /* 2. the whole set as the element itself validates it */
  refused = element_check (element, n, names, values);
  if (refused) {
    g_set_error (error, VFD_ERROR, VFD_ERROR_INVALID, "filter '%s': %s",
        filter, refused);
    g_free (refused);
    goto out;
  }

  /* 3. all at once on the live element: one g_object_setv, one frame */
  g_object_setv (G_OBJECT (element), n, names, values);
  if (applied) {
    GString *what = g_string_new (NULL);
    for (guint k = 0; k < n; k++) {
      gchar *shown = show_value (&values[k]);
      g_string_append_printf (what, "%s%s=%s", k ? " " : "", names[k],
          shown ? shown : "?");
      g_free (shown);
    }
    *applied = g_string_free (what, FALSE);
  }
  ok = TRUE;

out:
  for (guint k = 0; k < n; k++)
    if (G_IS_VALUE (&values[k]))
      g_value_unset (&values[k]);
  g_free (values);
  g_free (names);
  return ok;
}

gboolean
vfd_props_lookup_uint (GstElement * element, const gchar * filter,
    GVariant * props, const gchar * name, gboolean * found, guint * value,
    GError ** error)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS
      (element), name);
  GVariant *var = g_variant_lookup_value (props, name, NULL);
  GValue v = G_VALUE_INIT;
  gboolean ok;

  *found = var != NULL && pspec != NULL
      && G_PARAM_SPEC_VALUE_TYPE (pspec) == G_TYPE_UINT;
  if (!*found) {
    if (var)
      g_variant_unref (var);
    return TRUE;
  }
  /* (g_variant_lookup_value unboxes the v of a{sv}) */
  ok = variant_to_value (filter, pspec, var, &v, error);
  g_variant_unref (var);
  if (ok) {
    *value = g_value_get_uint (&v);
    g_value_unset (&v);
  }
  return ok;
}
