/* vftemporal: every format against a straightforward reference of the same
 * recursion, convergence on a still noisy scene, no ghost after a moving
 * edge or a cut, resets, thread-count invariance and live changes.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>
#include <math.h>
#include <string.h>

#include "harness.h"

/* ---- the reference: the formulas of vfk-temporal.c, one sample at a time - */

typedef struct
{
  double strength, strength_color, spatial, noise;
  int border;                   /* REF_* (valid is tested as replicate) */
  int value;
} RefSet;

typedef struct
{
  int w, h, cn, primed, sigma16;
  int *hist;                    /* Q4 history */
} RefPlane;

typedef struct
{
  RefPlane plane[4];
} RefState;

static int
next_sigma16 (int est, int cand)
{
  cand = cand < 8 ? 8 : cand;
  if (est <= 0)
    return cand;
  if (cand <= est)
    return (est + cand + 1) / 2;
  return MIN (cand, est + est / 8 + 1);
}

/* |16 x - P| of every 4th pixel of rows 2, 6, 10 ... -> sigma (Q4) */
static int
figure (const RefPlane * st, const guint8 * in, gint is, unsigned mask)
{
  static guint32 hist[1024];
  guint64 total = 0, acc = 0;
  int q = 0;
  memset (hist, 0, sizeof hist);
  for (int y = 2; y < st->h; y += 4)
    for (int x = 0; x < st->w; x += 4)
      for (int c = 0; c < st->cn; c++)
        if (mask & (1u << c)) {
          int d = abs ((in[y * is + x * st->cn + c] << 4)
              - st->hist[(y * st->w + x) * st->cn + c]);
          hist[MIN (d, 1023)]++;
          total++;
        }
  if (!total)
    return 0;
  while (q < 1023 && (acc += hist[q]) < (total + 3) / 4)
    q++;
  return (int) (((gint64) q * 3139 + 500) / 1000);
}

static int
ref_div256 (int v)
{                               /* floor (v / 256) */
  return v >= 0 ? v / 256 : -((-v + 255) / 256);
}

static void
ref_plane (RefPlane * st, const guint8 * in, gint is, gint w, gint h, gint cn,
    unsigned mask, guint8 * out, gint os, double strength, const RefSet * s)
{
  int sig, t0, t1, span, sh = 0, aq, amin, T;
  int *next;

  if (st->w != w || st->h != h || st->cn != cn) {
    g_free (st->hist);
    st->hist = g_new0 (int, w * h * cn);
    st->w = w;
    st->h = h;
    st->cn = cn;
    st->primed = 0;
    st->sigma16 = 0;
  }
  if (!st->primed) {
    for (int y = 0; y < h; y++)
      for (int k = 0; k < w * cn; k++) {
        out[y * os + k] = in[y * is + k];
        st->hist[y * w * cn + k] = in[y * is + k] << 4;
      }
    st->primed = 1;
    return;
  }
  if (st->sigma16 <= 0)
    st->sigma16 = next_sigma16 (0, figure (st, in, is, mask));
  sig = s->noise > 0 ? (int) (s->noise * 16 + 0.5) : st->sigma16;
  sig = MAX (sig, 8);
  t0 = (int) ((gint64) sig * 8618 / 1000);
  t1 = (int) ((gint64) sig * 17955 / 1000);
  span = t1 - t0;
  while ((span << (sh + 1)) <= 65535)
    sh++;
  aq = (256 << 16) / (span << sh);
  amin = (int) (256.0 / (1.0 + strength) + 0.5);
  T = (int) (s->spatial * sig * 0.70710678 + 0.5);

  next = g_new (int, w * h * cn);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      for (int c = 0; c < cn; c++) {
        int sad = 0, b = 0, xs, v, m, e, yv, a, p, q;
        for (int j = -1; j <= 1; j++)
          for (int i = -1; i <= 1; i++) {
            int yy = ref_index (y + j, h, s->border);
            int xx = ref_index (x + i, w, s->border);
            int wt = (2 - abs (i)) * (2 - abs (j));
            if (yy < 0 || xx < 0) {
              b += wt * s->value;
              continue;
            }
            sad += abs ((in[yy * is + xx * cn + c] << 4)
                - st->hist[(yy * w + xx) * cn + c]);
            b += wt * in[yy * is + xx * cn + c];
          }
        xs = in[y * is + x * cn + c] << 4;
        p = st->hist[(y * w + x) * cn + c];
        v = MAX (sad - t0, 0);
        m = v >= span ? 256 : ((v << sh) * aq) >> 16;
        e = CLAMP (b - xs, -T, T);
        yv = xs + ref_div256 (m * e + 128);
        a = amin + (((256 - amin) * m) >> 8);
        q = p + ref_div256 (a * (yv - p) + 128);
        next[(y * w + x) * cn + c] = q;
        out[y * os + x * cn + c] = (guint8) ((q + 8) >> 4);
      }
  st->sigma16 = next_sigma16 (st->sigma16, figure (st, in, is, mask));
  g_free (st->hist);
  st->hist = next;
}

