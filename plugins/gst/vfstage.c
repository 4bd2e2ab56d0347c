/* The parameter sets of one element.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * set_property stages a value, tagged with the calling thread; when
 * GObject dispatches the change notification (once per g_object_set()
 * call, after all its properties) each thread's staged values are applied
 * to a copy of the set in effect and validated as a whole — the pspec
 * ranges (vf_params_check), then the element's prepare hook — and
 * published as a new immutable snapshot, or refused as a whole with one
 * warning.  A refused set never touches another thread's values.  The
 * "check" action runs the same validation on proposed values and applies
 * nothing.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "vfparams.h"
#include "vfstage.h"

typedef struct
{
  GThread *thread;              /* who staged it: one set per thread */
  guint index;                  /* parameter index (prop_id - 1) */
  GValue value;
} PendingValue;

struct _VfStage
{
  VfFilter *owner;              /* not a reference: the owner owns us */
  VfFilterClass *klass;
  /* pending and refusals; held through a whole commit, so that a reader
   * sees a value either staged or in effect, never in between */
  GMutex lock;
  GArray *pending;              /* PendingValue */
  GString *refusals;
  GMutex current_lock;          /* current alone: the streaming thread's */
  VfSnapshot *current;          /* published; replaced, never modified */
};

GQuark
vf_filter_error_quark (void)
{
  return g_quark_from_static_string ("vf-filter-error-quark");
}

static void
pending_clear (gpointer data)
{
  PendingValue *pv = data;
  if (G_IS_VALUE (&pv->value))
    g_value_unset (&pv->value);
}

static GArray *
pending_new (void)
{
  GArray *a = g_array_new (FALSE, TRUE, sizeof (PendingValue));
  g_array_set_clear_func (a, pending_clear);
  return a;
}

VfStage *
vf_stage_new (VfFilter * owner)
{
  VfStage *stage = g_new0 (VfStage, 1);
  GError *error = NULL;

  stage->owner = owner;
  stage->klass = VF_FILTER_GET_CLASS (owner);
  g_mutex_init (&stage->lock);
  g_mutex_init (&stage->current_lock);
  stage->pending = pending_new ();
  stage->refusals = g_string_new (NULL);
  stage->current = vf_snapshot_new_default (stage->klass);
  if (stage->klass->info->prepare
      && !stage->klass->info->prepare (owner, stage->current->params, &error)) {
    /* a programming error in the element's table: say so, run anyway */
    g_critical ("%s: default parameters refused: %s",
        G_OBJECT_TYPE_NAME (owner), error->message);
    g_error_free (error);
  }
  return stage;
}

void
vf_stage_free (VfStage * stage)
{
  g_array_unref (stage->pending);
  g_string_free (stage->refusals, TRUE);
  vf_snapshot_unref (stage->current);
  g_mutex_clear (&stage->lock);
  g_mutex_clear (&stage->current_lock);
  g_free (stage);
}

VfSnapshot *
vf_stage_current (VfStage * stage)
{
  VfSnapshot *snap;
  g_mutex_lock (&stage->current_lock);
  snap = vf_snapshot_ref (stage->current);
  g_mutex_unlock (&stage->current_lock);
  return snap;
}

/* One warning naming a refused set; the old values stay. */
static void
warn_refused (VfStage * stage, const gchar * msg)
{
  g_warning ("%s: %s; the previous values stay in effect",
      GST_OBJECT_NAME (stage->owner), msg);
  GST_ELEMENT_WARNING (stage->owner, LIBRARY, SETTINGS, ("%s", msg),
      ("the previous values stay in effect"));
}

/* `base` with `n` values applied, prepared; NULL + error when the set is
 * invalid.  The one validation: commits and "check" both come here. */
static VfSnapshot *
try_values (VfStage * stage, const VfSnapshot * base, const guint * index,
    const GValue * values, guint n, GError ** error)
{
  VfFilterClass *klass = stage->klass;
  VfSnapshot *cand = vf_snapshot_copy (klass, base);

  for (guint i = 0; i < n; i++) {
    if (!vf_params_check (klass->pspecs[index[i]], &values[i], error)) {
      vf_snapshot_unref (cand);
      return NULL;
    }
    vf_snapshot_set (klass, cand, index[i], &values[i]);
  }
  if (klass->info->prepare
      && !klass->info->prepare (stage->owner, cand->params, error)) {
    vf_snapshot_unref (cand);
    return NULL;
  }
  return cand;
}

/* Takes the values `owner` staged out of `pending` (moved into index and
 * values, which hold pending->len entries); returns how many. */
static guint
take_set (GArray * pending, GThread * owner, guint * index, GValue * values)
{
  guint n = 0;
  for (guint i = 0; i < pending->len;) {
    PendingValue *pv = &g_array_index (pending, PendingValue, i);
    if (pv->thread != owner) {
      i++;
      continue;
    }
    index[n] = pv->index;
    values[n++] = pv->value;
    memset (&pv->value, 0, sizeof (GValue));
    g_array_remove_index (pending, i);
  }
  return n;
}

