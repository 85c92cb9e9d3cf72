/*
** A SQLite VFS shim for the ingest writer: it gathers the frames a commit appends to the WAL into one write.
**
** SQLite writes each WAL frame with two write calls, its 24-byte header and then its page; a commit of 16 webhooks
** is ~50 frames, so ~100 system calls (0.35-0.42 ms on the 2-core machine, against 0.05 ms for the same bytes in one
** call). This shim keeps consecutive writes to a WAL file in a buffer and hands them to the real file together.
**
** Safety rests on one rule: at synchronous=FULL SQLite calls the WAL's xSync inside COMMIT, after writing the
** commit's frames and before it updates the wal-index header (which is what makes the commit visible to other
** connections). So:
**   - buffering is off for every file unless switched on with hookline_wal_coalesce() on a connection that runs at
**     synchronous=FULL (lib/ingest/writer-thread.ts); off, every method is passed straight through;
**   - xSync writes the buffer out and returns: it does NOT sync. The ingest writer fdatasyncs the WAL itself after
**     COMMIT returns and before it answers anyone, outside the write lock, as it does without the shim
**     (lib/ingest/group-commit.ts); a sync inside COMMIT held the lock ~1 ms longer per commit, and SQLite's sync of
**     a new WAL header stalled commits up to 80 ms while a checkpoint was writing;
**   - every other method (read, size, truncate, lock, close, file control, ...) writes the buffer out first, so the
**     file always looks to SQLite and to other connections as it would without the shim.
** A crash loses only what was buffered and never written, which SQLite had not reported as committed.
**
** The checkpointer's connection uses it too (hookline_db_coalesce), for the pages a checkpoint copies into the
** database file: one write call for each run of neighbouring pages. There xSync writes the buffer out AND syncs, so
** SQLite's order (copy, sync the database file, then record the frames as copied) holds as without the shim.
**
** Built by scripts/build-native.ts at install when a C compiler is there; without it Hookline runs without it.
*/
#define _GNU_SOURCE /* dladdr */
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT1
#include <dlfcn.h>
#include <string.h>

#define SHIM_NAME "hookline-coalesce"
#define BUFFER_LIMIT (4 * 1024 * 1024)

typedef struct ShimFile ShimFile;
struct ShimFile {
  sqlite3_file base;
  sqlite3_file *real;     /* the file of the VFS underneath, allocated right after this struct */
  int isWal;              /* opened as a WAL file */
  int coalesce;           /* buffering switched on (hookline_wal_coalesce, hookline_db_coalesce) */
  int skipSync;           /* xSync writes the buffer out and does not sync (the WAL's mode, not the database's) */
  sqlite3_int64 writes;   /* write calls made on the real file, for hookline_wal_writes() */
  unsigned char *buf;     /* pending bytes, to go at bufOffset */
  int bufLen;
  int bufCap;
  sqlite3_int64 bufOffset;
};

static sqlite3_vfs *realVfs = 0;
static sqlite3_vfs shimVfs;
/* One table per iVersion: the shim's methods are only as new as the real file's, since SQLite checks iVersion before
** calling xShm* or xFetch. */
static sqlite3_io_methods shimMethods[3];

/* The unix VFS writes at most 128 KiB - 1 per call (seekAndWriteFd masks the length), so the buffer goes out in
** pieces below that. */
#define WRITE_PIECE (124 * 1024)

static int flushBuffer(ShimFile *p) {
  int rc = SQLITE_OK;
  int at = 0;
  while (rc == SQLITE_OK && at < p->bufLen) {
    int n = p->bufLen - at < WRITE_PIECE ? p->bufLen - at : WRITE_PIECE;
    rc = p->real->pMethods->xWrite(p->real, p->buf + at, n, p->bufOffset + at);
    p->writes++;
    at += n;
  }
  p->bufLen = 0;
  return rc;
}

#define FLUSH_OR_RETURN(p)        \
  do {                            \
    int frc = flushBuffer(p);     \
    if (frc != SQLITE_OK) return frc; \
  } while (0)

static int shimClose(sqlite3_file *f) {
  ShimFile *p = (ShimFile *)f;
  int rc = flushBuffer(p);
  int rc2 = p->real->pMethods->xClose(p->real);
  sqlite3_free(p->buf);
  p->buf = 0;
  return rc != SQLITE_OK ? rc : rc2;
}

