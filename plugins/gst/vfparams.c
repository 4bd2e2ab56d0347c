/* The parameter tables of the vfilter elements.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One VfParam entry per parameter is the whole description: the pspec (name,
 * blurb, range, default, flags) is made from it, the default value of a new
 * snapshot is taken from it, and set/get read and write the field it names.
 * The common parameters live in VfSnapshot itself, the element's in its own
 * params struct.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include "vfexpected.h"
#include "vfparams.h"

static const GEnumValue border_values[] = {
  {VF_BORDER_CONSTANT, "Fill with border-value (OpenCV BORDER_CONSTANT)",
      "constant"},
  {VF_BORDER_REPLICATE, "Repeat the edge pixel (BORDER_REPLICATE)",
      "replicate"},
  {VF_BORDER_REFLECT, "Mirror without repeating the edge: c b | a b c "
        "(BORDER_REFLECT_101)", "reflect"},
  {VF_BORDER_SYMMETRIC, "Mirror repeating the edge: b a | a b c "
        "(BORDER_REFLECT)", "symmetric"},
  {VF_BORDER_WRAP, "Wrap around (BORDER_WRAP)", "wrap"},
  {VF_BORDER_VALID, "No padding: the output shrinks by the kernel size - 1",
      "valid"},
  {0, NULL, NULL},
};

#define MAX_THREADS 64

/* offsets into VfSnapshot; the border's default is the class's */
static const VfParam common_params[VF_N_COMMON] = {
  VF_PARAM_ENUM_FIELD ("border", "Border",
      "How pixels outside the frame are invented", VfSnapshot, border,
      "VfBorder", border_values, VF_BORDER_REFLECT),
  VF_PARAM_UINT_FIELD ("border-value", "Border value",
      "Fill value for border=constant", VfSnapshot, border_value, 0, 255, 0,
      TRUE),
  VF_PARAM_UINT_FIELD ("n-threads", "Threads",
      "Worker threads per frame (0 = one per online CPU)", VfSnapshot,
      n_threads, 0, MAX_THREADS, 0, FALSE),
};

static GType
enum_type (const gchar * name, const GEnumValue * values)
{
  static GMutex lock;
  GType t;

  g_mutex_lock (&lock);
  t = g_type_from_name (name);
  if (!t) {
    t = g_enum_register_static (name, values);
    gst_type_mark_as_plugin_api (t, 0);
  }
  g_mutex_unlock (&lock);
  return t;
}

GType
vf_border_get_type (void)
{
  static GType type = 0;
  if (g_once_init_enter (&type))
    g_once_init_leave (&type, enum_type ("VfBorder", border_values));
  return type;
}

guint
vf_params_count (VfFilterClass * klass)
{
  return VF_N_COMMON + klass->info->n_params;
}

const VfParam *
vf_params_at (VfFilterClass * klass, guint index)
{
  return index < VF_N_COMMON ? &common_params[index] :
      &klass->info->params[index - VF_N_COMMON];
}

static gpointer
field (const VfSnapshot * snap, guint index, const VfParam * p)
{
  guint8 *base = index < VF_N_COMMON ? (guint8 *) snap : snap->params;
  return base + p->offset;
}

/* ---- pspecs ---------------------------------------------------------------
 *
 * GObject checks a value against its pspec before set_property sees it and
 * drops just that value, so one g_object_set() with a value out of range
 * would apply the others.  The pspecs here are subtypes of the standard
 * ones (gst-inspect and every G_IS_PARAM_SPEC_* check see a uint with its
 * range) whose own validation accepts any value of the type: the range is
 * checked with the whole set (vf_params_check), which is refused whole. */

static gboolean
lax_validate (GParamSpec * pspec, GValue * value)
{
  return FALSE;
}

static gboolean
lax_is_valid (GParamSpec * pspec, const GValue * value)
{
  return TRUE;
}

