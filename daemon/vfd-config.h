/* The configuration file: [pipeline NAME] groups (SPEC §2).
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef VFD_CONFIG_H
#define VFD_CONFIG_H

#include <gst/gst.h>

G_BEGIN_DECLS

typedef struct {
  gchar *name;
  gchar *source;
  gchar *caps;                  /* NULL: whatever the source gives */
  gchar *filters;               /* "" : no filters */
  gchar *sink;
  gchar *standby;               /* NULL: last (vfd-outlet.h) */
  gchar *encoder;               /* NULL: auto (vfd-encoder.h) */
  gboolean loop;
  gchar *origin;                /* "FILE:LINE" of the group, for messages */
  guint own_threads;            /* workers its filters' own pools hold
                                 * (derived from filters) */
} VfdPipelineConfig;

void vfd_pipeline_config_free (VfdPipelineConfig * pc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VfdPipelineConfig, vfd_pipeline_config_free);
VfdPipelineConfig *vfd_pipeline_config_copy (const VfdPipelineConfig * pc);
gboolean vfd_pipeline_config_equal (const VfdPipelineConfig * a,
    const VfdPipelineConfig * b);

/* Maximum number of pipelines one daemon runs. */
#define VFD_MAX_PIPELINES 256

/* Parses and validates one file's text; appends to `pipelines` (of
 * VfdPipelineConfig).  Errors read "FILE:LINE: reason". */
gboolean vfd_config_parse (const gchar * data, gsize length,
    const gchar * filename, GPtrArray * pipelines, GError ** error);

/* Loads `file` and then every *.conf of `confd` (may be NULL) in name
 * order.  A missing file is an error only when `required`. */
GPtrArray *vfd_config_load (const gchar * file, gboolean required,
    const gchar * confd, GError ** error);

/* A pipeline from the D-Bus CreatePipeline dictionary (a{ss}). */
VfdPipelineConfig *vfd_pipeline_config_from_variant (const gchar * name,
    GVariant * dict, GError ** error);

/* The largest frame a pipeline takes: sides as the vfilter elements
 * (VF_FILTER_MAX_SIDE), bytes at 4 per pixel. */
#define VFD_MAX_SIDE 16384
#define VFD_MAX_FRAME_BYTES (512u << 20)
/* Pipeline caps: parseable, raw video only, every width, height and
 * framerate a value that can negotiate (1..VFD_MAX_SIDE, a fraction >= 0)
 * and frames no larger than VFD_MAX_FRAME_BYTES.  The error names the
 * field, the value and the limit. */
/* [server] metrics=ADDRESS:PORT of the configuration vfd_config_load ()
 * read last (NULL: none). */
const gchar *vfd_config_metrics (void);
/* [server] rtsp=ADDRESS:PORT, the same way. */
const gchar *vfd_config_rtsp (void);

gboolean vfd_caps_check (const gchar * caps, GError ** error);

G_END_DECLS
#endif