static int shimRead(sqlite3_file *f, void *out, int amt, sqlite3_int64 offset) {
  ShimFile *p = (ShimFile *)f;
  FLUSH_OR_RETURN(p);
  return p->real->pMethods->xRead(p->real, out, amt, offset);
}

static int writeThrough(ShimFile *p, const void *data, int amt, sqlite3_int64 offset) {
  p->writes++;
  return p->real->pMethods->xWrite(p->real, data, amt, offset);
}

static int shimWrite(sqlite3_file *f, const void *data, int amt, sqlite3_int64 offset) {
  ShimFile *p = (ShimFile *)f;
  if (!p->coalesce) return writeThrough(p, data, amt, offset);
  if (p->bufLen > 0 && (offset != p->bufOffset + p->bufLen || p->bufLen + amt > BUFFER_LIMIT)) {
    FLUSH_OR_RETURN(p);
  }
  if (amt > WRITE_PIECE) return writeThrough(p, data, amt, offset);
  if (p->bufLen + amt > p->bufCap) {
    int cap = p->bufCap ? p->bufCap : 256 * 1024;
    unsigned char *grown;
    while (cap < p->bufLen + amt) cap *= 2;
    if (cap > BUFFER_LIMIT) cap = BUFFER_LIMIT;
    grown = sqlite3_realloc(p->buf, cap);
    if (!grown) {
      FLUSH_OR_RETURN(p);
      return writeThrough(p, data, amt, offset);
    }
    p->buf = grown;
    p->bufCap = cap;
  }
  if (p->bufLen == 0) p->bufOffset = offset;
  memcpy(p->buf + p->bufLen, data, amt);
  p->bufLen += amt;
  return SQLITE_OK;
}

static int shimTruncate(sqlite3_file *f, sqlite3_int64 size) {
  ShimFile *p = (ShimFile *)f;
  FLUSH_OR_RETURN(p);
  return p->real->pMethods->xTruncate(p->real, size);
}

static int shimSync(sqlite3_file *f, int flags) {
  ShimFile *p = (ShimFile *)f;
  FLUSH_OR_RETURN(p);
  if (p->skipSync) return SQLITE_OK; /* the ingest writer syncs after COMMIT (see the top of this file) */
  return p->real->pMethods->xSync(p->real, flags);
}

static int shimFileSize(sqlite3_file *f, sqlite3_int64 *size) {
  ShimFile *p = (ShimFile *)f;
  FLUSH_OR_RETURN(p);
  return p->real->pMethods->xFileSize(p->real, size);
}

static int shimLock(sqlite3_file *f, int level) {
  ShimFile *p = (ShimFile *)f;
  FLUSH_OR_RETURN(p);
  return p->real->pMethods->xLock(p->real, level);
}

static int shimUnlock(sqlite3_file *f, int level) {
  ShimFile *p = (ShimFile *)f;
  FLUSH_OR_RETURN(p);
  return p->real->pMethods->xUnlock(p->real, level);
}

static int shimCheckReservedLock(sqlite3_file *f, int *out) {
  ShimFile *p = (ShimFile *)f;
  FLUSH_OR_RETURN(p);
  return p->real->pMethods->xCheckReservedLock(p->real, out);
}

static int shimFileControl(sqlite3_file *f, int op, void *arg) {
  ShimFile *p = (ShimFile *)f;
  FLUSH_OR_RETURN(p);
  return p->real->pMethods->xFileControl(p->real, op, arg);
}

static int shimSectorSize(sqlite3_file *f) {
  ShimFile *p = (ShimFile *)f;
  return p->real->pMethods->xSectorSize(p->real);
}

static int shimDeviceCharacteristics(sqlite3_file *f) {
  ShimFile *p = (ShimFile *)f;
  return p->real->pMethods->xDeviceCharacteristics(p->real);
}

static int shimShmMap(sqlite3_file *f, int page, int size, int extend, void volatile **out) {
  ShimFile *p = (ShimFile *)f;
  FLUSH_OR_RETURN(p);
  return p->real->pMethods->xShmMap(p->real, page, size, extend, out);
}

