/* Row-band worker pool: threads live as long as the pool, never per frame.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vfk.h"

#define VFK_MAX_THREADS 64

typedef struct
{
  void *mem;
  size_t size;
} Scratch;

typedef struct
{
  VfkPool *pool;
  int index;
  pthread_t thread;
} Worker;

struct VfkPool
{
  int n;                        /* workers including the caller */
  Worker workers[VFK_MAX_THREADS];
  Scratch scratch[VFK_MAX_THREADS];
  Scratch shared;

  pthread_mutex_t use_lock;     /* vfk_pool_lock: one user at a time */
  pthread_mutex_t lock;
  pthread_cond_t start_cond;
  pthread_cond_t done_cond;
  unsigned long generation;     /* bumped for every job */
  int next_band;                /* the first band nobody has claimed */
  int pending;                  /* bands not finished */
  int quit;
  int failed;                   /* a scratch allocation failed in this job */
  int fail_scratch;             /* test hook: VFK_FAIL_SCRATCH is set */

  /* the current job */
  VfkBandFunc func;
  void *ctx;
  int n_rows;
  int n_bands;
};

static void
band_rows (int n_rows, int n_bands, int band, int *y0, int *y1)
{
  *y0 = (int) ((long long) n_rows * band / n_bands);
  *y1 = (int) ((long long) n_rows * (band + 1) / n_bands);
}

static void *
worker_main (void *data)
{
  Worker *w = data;
  VfkPool *pool = w->pool;
  unsigned long seen = 0;

  pthread_mutex_lock (&pool->lock);
  for (;;) {
    while (!pool->quit && pool->generation == seen)
      pthread_cond_wait (&pool->start_cond, &pool->lock);
    if (pool->quit)
      break;
    seen = pool->generation;
    /* bands are claimed, not assigned: a worker that wakes late finds them
     * taken and the job does not wait for it */
    while (pool->next_band < pool->n_bands) {
      int y0, y1;
      VfkBandFunc func = pool->func;
      void *ctx = pool->ctx;
      band_rows (pool->n_rows, pool->n_bands, pool->next_band++, &y0, &y1);
      pthread_mutex_unlock (&pool->lock);
      if (y1 > y0)
        func (ctx, w->index, y0, y1);
      pthread_mutex_lock (&pool->lock);
      if (--pool->pending == 0)
        pthread_cond_signal (&pool->done_cond);
    }
  }
  pthread_mutex_unlock (&pool->lock);
  return NULL;
}

VfkPool *
vfk_pool_new (unsigned n_threads)
{
  VfkPool *pool = calloc (1, sizeof (VfkPool));
  if (!pool)
    return NULL;

  if (n_threads == 0) {
    long cpus = sysconf (_SC_NPROCESSORS_ONLN);
    n_threads = cpus > 0 ? (unsigned) cpus : 1;
  }
  if (n_threads > VFK_MAX_THREADS)
    n_threads = VFK_MAX_THREADS;

  pool->fail_scratch = getenv ("VFK_FAIL_SCRATCH") != NULL;
  pthread_mutex_init (&pool->use_lock, NULL);
  pthread_mutex_init (&pool->lock, NULL);
  pthread_cond_init (&pool->start_cond, NULL);
  pthread_cond_init (&pool->done_cond, NULL);
  pool->n = 1;
  for (unsigned i = 1; i < n_threads; i++) {
    Worker *w = &pool->workers[i];
    w->pool = pool;
    w->index = (int) i;
    if (pthread_create (&w->thread, NULL, worker_main, w) != 0)
      break;
    /* named at once, so tools (and the tests counting pools) see it */
    pthread_setname_np (w->thread, "vfk-worker");
    pool->n++;
  }
  return pool;
}