VfSnapshot *
vf_stage_commit (VfStage * stage)
{
  VfSnapshot *cand, *old = NULL;
  GPtrArray *refused = g_ptr_array_new_with_free_func (g_free);
  gboolean changed = FALSE;

  g_mutex_lock (&stage->lock);
  cand = vf_stage_current (stage);
  /* the threads' sets in the order they began staging */
  while (stage->pending->len) {
    GArray *pending = stage->pending;
    GThread *owner = g_array_index (pending, PendingValue, 0).thread;
    guint *index = g_new (guint, pending->len);
    GValue *values = g_new0 (GValue, pending->len);
    guint n = take_set (pending, owner, index, values);
    GError *error = NULL;
    VfSnapshot *next = try_values (stage, cand, index, values, n, &error);

    if (next) {
      vf_snapshot_unref (cand);
      cand = next;
      changed = TRUE;
    } else {
      if (stage->refusals->len)
        g_string_append (stage->refusals, "; ");
      g_string_append (stage->refusals, error->message);
      g_ptr_array_add (refused, g_strdup (error->message));
      g_error_free (error);
    }
    for (guint i = 0; i < n; i++)
      g_value_unset (&values[i]);
    g_free (values);
    g_free (index);
  }
  if (changed) {
    g_mutex_lock (&stage->current_lock);
    old = stage->current;
    stage->current = cand;
    g_mutex_unlock (&stage->current_lock);
  } else {
    vf_snapshot_unref (cand);
  }
  g_mutex_unlock (&stage->lock);

  for (guint i = 0; i < refused->len; i++)
    warn_refused (stage, g_ptr_array_index (refused, i));
  g_ptr_array_unref (refused);
  return old;
}

/* What the calling thread staged for parameter `index`, or NULL; under
 * the lock. */
static PendingValue *
find_own (VfStage * stage, guint index)
{
  GThread *me = g_thread_self ();
  for (guint i = 0; i < stage->pending->len; i++) {
    PendingValue *pv = &g_array_index (stage->pending, PendingValue, i);
    if (pv->thread == me && pv->index == index)
      return pv;
  }
  return NULL;
}

void
vf_stage_set (VfStage * stage, guint index, const GValue * value)
{
  PendingValue pv = { g_thread_self (), index, G_VALUE_INIT }, *old;

  g_value_init (&pv.value, G_VALUE_TYPE (value));
  g_value_copy (value, &pv.value);
  g_mutex_lock (&stage->lock);
  old = find_own (stage, index);
  if (old) {
    /* a later value of the same set (or of a later call GObject merged
     * into one notification) replaces the earlier */
    g_value_unset (&old->value);
    old->value = pv.value;
  } else {
    g_array_append_val (stage->pending, pv);
  }
  g_mutex_unlock (&stage->lock);
}

void
vf_stage_get (VfStage * stage, guint index, GValue * value)
{
  PendingValue *own;

  g_mutex_lock (&stage->lock);
  own = find_own (stage, index);
  if (own)
    g_value_copy (&own->value, value);
  else                          /* no commit is under way: current is it */
    vf_snapshot_get (stage->klass, stage->current, index, value);
  g_mutex_unlock (&stage->lock);
}

gchar *
vf_stage_check (VfStage * stage, const GstStructure * proposed)
{
  GObjectClass *oclass = G_OBJECT_CLASS (stage->klass);
  guint n = proposed ? gst_structure_n_fields (proposed) : 0;
  guint *index = g_new0 (guint, n + 1);
  GValue *values = g_new0 (GValue, n + 1);
  GError *error = NULL;
  gchar *msg = NULL;
  guint done = 0;

  for (; done < n; done++) {
    const gchar *name = gst_structure_nth_field_name (proposed, done);
    GParamSpec *pspec = g_object_class_find_property (oclass, name);
    if (!pspec || pspec->owner_type != G_TYPE_FROM_CLASS (oclass)) {
      g_set_error (&error, VF_FILTER_ERROR, 0, "%s has no parameter '%s'",
          G_OBJECT_CLASS_NAME (oclass), name);
      break;
    }
    index[done] = pspec->param_id - 1;
    if (!vf_params_convert (pspec, gst_structure_get_value (proposed, name),
            &values[done], &error))
      break;
  }
  if (!error) {
    VfSnapshot *base = vf_stage_current (stage);
    vf_snapshot_unref (try_values (stage, base, index, values, n, &error));
    vf_snapshot_unref (base);
  }
  for (guint i = 0; i < done; i++)
    g_value_unset (&values[i]);
  g_free (values);
  g_free (index);
  if (error) {
    msg = g_strdup (error->message);
    g_error_free (error);
  }
  return msg;
}

gchar *
vf_stage_take_refusals (VfStage * stage)
{
  gchar *msg = NULL;

  g_mutex_lock (&stage->lock);
  if (stage->refusals->len) {
    msg = g_strdup (stage->refusals->str);
    g_string_truncate (stage->refusals, 0);
  }
  g_mutex_unlock (&stage->lock);
  return msg;
}