static int shimShmLock(sqlite3_file *f, int offset, int n, int flags) {
  ShimFile *p = (ShimFile *)f;
  FLUSH_OR_RETURN(p);
  return p->real->pMethods->xShmLock(p->real, offset, n, flags);
}

static void shimShmBarrier(sqlite3_file *f) {
  ShimFile *p = (ShimFile *)f;
  flushBuffer(p);
  p->real->pMethods->xShmBarrier(p->real);
}

static int shimShmUnmap(sqlite3_file *f, int deleteFlag) {
  ShimFile *p = (ShimFile *)f;
  FLUSH_OR_RETURN(p);
  return p->real->pMethods->xShmUnmap(p->real, deleteFlag);
}

static int shimFetch(sqlite3_file *f, sqlite3_int64 offset, int amt, void **out) {
  ShimFile *p = (ShimFile *)f;
  FLUSH_OR_RETURN(p);
  return p->real->pMethods->xFetch(p->real, offset, amt, out);
}

static int shimUnfetch(sqlite3_file *f, sqlite3_int64 offset, void *ptr) {
  ShimFile *p = (ShimFile *)f;
  FLUSH_OR_RETURN(p);
  return p->real->pMethods->xUnfetch(p->real, offset, ptr);
}

static int shimOpen(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *outFlags) {
  ShimFile *p = (ShimFile *)f;
  int rc;
  (void)vfs;
  memset(p, 0, sizeof(*p));
  p->real = (sqlite3_file *)&p[1];
  rc = realVfs->xOpen(realVfs, name, p->real, flags, outFlags);
  if (rc != SQLITE_OK || !p->real->pMethods) {
    p->base.pMethods = 0;
    return rc;
  }
  if (p->real->pMethods->iVersion < 1 || p->real->pMethods->iVersion > 3) {
    p->real->pMethods->xClose(p->real);
    p->base.pMethods = 0;
    return SQLITE_CANTOPEN;
  }
  p->isWal = (flags & SQLITE_OPEN_WAL) != 0;
  p->base.pMethods = &shimMethods[p->real->pMethods->iVersion - 1];
  return SQLITE_OK;
}

static int shimDelete(sqlite3_vfs *v, const char *name, int syncDir) {
  (void)v;
  return realVfs->xDelete(realVfs, name, syncDir);
}
static int shimAccess(sqlite3_vfs *v, const char *name, int flags, int *out) {
  (void)v;
  return realVfs->xAccess(realVfs, name, flags, out);
}
static int shimFullPathname(sqlite3_vfs *v, const char *name, int n, char *out) {
  (void)v;
  return realVfs->xFullPathname(realVfs, name, n, out);
}
static void *shimDlOpen(sqlite3_vfs *v, const char *name) {
  (void)v;
  return realVfs->xDlOpen(realVfs, name);
}
static void shimDlError(sqlite3_vfs *v, int n, char *out) {
  (void)v;
  realVfs->xDlError(realVfs, n, out);
}
static void (*shimDlSym(sqlite3_vfs *v, void *h, const char *sym))(void) {
  (void)v;
  return realVfs->xDlSym(realVfs, h, sym);
}
static void shimDlClose(sqlite3_vfs *v, void *h) {
  (void)v;
  realVfs->xDlClose(realVfs, h);
}
static int shimRandomness(sqlite3_vfs *v, int n, char *out) {
  (void)v;
  return realVfs->xRandomness(realVfs, n, out);
}
static int shimSleep(sqlite3_vfs *v, int us) {
  (void)v;
  return realVfs->xSleep(realVfs, us);
}
static int shimCurrentTime(sqlite3_vfs *v, double *out) {
  (void)v;
  return realVfs->xCurrentTime(realVfs, out);
}
static int shimGetLastError(sqlite3_vfs *v, int n, char *out) {
  (void)v;
  return realVfs->xGetLastError ? realVfs->xGetLastError(realVfs, n, out) : 0;
}
static int shimCurrentTimeInt64(sqlite3_vfs *v, sqlite3_int64 *out) {
  (void)v;
  return realVfs->xCurrentTimeInt64(realVfs, out);
}
static int shimSetSystemCall(sqlite3_vfs *v, const char *name, sqlite3_syscall_ptr ptr) {
  (void)v;
  return realVfs->xSetSystemCall(realVfs, name, ptr);
}
static sqlite3_syscall_ptr shimGetSystemCall(sqlite3_vfs *v, const char *name) {
  (void)v;
  return realVfs->xGetSystemCall(realVfs, name);
}
static const char *shimNextSystemCall(sqlite3_vfs *v, const char *name) {
  (void)v;
  return realVfs->xNextSystemCall(realVfs, name);
}

