/* vftemporal: causal, motion-adaptive temporal denoiser.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * SECTION:element-vftemporal
 * @title: vftemporal
 *
 * Averages every still pixel over the frames before it and lets every
 * moving one follow its input at once, so a static scene loses its noise
 * and a moving edge or a cut leaves no ghost.  Causal, with zero frames of
 * latency: frame n leaves with frame n.  Where the 3x3 neighbourhood of a
 * pixel changed by more than the noise explains, it counts as moving and is
 * smoothed lightly in space instead (`spatial`).  The noise level is
 * estimated from every frame unless `noise-level` names it.  The history
 * is forgotten on new caps, a flush or seek, a new segment or stream and a
 * DISCONT buffer: a camera coming back never shows the old picture.
 *
 * `strength` is the luma's (and every channel's of RGB and GRAY8 formats),
 * `strength-color` that of the chroma planes of YUV formats.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 v4l2src ! videoconvert ! vftemporal strength=4 ! videoconvert ! autovideosink
 * ]|
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "vfelements.h"

VF_DEFINE_ELEMENT (VfTemporal, vf_temporal, VF_TYPE_TEMPORAL, vftemporal,
    "temporal");
#define GST_CAT_DEFAULT vf_temporal_debug

typedef struct
{
  gdouble strength, strength_color, spatial, noise;
} TemporalParams;

static const VfParam temporal_params[] = {
  VF_PARAM_DOUBLE_FIELD ("strength", "Strength",
      "Luma: a still pixel is averaged over about 1 + strength frames "
      "(0 = no temporal filtering)", TemporalParams, strength, 0, 100, 4,
      TRUE),
  VF_PARAM_DOUBLE_FIELD ("strength-color", "Colour strength",
      "The same for the chroma planes of YUV formats", TemporalParams,
      strength_color, 0, 100, 4, TRUE),
  VF_PARAM_DOUBLE_FIELD ("spatial", "Spatial smoothing",
      "Moving pixels are smoothed in 3x3 by at most spatial x noise / sqrt 2 "
      "levels (0 = not)", TemporalParams, spatial, 0, 8, 1, TRUE),
  VF_PARAM_DOUBLE_FIELD ("noise-level", "Noise level",
      "Standard deviation of the input's noise in levels "
      "(0 = estimated from every frame)", TemporalParams, noise, 0, 64, 0,
      TRUE),
};

#define TEMPORAL_MAX_PLANES 4

typedef struct
{
  VfkTemporal *plane[TEMPORAL_MAX_PLANES];
} TemporalState;

static gpointer
temporal_state_new (void)
{
  TemporalState *st = g_new0 (TemporalState, 1);
  for (gint i = 0; i < TEMPORAL_MAX_PLANES; i++)
    st->plane[i] = vfk_temporal_new ();
  return st;
}

static void
temporal_state_reset (gpointer state)
{
  TemporalState *st = state;
  for (gint i = 0; i < TEMPORAL_MAX_PLANES; i++)
    vfk_temporal_reset (st->plane[i]);
}

static void
temporal_state_free (gpointer state)
{
  TemporalState *st = state;
  for (gint i = 0; i < TEMPORAL_MAX_PLANES; i++)
    vfk_temporal_free (st->plane[i]);
  g_free (st);
}

static void
temporal_extent (gconstpointer params, VfExtent * e)
{
  /* one pixel: the output keeps the input's size whatever the border */
  vf_extent_centred (e, 1, 1);
}

static gboolean
temporal_filter_plane (VfFilter * self, const VfSnapshot * snap,
    const VfPlane * pl, VfkPool * pool)
{
  const TemporalParams *p = snap->params;
  TemporalState *st = pl->state;
  VfkTemporalParams kp = {
    .strength = pl->chroma ? p->strength_color : p->strength,
    .spatial = p->spatial,
    .noise = p->noise,
  };
  if (!st->plane[pl->index])
    return FALSE;
  return vfk_temporal (pool, st->plane[pl->index], pl->src, pl->dst,
      pl->border, pl->border_value, pl->color_mask, &kp) == 0;
}

static const VfElementInfo temporal_info = {
  .longname = "Temporal denoiser",
  .description = "Causal motion-adaptive temporal denoiser with zero frames "
      "of latency: still pixels averaged over frames, moving ones follow "
      "their input",
  .default_border = VF_BORDER_REPLICATE,
  .params_size = sizeof (TemporalParams),
  .derived_offset = sizeof (TemporalParams),
  .params = temporal_params,
  .n_params = G_N_ELEMENTS (temporal_params),
  .extent = temporal_extent,
  .filter_plane = temporal_filter_plane,
  .state_new = temporal_state_new,
  .state_reset = temporal_state_reset,
  .state_free = temporal_state_free,
};

VF_ELEMENT_CLASS_INIT (VfTemporal, vf_temporal, temporal_info);