/* The reference's output for one frame (a new buffer), advancing st. */
static GstBuffer *
ref_frame (RefState * st, const GstVideoInfo * info, GstBuffer * in,
    const RefSet * s)
{
  GstBuffer *out = gst_buffer_new_allocate (NULL, info->size, NULL);
  GstVideoFrame fi, fo;
  gint alpha = alpha_offset (info);
  gboolean yuv = GST_VIDEO_INFO_IS_YUV (info);

  gst_video_frame_map (&fi, info, in, GST_MAP_READ);
  gst_video_frame_map (&fo, info, out, GST_MAP_WRITE);
  for (guint p = 0; p < GST_VIDEO_INFO_N_PLANES (info); p++) {
    gint w, h, cn;
    gint is = GST_VIDEO_FRAME_PLANE_STRIDE (&fi, p);
    gint os = GST_VIDEO_FRAME_PLANE_STRIDE (&fo, p);
    const guint8 *ip = GST_VIDEO_FRAME_PLANE_DATA (&fi, p);
    guint8 *op = GST_VIDEO_FRAME_PLANE_DATA (&fo, p);
    unsigned mask;
    plane_geometry (info, p, &w, &h, &cn);
    mask = (1u << cn) - 1;
    if (alpha >= 0)
      mask &= ~(1u << alpha);
    ref_plane (&st->plane[p], ip, is, w, h, cn, mask, op, os,
        yuv && p > 0 ? s->strength_color : s->strength, s);
    if (alpha >= 0)
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
          op[y * os + x * cn + alpha] = ip[y * is + x * cn + alpha];
  }
  gst_video_frame_unmap (&fi);
  gst_video_frame_unmap (&fo);
  return out;
}

static void
ref_state_clear (RefState * st)
{
  for (int p = 0; p < 4; p++)
    g_free (st->plane[p].hist);
  memset (st, 0, sizeof *st);
}

/* ---- clips ------------------------------------------------------------------ */

/* Frame k of a test sequence: a fixed random picture with noise of +-12
 * added per frame, a block that jumps at frame 3 and a cut at frame 6. */
static GstBuffer *
sequence_frame (const GstVideoInfo * info, int k)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, info->size, NULL);
  GstMapInfo map;
  guint32 seed = k >= 6 ? 777 : 555, noise = 99 + k;
  gst_buffer_map (buf, &map, GST_MAP_WRITE);
  for (gsize i = 0; i < map.size; i++) {
    int base, v;
    seed = seed * 1103515245u + 12345u;
    base = 40 + (int) ((seed >> 16) % 176);
    if (k >= 3 && k < 6 && (i / 7) % 3 == 0)
      base = 255 - base;        /* something moved */
    noise = noise * 1664525u + 1013904223u;
    v = base + (int) ((noise >> 24) % 25) - 12;
    map.data[i] = (guint8) CLAMP (v, 0, 255);
  }
  gst_buffer_unmap (buf, &map);
  return buf;
}

