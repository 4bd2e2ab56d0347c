/* The parameter tables of the vfilter elements: pspecs, values and
 * snapshots made from one VfParam description.  Internal to the plugin.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef VF_PARAMS_H
#define VF_PARAMS_H

#include "vffilter.h"

G_BEGIN_DECLS
/* Property ids: 1 + an index over the common parameters (border,
 * border-value, n-threads) followed by the class's own table. */
#define VF_N_COMMON 3
    guint vf_params_count (VfFilterClass * klass);
const VfParam *vf_params_at (VfFilterClass * klass, guint index);

/* Installs every parameter of the class as a property. */
void vf_params_install (VfFilterClass * klass);

/* Snapshots: a set of values (and, once prepared, what is derived). */
VfSnapshot *vf_snapshot_new_default (VfFilterClass * klass);
VfSnapshot *vf_snapshot_copy (VfFilterClass * klass, const VfSnapshot * src);
VfSnapshot *vf_snapshot_ref (VfSnapshot * snap);
void vf_snapshot_set (VfFilterClass * klass, VfSnapshot * snap, guint index,
    const GValue * value);
void vf_snapshot_get (VfFilterClass * klass, const VfSnapshot * snap,
    guint index, GValue * value);

/* Is `value` (of pspec's type) inside pspec's range?  FALSE + an error
 * naming the property, the value and what was expected. */
gboolean vf_params_check (GParamSpec * pspec, const GValue * value,
    GError ** error);

/* `in` as a value of pspec's type: exact conversions only (3.7 is no
 * uint, 300 no guint8), strings deserialised (enums by nick), then the
 * pspec's range.  FALSE + an error naming the property, the value and
 * what was expected. */
gboolean vf_params_convert (GParamSpec * pspec, const GValue * in,
    GValue * out, GError ** error);

G_END_DECLS
#endif
