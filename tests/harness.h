/* What the element tests share (harness.c).
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef VF_TEST_HARNESS_H
#define VF_TEST_HARNESS_H

#include <gst/check/gstcheck.h>
#include <gst/video/video.h>

#include "ref.h"
#include "vfk.h"

/* The value of the elements' border=valid (beyond ref.h's REF_* paddings):
 * no padding, the output shrinks by the kernel size - 1. */
#define VF_TEST_BORDER_VALID 5

/* Every format the elements implement. */
#define N_FORMATS 17
extern const gchar *const formats[N_FORMATS];

/* Packed 4:2:2 (filtered as Y42B is: tests/test-packed.c). */
#define N_PACKED_FORMATS 3
extern const gchar *const packed_formats[N_PACKED_FORMATS];
gboolean is_packed_422 (const GstVideoInfo * info);

guint8 rnd8 (void);
/* Size and bytes per pixel of plane p; returns its first component. */
gint plane_geometry (const GstVideoInfo * info, guint p, gint * w, gint * h,
    gint * cn);
GstBuffer *random_frame (const GstVideoInfo * info);
/* The visible samples of two frames of `info` are equal (row padding is
 * not part of a picture). */
gboolean frames_equal (const GstVideoInfo * info, GstBuffer * a, GstBuffer * b);
/* Offset of the byte passed through unfiltered (alpha, or the padding of
 * xRGB-like formats), -1 for formats without one. */
gint alpha_offset (const GstVideoInfo * info);

/* ---- the effective kernel of a linear element's configuration ---------- */

typedef struct
{
  const gchar *desc;            /* for messages */
  const gchar *factory;
  int border;                   /* REF_* or VF_TEST_BORDER_VALID */
  guint8 value;
  int kw, kh, ax, ay;
  int k[15 * 15];
  RefRound round;
  long div, bias;
  /* element properties, applied with one g_object_set */
  const gchar *props;
} Config;

void config_box (Config * c, int kw, int kh);
void config_gauss (Config * c, int kw, int kh, double sigma);
/* as written in the kernel string; convolution flips it */
void config_conv (Config * c, const int *w, int kw, int kh, long div,
    long bias, gboolean convolution);
GstElement *config_element (const Config * c);
extern const int conv3[9];

/* Checks `out` against the brute-force reference of `in` under c. */
gboolean frame_matches (const Config * c, GstBuffer * in,
    const GstVideoInfo * iinfo, GstBuffer * out, const GstVideoInfo * oinfo,
    gchar ** why);
/* Pushes one random frame of format/size through the configured element
 * and checks every output byte. */
void check_config (const Config * c, const gchar * format, gint w, gint h);
/* the output of h for `in` equals the reference under c */
void assert_output (GstHarness * h, const Config * c, GstBuffer * in,
    const GstVideoInfo * info);

/* A harness around a fresh element made from `launch`, its caps from
 * info. */
GstHarness *harness_for (const gchar * launch, const GstVideoInfo * info);
/* The output of a fresh element made from `launch` for one frame. */
GstBuffer *push_one (const gchar * launch, const GstVideoInfo * info,
    GstBuffer * in);
/* The index of the first of `n` buffers equal to `out`, or -1. */
int find_equal (GstBuffer * out, GstBuffer * const *bufs, int n);
/* Counts a frame of set `match`; TRUE once each of the n sets was seen. */
gboolean count_hit (int *hits, int n, int match);

/* ---- warnings of the plugin's log domain --------------------------------- */

void expect_warnings_begin (void);
/* A warning containing `needle` was logged since the last call. */
void expect_warning (const gchar * needle);
void expect_warnings_end (void);

/* ---- live changes: the one stress harness --------------------------------- */

/* One whole set applied as one change ("name=value name=value ..."). */
void apply_set (GstElement * e, const gchar * set);

/* The expected output of set `set` for `in`. */
typedef GstBuffer *(*ExpectFunc) (int set, const GstVideoInfo * info,
    GstBuffer * in, gpointer data);

/* While a thread flips whole parameter sets (each names every property
 * any set changes), every output frame of `factory` on `format` must
 * equal the output of one set: from `expect`, or (NULL) from a separate
 * element holding that set.  At least 1000 frames, and on until 20
 * changes happened and every set was seen. */
void stress_element_sets (const gchar * factory, const gchar * format,
    const gchar * const *sets, int n_sets, ExpectFunc expect,
    gpointer expect_data);

/* ---- the test program ------------------------------------------------------ */

/* A suite of one test case with a 300 s timeout. */
typedef struct
{
  TFun fn;
  const char *name;
} HarnessTest;
Suite *harness_suite (const gchar * name, const HarnessTest * tests);

/* The test program of one element: HARNESS_MAIN (median, test_a, test_b) */
#define HARNESS_T(f) { f, #f }
#define HARNESS_MAIN(name, ...) \
  static Suite * \
  name##_suite (void) \
  { \
    static const HarnessTest tests[] = { __VA_ARGS__, { NULL, NULL } }; \
    return harness_suite (#name, tests); \
  } \
  GST_CHECK_MAIN (name)

#endif