/* ---- tests -------------------------------------------------------------------- */

GST_START_TEST (test_temporal_every_format_against_the_reference)
{
  static const int sizes[][2] = { {1, 1}, {2, 3}, {67, 45} };
  static const struct
  {
    const gchar *props;
    RefSet set;
  } cfgs[] = {
    {"", {4, 4, 1, 0, REF_REPLICATE, 0}},
    {"strength=2 strength-color=7 spatial=3 border=constant border-value=200",
        {2, 7, 3, 0, REF_CONSTANT, 200}},
    {"noise-level=5 border=wrap strength=0.5", {0.5, 4, 1, 5, REF_WRAP, 0}},
    {"border=reflect strength=12 spatial=0", {12, 4, 0, 0, REF_REFLECT, 0}},
    {"border=symmetric noise-level=0.2", {4, 4, 1, 0.2, REF_SYMMETRIC, 0}},
    {"border=valid", {4, 4, 1, 0, REF_REPLICATE, 0}},
  };
  for (guint k = 0; k < G_N_ELEMENTS (cfgs); k++)
    for (guint f = 0; f < N_FORMATS; f++)
      for (guint z = 0; z < G_N_ELEMENTS (sizes); z++) {
        GstVideoInfo info;
        gchar *launch = g_strdup_printf ("vftemporal %s", cfgs[k].props);
        GstHarness *h;
        RefState st = { 0 };
        gst_video_info_set_format (&info,
            gst_video_format_from_string (formats[f]), sizes[z][0],
            sizes[z][1]);
        h = harness_for (launch, &info);
        for (int n = 0; n < 9; n++) {
          GstBuffer *in = sequence_frame (&info, n);
          GstBuffer *expect = ref_frame (&st, &info, in, &cfgs[k].set);
          GstBuffer *out = gst_harness_push_and_pull (h, in);
          fail_unless (out != NULL);
          fail_unless (frames_equal (&info, out, expect),
              "vftemporal %s on %s %dx%d: frame %d differs from the "
              "reference recursion", cfgs[k].props, formats[f], sizes[z][0],
              sizes[z][1], n);
          gst_buffer_unref (out);
          gst_buffer_unref (expect);
        }
        gst_harness_teardown (h);
        ref_state_clear (&st);
        g_free (launch);
      }
}

GST_END_TEST;

/* A smooth clean picture with texture (GRAY8). */
static guint8
clean_pixel (int x, int y, int shift)
{
  double v = 128 + 60 * sin ((x + shift) * 0.05) * cos (y * 0.07)
      + 30 * sin ((x + shift) * 0.31 + y * 0.23);
  return (guint8) CLAMP ((int) lround (v), 0, 255);
}

/* Gaussian noise: Box-Muller over xorshift64 */
static double
gauss (void)
{
  static guint64 x = 88172645463325252ull;
  double u[2];
  for (int i = 0; i < 2; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    u[i] = ((x >> 11) + 0.5) / 9007199254740992.0;
  }
  return sqrt (-2 * log (u[0])) * cos (2 * G_PI * u[1]);
}

#define CW 256
#define CH 192

static GstBuffer *
noisy_gray (guint8 * clean, double sigma)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, CW * CH, NULL);
  GstMapInfo map;
  gst_buffer_map (buf, &map, GST_MAP_WRITE);
  for (int i = 0; i < CW * CH; i++) {
    int v = (int) lround (clean[i] + sigma * gauss ());
    map.data[i] = (guint8) CLAMP (v, 0, 255);
  }
  gst_buffer_unmap (buf, &map);
  return buf;
}

/* mean squared error against clean over the pixels where sel is set */
static double
mse (GstBuffer * buf, const guint8 * clean, const guint8 * sel)
{
  GstMapInfo map;
  double se = 0;
  int n = 0;
  gst_buffer_map (buf, &map, GST_MAP_READ);
  for (int i = 0; i < CW * CH; i++)
    if (!sel || sel[i]) {
      double d = (double) map.data[i] - clean[i];
      se += d * d;
      n++;
    }
  gst_buffer_unmap (buf, &map);
  return se / MAX (n, 1);
}