static void
lax_class_init (gpointer klass, gpointer data)
{
  GParamSpecClass *pclass = klass;
  pclass->value_validate = lax_validate;
  pclass->value_is_valid = lax_is_valid;
}

static GType
lax_type (GType parent)
{
  static GMutex lock;
  gchar *name = g_strconcat ("VfLax", g_type_name (parent), NULL);
  GType t;

  g_mutex_lock (&lock);
  t = g_type_from_name (name);
  if (!t) {
    GTypeQuery q;
    GTypeInfo info = { 0, };
    g_type_query (parent, &q);
    info.class_size = q.class_size;
    info.class_init = lax_class_init;
    info.instance_size = q.instance_size;
    t = g_type_register_static (parent, name, &info, 0);
  }
  g_mutex_unlock (&lock);
  g_free (name);
  return t;
}

#define SET_RANGE(spec, p) \
  G_STMT_START { \
    (spec)->minimum = (p)->min; \
    (spec)->maximum = (p)->max; \
    (spec)->default_value = (p)->def; \
  } G_STMT_END

static GParamSpec *
make_pspec (VfFilterClass * klass, guint index)
{
  const VfParam *p = vf_params_at (klass, index);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
      GST_PARAM_MUTABLE_PLAYING;
  GParamSpec *pspec = NULL;

  if (p->controllable)
    flags |= GST_PARAM_CONTROLLABLE;
  switch (p->kind) {
    case VF_PARAM_UINT:
      pspec = g_param_spec_internal (lax_type (G_TYPE_PARAM_UINT), p->name,
          p->nick, p->blurb, flags);
      SET_RANGE (G_PARAM_SPEC_UINT (pspec), p);
      break;
    case VF_PARAM_INT:
      pspec = g_param_spec_internal (lax_type (G_TYPE_PARAM_INT), p->name,
          p->nick, p->blurb, flags);
      SET_RANGE (G_PARAM_SPEC_INT (pspec), p);
      break;
    case VF_PARAM_DOUBLE:
      pspec = g_param_spec_internal (lax_type (G_TYPE_PARAM_DOUBLE), p->name,
          p->nick, p->blurb, flags);
      SET_RANGE (G_PARAM_SPEC_DOUBLE (pspec), p);
      break;
    case VF_PARAM_ENUM:{
      GType type = enum_type (p->enum_name, p->enum_values);
      GParamSpecEnum *e = g_param_spec_internal (lax_type (G_TYPE_PARAM_ENUM),
          p->name, p->nick, p->blurb, flags);
      e->enum_class = g_type_class_ref (type);
      e->default_value = index == 0 ? (gint) klass->info->default_border :
          (gint) p->def;
      G_PARAM_SPEC (e)->value_type = type;
      pspec = G_PARAM_SPEC (e);
      break;
    }
    case VF_PARAM_STRING:
      pspec = g_param_spec_string (p->name, p->nick, p->blurb, p->def_string,
          flags);
      break;
  }
  return pspec;
}

void
vf_params_install (VfFilterClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  klass->pspecs = g_new0 (GParamSpec *, vf_params_count (klass));
  for (guint i = 0; i < vf_params_count (klass); i++) {
    klass->pspecs[i] = make_pspec (klass, i);
    g_object_class_install_property (gobject_class, i + 1, klass->pspecs[i]);
  }
}

/* ---- snapshots ------------------------------------------------------------ */

static void
snapshot_clear (gpointer data)
{
  VfSnapshot *snap = data;
  VfFilterClass *klass = (VfFilterClass *) snap->clear;

  if (klass->info->params_clear)
    klass->info->params_clear (snap->params);
  for (guint i = 0; i < klass->info->n_params; i++)
    if (klass->info->params[i].kind == VF_PARAM_STRING)
      g_free (*(gchar **) field (snap, VF_N_COMMON + i,
              &klass->info->params[i]));
  g_type_class_unref (klass);
}