/*
** This connection's WAL (wal = 1) or database file (wal = 0) if it was opened through the shim; otherwise NULL, with
** the error set on ctx.
*/
static ShimFile *connectionFile(sqlite3_context *ctx, const char *fn, int wal) {
  sqlite3 *db = sqlite3_context_db_handle(ctx);
  sqlite3_file *file = 0;
  int op = wal ? SQLITE_FCNTL_JOURNAL_POINTER : SQLITE_FCNTL_FILE_POINTER;
  char *message;
  if (sqlite3_file_control(db, "main", op, &file) != SQLITE_OK || !file || !file->pMethods) {
    message = wal ? sqlite3_mprintf("%s: the connection has no WAL open (not in WAL mode, or nothing read yet)", fn)
                  : sqlite3_mprintf("%s: the connection has no database file open", fn);
  } else if (file->pMethods < &shimMethods[0] || file->pMethods > &shimMethods[2] ||
             ((ShimFile *)file)->isWal != wal) {
    message = sqlite3_mprintf("%s: the connection was not opened through the " SHIM_NAME " VFS", fn);
  } else {
    return (ShimFile *)file;
  }
  sqlite3_result_error(ctx, message ? message : fn, -1);
  sqlite3_free(message);
  return 0;
}

/* The user data of the functions that act on the WAL; those on the database file have none. */
static int onWal;

/*
** hookline_wal_coalesce(): switches buffering on for this connection's WAL. The connection must have been opened
** through the shim, be at synchronous=FULL (or EXTRA), and have its WAL open (run a read first).
**
** hookline_db_coalesce(): gathers the page writes a checkpoint makes to this connection's database file, for the
** checkpointer's connection (db/checkpoint-thread.ts), which writes that file in no other way. A checkpoint copies
** pages in ascending order, and every page appended since the last one is next to the one before: one write call for
** a run of them instead of one each. Unlike the WAL's mode, xSync writes the buffer out and then syncs, so nothing
** changes for SQLite, which syncs the file before it records the frames as copied.
**
** Both return 1, or raise an error saying why not.
*/
static void coalesceFunction(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  int wal = sqlite3_user_data(ctx) == &onWal;
  ShimFile *file = connectionFile(ctx, wal ? "hookline_wal_coalesce" : "hookline_db_coalesce", wal);
  (void)argc;
  (void)argv;
  if (!file) return;
  file->coalesce = 1;
  file->skipSync = wal; /* the ingest writer syncs the WAL after COMMIT */
  sqlite3_result_int(ctx, 1);
}

/* hookline_wal_writes(), hookline_db_writes(): the write calls made on that file so far (tests check the gathering). */
static void writesFunction(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  int wal = sqlite3_user_data(ctx) == &onWal;
  ShimFile *file = connectionFile(ctx, wal ? "hookline_wal_writes" : "hookline_db_writes", wal);
  (void)argc;
  (void)argv;
  if (file) sqlite3_result_int64(ctx, file->writes);
}

/* hookline_vfs_default(on): makes the shim the default VFS (1) or gives the default back to the real one (0). */
static void defaultFunction(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  int on = argc > 0 && sqlite3_value_int(argv[0]);
  sqlite3_result_int(ctx, sqlite3_vfs_register(on ? &shimVfs : realVfs, 1) == SQLITE_OK);
}