static GstHarness *
gray_harness (const gchar * launch)
{
  GstVideoInfo info;
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_GRAY8, CW, CH);
  return harness_for (launch, &info);
}

/* The design's promise (README): on a still scene at its defaults the
 * PSNR rises by at least 6 dB within 20 frames at sigma 10 (the
 * exponential window of 1 + strength = 5 frames gives 9.5 dB in theory). */
GST_START_TEST (test_temporal_still_scene_converges)
{
  guint8 *clean = g_malloc (CW * CH);
  GstHarness *h = gray_harness ("vftemporal");
  double gain = 0;
  for (int y = 0; y < CH; y++)
    for (int x = 0; x < CW; x++)
      clean[y * CW + x] = clean_pixel (x, y, 0);
  for (int n = 0; n < 20; n++) {
    GstBuffer *in = noisy_gray (clean, 10);
    double in_mse = mse (in, clean, NULL);
    GstBuffer *out = gst_harness_push_and_pull (h, in);
    gain = 10 * log10 (in_mse / mse (out, clean, NULL));
    if (n == 0)
      fail_unless (gain == 0, "the first frame passes through");
    gst_buffer_unref (out);
  }
  fail_unless (gain >= 6.0, "PSNR gain after 20 still frames: %.2f dB, "
      "at least 6 expected", gain);
  gst_harness_teardown (h);
  g_free (clean);
}

GST_END_TEST;

/* A bright square jumps 24 pixels over a textured background, then the
 * scene cuts to another picture.  On the pixels that changed, the first
 * output after the change must track the new picture: its error is the
 * noise left after the light spatial smoothing of moving pixels, bounded
 * by the input's (sigma) plus the smoothing limit T = sigma / sqrt 2 —
 * a ghost of the old picture (a jump of ~150 levels) would put it near
 * 150.  After the cut no worse than the noisy input itself. */
GST_START_TEST (test_temporal_no_ghost_after_motion_or_cut)
{
  const double sigma = 10;
  guint8 *clean = g_malloc (CW * CH), *sel = g_malloc0 (CW * CH);
  GstHarness *h = gray_harness ("vftemporal");
  GstBuffer *in, *out;
  double rms, in_rms;

  for (int n = 0; n < 12; n++) {
    int sx = n < 10 ? 40 : 64;
    for (int y = 0; y < CH; y++)
      for (int x = 0; x < CW; x++) {
        gboolean inside = x >= sx && x < sx + 64 && y >= 60 && y < 124;
        clean[y * CW + x] = inside ? 250 : clean_pixel (x, y, 0) / 2;
      }
    if (n == 10)
      for (int y = 0; y < CH; y++)
        for (int x = 0; x < CW; x++)
          sel[y * CW + x] = y >= 60 && y < 124 && ((x >= 40 && x < 64)
              || (x >= 104 && x < 128));
    in = noisy_gray (clean, sigma);
    in_rms = sqrt (mse (in, clean, n == 10 ? sel : NULL));
    out = gst_harness_push_and_pull (h, in);
    if (n == 10) {
      rms = sqrt (mse (out, clean, sel));
      fail_unless (rms <= sigma + sigma / G_SQRT2,
          "first frame after the move: rms error %.1f on the changed "
          "pixels (input %.1f), at most %.1f expected", rms, in_rms,
          sigma + sigma / G_SQRT2);
    }
    gst_buffer_unref (out);
  }
  /* the cut */
  for (int y = 0; y < CH; y++)
    for (int x = 0; x < CW; x++)
      clean[y * CW + x] = 255 - clean_pixel (x + 50, y, 7);
  in = noisy_gray (clean, sigma);
  in_rms = sqrt (mse (in, clean, NULL));
  out = gst_harness_push_and_pull (h, in);
  rms = sqrt (mse (out, clean, NULL));
  fail_unless (rms <= in_rms, "first frame after a cut: rms error %.2f, "
      "the input's is %.2f", rms, in_rms);
  gst_buffer_unref (out);
  gst_harness_teardown (h);
  g_free (clean);
  g_free (sel);
}