static VfSnapshot *
snapshot_new (VfFilterClass * klass)
{
  const gsize off = (sizeof (VfSnapshot) + 15) & ~(gsize) 15;
  VfSnapshot *snap = g_atomic_rc_box_alloc0 (off + klass->info->params_size);
  snap->params = (guint8 *) snap + off;
  /* the class, kept alive as long as a snapshot needs its table */
  snap->clear = g_type_class_ref (G_TYPE_FROM_CLASS (klass));
  return snap;
}

VfSnapshot *
vf_snapshot_new_default (VfFilterClass * klass)
{
  VfSnapshot *snap = snapshot_new (klass);
  for (guint i = 0; i < vf_params_count (klass); i++) {
    GParamSpec *pspec = g_object_class_find_property (G_OBJECT_CLASS (klass),
        vf_params_at (klass, i)->name);
    vf_snapshot_set (klass, snap, i, g_param_spec_get_default_value (pspec));
  }
  return snap;
}

VfSnapshot *
vf_snapshot_copy (VfFilterClass * klass, const VfSnapshot * src)
{
  VfSnapshot *snap = snapshot_new (klass);
  snap->border = src->border;
  snap->border_value = src->border_value;
  snap->n_threads = src->n_threads;
  memcpy (snap->params, src->params, klass->info->derived_offset);
  for (guint i = 0; i < klass->info->n_params; i++) {
    if (klass->info->params[i].kind == VF_PARAM_STRING) {
      gchar **s = field (snap, VF_N_COMMON + i, &klass->info->params[i]);
      *s = g_strdup (*s);
    }
  }
  return snap;
}

VfSnapshot *
vf_snapshot_ref (VfSnapshot * snap)
{
  return snap ? g_atomic_rc_box_acquire (snap) : NULL;
}

void
vf_snapshot_unref (VfSnapshot * snap)
{
  if (snap)
    g_atomic_rc_box_release_full (snap, snapshot_clear);
}

void
vf_snapshot_set (VfFilterClass * klass, VfSnapshot * snap, guint index,
    const GValue * value)
{
  const VfParam *p = vf_params_at (klass, index);
  gpointer f = field (snap, index, p);

  switch (p->kind) {
    case VF_PARAM_UINT:
      *(guint *) f = g_value_get_uint (value);
      break;
    case VF_PARAM_INT:
      *(gint *) f = g_value_get_int (value);
      break;
    case VF_PARAM_DOUBLE:
      *(gdouble *) f = g_value_get_double (value);
      break;
    case VF_PARAM_ENUM:
      *(gint *) f = g_value_get_enum (value);
      break;
    case VF_PARAM_STRING:
      g_free (*(gchar **) f);
      *(gchar **) f = g_value_dup_string (value);
      break;
  }
}

void
vf_snapshot_get (VfFilterClass * klass, const VfSnapshot * snap, guint index,
    GValue * value)
{
  const VfParam *p = vf_params_at (klass, index);
  gconstpointer f = field (snap, index, p);

  switch (p->kind) {
    case VF_PARAM_UINT:
      g_value_set_uint (value, *(const guint *) f);
      break;
    case VF_PARAM_INT:
      g_value_set_int (value, *(const gint *) f);
      break;
    case VF_PARAM_DOUBLE:
      g_value_set_double (value, *(const gdouble *) f);
      break;
    case VF_PARAM_ENUM:
      g_value_set_enum (value, *(const gint *) f);
      break;
    case VF_PARAM_STRING:
      g_value_set_string (value, *(gchar * const *) f);
      break;
  }
}

/* ---- conversion of proposed values ---------------------------------------- */


/* An integer that holds `in` exactly, if any */
static gboolean
as_exact_number (const GValue * in, gdouble * out)
{
  GValue d = G_VALUE_INIT;
  if (!G_TYPE_IS_FUNDAMENTAL (G_VALUE_TYPE (in))
      || G_VALUE_HOLDS_STRING (in) || G_VALUE_HOLDS_BOOLEAN (in)
      || !g_value_type_transformable (G_VALUE_TYPE (in), G_TYPE_DOUBLE))
    return FALSE;
  g_value_init (&d, G_TYPE_DOUBLE);
  g_value_transform (in, &d);
  *out = g_value_get_double (&d);
  return TRUE;
}