#ifdef _WIN32
__declspec(dllexport)
#endif
int sqlite3_walcoalesce_init(sqlite3 *db, char **errorOut, const sqlite3_api_routines *api) {
  int rc;
  SQLITE_EXTENSION_INIT2(api);
  if (!realVfs) {
    /* The VFS stays registered for the life of the process, so its code must too: SQLite unloads an extension when
    ** the connection that loaded it closes. */
    Dl_info self;
    if (!dladdr((void *)sqlite3_walcoalesce_init, &self) || !self.dli_fname ||
        !dlopen(self.dli_fname, RTLD_NOW | RTLD_NODELETE)) {
      if (errorOut) *errorOut = sqlite3_mprintf(SHIM_NAME ": could not keep its library loaded");
      return SQLITE_ERROR;
    }
    /* Loaded again from the same file, this copy's realVfs is already set (the process keeps one copy of it). A shim
    ** registered by a copy from another file would have methods this copy cannot recognise. */
    if (sqlite3_vfs_find(SHIM_NAME)) {
      if (errorOut) *errorOut = sqlite3_mprintf(SHIM_NAME " is already registered, by a copy from another file");
      return SQLITE_ERROR;
    }
    realVfs = sqlite3_vfs_find(0);
    if (!realVfs) return SQLITE_ERROR;
    int v;
    for (v = 0; v < 3; v++) {
      sqlite3_io_methods *m = &shimMethods[v];
      m->iVersion = v + 1;
      m->xClose = shimClose;
      m->xRead = shimRead;
      m->xWrite = shimWrite;
      m->xTruncate = shimTruncate;
      m->xSync = shimSync;
      m->xFileSize = shimFileSize;
      m->xLock = shimLock;
      m->xUnlock = shimUnlock;
      m->xCheckReservedLock = shimCheckReservedLock;
      m->xFileControl = shimFileControl;
      m->xSectorSize = shimSectorSize;
      m->xDeviceCharacteristics = shimDeviceCharacteristics;
      if (v >= 1) {
        m->xShmMap = shimShmMap;
        m->xShmLock = shimShmLock;
        m->xShmBarrier = shimShmBarrier;
        m->xShmUnmap = shimShmUnmap;
      }
      if (v >= 2) {
        m->xFetch = shimFetch;
        m->xUnfetch = shimUnfetch;
      }
    }
    shimVfs = *realVfs;
    shimVfs.iVersion = realVfs->iVersion < 3 ? realVfs->iVersion : 3;
    shimVfs.szOsFile = (int)sizeof(ShimFile) + realVfs->szOsFile;
    shimVfs.pNext = 0;
    shimVfs.zName = SHIM_NAME;
    shimVfs.pAppData = realVfs;
    shimVfs.xOpen = shimOpen;
    shimVfs.xDelete = shimDelete;
    shimVfs.xAccess = shimAccess;
    shimVfs.xFullPathname = shimFullPathname;
    shimVfs.xDlOpen = shimDlOpen;
    shimVfs.xDlError = shimDlError;
    shimVfs.xDlSym = shimDlSym;
    shimVfs.xDlClose = shimDlClose;
    shimVfs.xRandomness = shimRandomness;
    shimVfs.xSleep = shimSleep;
    shimVfs.xCurrentTime = shimCurrentTime;
    shimVfs.xGetLastError = shimGetLastError;
    shimVfs.xCurrentTimeInt64 = shimCurrentTimeInt64;
    shimVfs.xSetSystemCall = shimSetSystemCall;
    shimVfs.xGetSystemCall = shimGetSystemCall;
    shimVfs.xNextSystemCall = shimNextSystemCall;
    rc = sqlite3_vfs_register(&shimVfs, 0);
    if (rc != SQLITE_OK) return rc;
  }
  rc = sqlite3_create_function(db, "hookline_wal_coalesce", 0, SQLITE_UTF8, &onWal, coalesceFunction, 0, 0);
  if (rc == SQLITE_OK) {
    rc = sqlite3_create_function(db, "hookline_wal_writes", 0, SQLITE_UTF8, &onWal, writesFunction, 0, 0);
  }
  if (rc == SQLITE_OK) {
    rc = sqlite3_create_function(db, "hookline_vfs_default", 1, SQLITE_UTF8, 0, defaultFunction, 0, 0);
  }
  if (rc == SQLITE_OK) {
    rc = sqlite3_create_function(db, "hookline_db_coalesce", 0, SQLITE_UTF8, 0, coalesceFunction, 0, 0);
  }
  if (rc == SQLITE_OK) {
    rc = sqlite3_create_function(db, "hookline_db_writes", 0, SQLITE_UTF8, 0, writesFunction, 0, 0);
  }
  return rc;
}
