/* The parameter sets of one element: staged by set_property, committed
 * whole or refused whole, checked without applying.  Internal.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef VF_STAGE_H
#define VF_STAGE_H

#include "vffilter.h"

G_BEGIN_DECLS typedef struct _VfStage VfStage;

/* The defaults of `owner`'s class, prepared, in effect. */
VfStage *vf_stage_new (VfFilter * owner);
void vf_stage_free (VfStage * stage);

/* The set in effect (new reference). */
VfSnapshot *vf_stage_current (VfStage * stage);

/* set_property / get_property of parameter `index`: a value is staged for
 * the calling thread; inside its own g_object_set a thread reads what it
 * staged, else the value in effect. */
void vf_stage_set (VfStage * stage, guint index, const GValue * value);
void vf_stage_get (VfStage * stage, guint index, GValue * value);

/* Applies what is staged: each thread's values as one set, whole or
 * refused whole with one warning.  Returns the set that was in effect
 * before (caller's reference) when a new one was published, else NULL. */
VfSnapshot *vf_stage_commit (VfStage * stage);

/* The "check" action: NULL, or the message these values (fields named as
 * the parameters) would be refused with over the set in effect. */
gchar *vf_stage_check (VfStage * stage, const GstStructure * proposed);

/* The "take-refusals" action: the messages of the sets refused since the
 * last call, "; "-separated, or NULL. */
gchar *vf_stage_take_refusals (VfStage * stage);

G_END_DECLS
#endif