static gchar *
shown_value (const GValue * value)
{
  gchar *shown = gst_value_serialize (value);
  if (!shown)
    return g_strdup ("?");
  if (!g_utf8_validate (shown, -1, NULL)) {
    gchar *valid = g_utf8_make_valid (shown, -1);
    g_free (shown);
    shown = valid;
  }
  if (g_utf8_strlen (shown, -1) > 80) {
    gchar *cut = g_utf8_offset_to_pointer (shown, 77);
    strcpy (cut, "...");
  }
  return shown;
}

static void
set_invalid (GError ** error, GParamSpec * pspec, const GValue * value)
{
  gchar *shown = shown_value (value), *range = vf_expected_range (pspec);
  if (!range)
    range = g_strdup (g_type_name (pspec->value_type));
  g_set_error (error, VF_FILTER_ERROR, 0, "%s '%s' is not valid (expected %s)",
      pspec->name, shown, range);
  g_free (range);
  g_free (shown);
}

gboolean
vf_params_check (GParamSpec * pspec, const GValue * value, GError ** error)
{
  GType parent = g_type_parent (G_PARAM_SPEC_TYPE (pspec));
  GParamSpecClass *strict = g_type_class_peek (parent);
  GValue check = G_VALUE_INIT;
  gboolean changed;

  g_value_init (&check, pspec->value_type);
  g_value_copy (value, &check);
  /* the range of the standard pspec this one derives from */
  if (G_PARAM_SPEC_GET_CLASS (pspec)->value_validate == lax_validate)
    changed = strict->value_validate (pspec, &check);
  else
    changed = g_param_value_validate (pspec, &check);
  g_value_unset (&check);
  if (changed || (G_VALUE_HOLDS_DOUBLE (value)
          && isnan (g_value_get_double (value)))) {
    set_invalid (error, pspec, value);
    return FALSE;
  }
  return TRUE;
}

gboolean
vf_params_convert (GParamSpec * pspec, const GValue * in, GValue * out,
    GError ** error)
{
  gboolean ok = TRUE;
  gdouble d;

  g_value_init (out, pspec->value_type);
  if (G_VALUE_TYPE (in) == pspec->value_type) {
    g_value_copy (in, out);
  } else if (G_VALUE_HOLDS_STRING (in)) {
    ok = g_value_get_string (in)
        && gst_value_deserialize_with_pspec (out, g_value_get_string (in),
        pspec);
  } else if (pspec->value_type == G_TYPE_DOUBLE && as_exact_number (in, &d)) {
    g_value_set_double (out, d);
  } else if ((pspec->value_type == G_TYPE_UINT
          || pspec->value_type == G_TYPE_INT) && as_exact_number (in, &d)
      && d == floor (d)) {
    gboolean is_uint = pspec->value_type == G_TYPE_UINT;
    ok = d >= (is_uint ? 0 : G_MININT) && d <= (is_uint ? G_MAXUINT : G_MAXINT);
    if (ok && is_uint)
      g_value_set_uint (out, (guint) d);
    else if (ok)
      g_value_set_int (out, (gint) d);
  } else if (G_IS_PARAM_SPEC_ENUM (pspec) && as_exact_number (in, &d)
      && d == floor (d) && d >= G_MININT && d <= G_MAXINT) {
    g_value_set_enum (out, (gint) d);
  } else {
    ok = FALSE;
  }

  if (!ok) {
    set_invalid (error, pspec, in);
    g_value_unset (out);
    return FALSE;
  }
  if (!vf_params_check (pspec, out, error)) {
    g_value_unset (out);
    return FALSE;
  }
  return TRUE;
}