void
vfk_pool_free (VfkPool * pool)
{
  if (!pool)
    return;
  pthread_mutex_lock (&pool->lock);
  pool->quit = 1;
  pthread_cond_broadcast (&pool->start_cond);
  pthread_mutex_unlock (&pool->lock);
  for (int i = 1; i < pool->n; i++)
    pthread_join (pool->workers[i].thread, NULL);
  for (int i = 0; i < VFK_MAX_THREADS; i++)
    free (pool->scratch[i].mem);
  free (pool->shared.mem);
  pthread_mutex_destroy (&pool->use_lock);
  pthread_mutex_destroy (&pool->lock);
  pthread_cond_destroy (&pool->start_cond);
  pthread_cond_destroy (&pool->done_cond);
  free (pool);
}

int
vfk_pool_n_threads (const VfkPool * pool)
{
  return pool ? pool->n : 1;
}

void
vfk_pool_lock (VfkPool * pool)
{
  if (pool)
    pthread_mutex_lock (&pool->use_lock);
}

void
vfk_pool_unlock (VfkPool * pool)
{
  if (pool)
    pthread_mutex_unlock (&pool->use_lock);
}

static __thread int own_failed; /* pool == NULL: per calling thread */

static void *
scratch_grow (Scratch * s, size_t size, VfkPool * pool)
{
  if (pool && pool->fail_scratch)
    size = SIZE_MAX;
  if (s->size < size) {
    size_t want = (size + 63) & ~(size_t) 63;
    void *mem = NULL;
    free (s->mem);
    s->mem = NULL;
    s->size = 0;
    if (want < size || posix_memalign (&mem, 64, want) != 0) {
      if (pool)
        __atomic_store_n (&pool->failed, 1, __ATOMIC_RELAXED);
      else
        own_failed = 1;
      return NULL;
    }
    s->mem = mem;
    s->size = want;
  }
  return s->mem;
}

void *
vfk_pool_shared_scratch (VfkPool * pool, size_t size)
{
  static __thread Scratch own;  /* pool == NULL: per calling thread */
  return scratch_grow (pool ? &pool->shared : &own, size, pool);
}

void *
vfk_pool_scratch (VfkPool * pool, int worker, size_t size)
{
  static __thread Scratch own;  /* pool == NULL: per calling thread */
  return scratch_grow (pool ? &pool->scratch[worker] : &own, size, pool);
}

int
vfk_pool_run (VfkPool * pool, int n_rows, VfkBandFunc func, void *ctx)
{
  int n_bands;

  if (n_rows <= 0)
    return 0;
  n_bands = pool ? pool->n : 1;
  /* bands thinner than a few rows cost more in halo than they gain */
  if (n_bands > (n_rows + 7) / 8)
    n_bands = (n_rows + 7) / 8;
  if (n_bands < 1)
    n_bands = 1;

  if (n_bands == 1) {
    int failed;
    if (pool)
      pool->failed = 0;
    own_failed = 0;
    func (ctx, 0, 0, n_rows);
    failed = pool ? pool->failed : own_failed;
    return failed ? -1 : 0;
  }

  pthread_mutex_lock (&pool->lock);
  pool->failed = 0;
  pool->func = func;
  pool->ctx = ctx;
  pool->n_rows = n_rows;
  pool->n_bands = n_bands;
  pool->next_band = 0;
  pool->pending = n_bands;
  pool->generation++;
  pthread_cond_broadcast (&pool->start_cond);
  /* the caller claims bands too: band 0 first, then any band no worker
   * has started (a worker's wake-up can take longer than a small job) */
  while (pool->next_band < n_bands) {
    int y0, y1;
    band_rows (n_rows, n_bands, pool->next_band++, &y0, &y1);
    pthread_mutex_unlock (&pool->lock);
    if (y1 > y0)
      func (ctx, 0, y0, y1);
    pthread_mutex_lock (&pool->lock);
    pool->pending--;
  }
  while (pool->pending > 0)
    pthread_cond_wait (&pool->done_cond, &pool->lock);
  pthread_mutex_unlock (&pool->lock);
  return __atomic_load_n (&pool->failed, __ATOMIC_RELAXED) ? -1 : 0;
}