GST_END_TEST;

/* After each break of the stream the first output is what a fresh element
 * gives: the input itself. */
GST_START_TEST (test_temporal_resets)
{
  GstVideoInfo info, small;
  GstHarness *h;
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_I420, 64, 48);
  gst_video_info_set_format (&small, GST_VIDEO_FORMAT_I420, 32, 48);
  h = harness_for ("vftemporal strength=20", &info);
  for (int what = 0; what < 5; what++) {
    GstBuffer *in, *out;
    for (int n = 0; n < 4; n++)
      gst_buffer_unref (gst_harness_push_and_pull (h,
              sequence_frame (&info, n)));
    in = sequence_frame (&info, 7);
    /* without a break the history shows */
    out = gst_harness_push_and_pull (h, gst_buffer_ref (in));
    fail_if (frames_equal (&info, out, in), "history had no effect");
    gst_buffer_unref (out);
    switch (what) {
      case 0:
        fail_unless (gst_harness_push_event (h, gst_event_new_flush_start ()));
        fail_unless (gst_harness_push_event (h,
                gst_event_new_flush_stop (TRUE)));
        gst_harness_set_src_caps (h, gst_video_info_to_caps (&info));
        break;
      case 1:{                 /* new caps, then back */
        GstBuffer *b = sequence_frame (&small, 1);
        gst_harness_set_src_caps (h, gst_video_info_to_caps (&small));
        gst_buffer_unref (gst_harness_push_and_pull (h, b));
        gst_harness_set_src_caps (h, gst_video_info_to_caps (&info));
        break;
      }
      case 2:
        in = gst_buffer_make_writable (in);
        GST_BUFFER_FLAG_SET (in, GST_BUFFER_FLAG_DISCONT);
        break;
      case 3:{
        GstSegment seg;
        gst_segment_init (&seg, GST_FORMAT_TIME);
        fail_unless (gst_harness_push_event (h, gst_event_new_segment (&seg)));
        break;
      }
      case 4:
        fail_unless (gst_harness_push_event (h,
                gst_event_new_stream_start ("again")));
        break;
    }
    for (int n = 0; n < 3; n++)
      gst_buffer_unref (gst_harness_push_and_pull (h,
              sequence_frame (&info, n)));
    /* three frames after the break, the history is that of those only */
    {
      GstHarness *fresh = harness_for ("vftemporal strength=20", &info);
      GstBuffer *a, *b;
      if (what == 2) {
        /* the DISCONT frame itself starts the new history */
        a = gst_harness_push_and_pull (h, gst_buffer_ref (in));
        fail_unless (frames_equal (&info, a, in),
            "a DISCONT frame passes through");
        gst_buffer_unref (a);
      } else {
        for (int n = 0; n < 3; n++)
          gst_buffer_unref (gst_harness_push_and_pull (fresh,
                  sequence_frame (&info, n)));
        a = gst_harness_push_and_pull (h, gst_buffer_ref (in));
        b = gst_harness_push_and_pull (fresh, gst_buffer_ref (in));
        fail_unless (frames_equal (&info, a, b),
            "break %d: the history outlived " "it", what);
        gst_buffer_unref (a);
        gst_buffer_unref (b);
      }
      gst_harness_teardown (fresh);
    }
    gst_buffer_unref (in);
  }
  gst_harness_teardown (h);
}

GST_END_TEST;

GST_START_TEST (test_temporal_thread_count_invariance)
{
  GstVideoInfo info;
  GstBuffer *ref[8];
  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_NV12, 321, 243);
  for (guint t = 0; t < 4; t++) {
    static const guint threads[] = { 1, 2, 3, 7 };
    gchar *launch = g_strdup_printf ("vftemporal n-threads=%u", threads[t]);
    GstHarness *h = harness_for (launch, &info);
    for (int n = 0; n < 8; n++) {
      GstBuffer *out = gst_harness_push_and_pull (h, sequence_frame (&info,
              n));
      if (t == 0)
        ref[n] = out;
      else {
        fail_unless (frames_equal (&info, out, ref[n]), "n-threads=%u frame %d "
            "differs from n-threads=1", threads[t], n);
        gst_buffer_unref (out);
      }
    }
    gst_harness_teardown (h);
    g_free (launch);
  }
  for (int n = 0; n < 8; n++)
    gst_buffer_unref (ref[n]);
}

GST_END_TEST;

typedef struct
{
  GstElement *e;
  volatile gint stop;
  volatile gint changes;
} Flipper;

static gpointer
flip_main (gpointer data)
{
  Flipper *fl = data;
  for (int i = 0; !g_atomic_int_get (&fl->stop); i++) {
    if (i % 2)
      g_object_set (fl->e, "strength", 1.0, "spatial", 0.0, "noise-level",
          0.0, NULL);
    else
      g_object_set (fl->e, "strength", 10.0, "spatial", 4.0, "noise-level",
          6.0, NULL);
    g_atomic_int_inc (&fl->changes);
    g_usleep (200);
  }
  return NULL;
}

/* While a thread flips between two whole sets, every frame equals the
 * reference's output for one of them from the history so far. */
GST_START_TEST (test_temporal_live_changes_one_set_per_frame)
{
  static const RefSet sets[2] = {
    {1, 4, 0, 0, REF_REPLICATE, 0}, {10, 4, 4, 6, REF_REPLICATE, 0}
  };
  GstVideoInfo info;
  GstHarness *h;
  RefState st = { 0 };
  Flipper fl = { 0 };
  GThread *thread;
  int hits[2] = { 0, 0 };

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_GRAY8, 48, 32);
  h = harness_for ("vftemporal strength=1 spatial=0", &info);
  fl.e = h->element;
  thread = g_thread_new ("flipper", flip_main, &fl);
  for (int n = 0; n < 600 || hits[0] < 20 || hits[1] < 20; n++) {
    GstBuffer *in = sequence_frame (&info, n % 9);
    GstBuffer *out = gst_harness_push_and_pull (h, gst_buffer_ref (in));
    RefState tries[2];
    GstBuffer *expect[2];
    int match = -1;
    fail_if (n > 20000, "the flipper never reached both sets");
    for (int s = 0; s < 2; s++) {
      tries[s] = st;
      for (int p = 0; p < 4; p++)
        tries[s].plane[p].hist = g_memdup2 (st.plane[p].hist,
            sizeof (int) * st.plane[p].w * st.plane[p].h * st.plane[p].cn);
      expect[s] = ref_frame (&tries[s], &info, in, &sets[s]);
      if (match < 0 && frames_equal (&info, out, expect[s]))
        match = s;
    }
    fail_unless (match >= 0, "frame %d is the output of neither set", n);
    if (n > 0)
      hits[match]++;
    ref_state_clear (&st);
    st = tries[match];
    ref_state_clear (&tries[1 - match]);
    gst_buffer_unref (expect[0]);
    gst_buffer_unref (expect[1]);
    gst_buffer_unref (out);
    gst_buffer_unref (in);
  }
  g_atomic_int_set (&fl.stop, 1);
  g_thread_join (thread);
  ref_state_clear (&st);
  gst_harness_teardown (h);
}

GST_END_TEST;

HARNESS_MAIN (temporal,
    HARNESS_T (test_temporal_every_format_against_the_reference),
    HARNESS_T (test_temporal_still_scene_converges),
    HARNESS_T (test_temporal_no_ghost_after_motion_or_cut),
    HARNESS_T (test_temporal_resets),
    HARNESS_T (test_temporal_thread_count_invariance),
    HARNESS_T (test_temporal_live_changes_one_set_per_frame));
