#pragma once

// An SQLite VFS that forwards to the default one and fails writes or fsyncs on demand, so
// tests drive the real error paths of SQLite and of the code above it (disk full, I/O error,
// fsync failure) without a special file system. Register once; open with vfs "warden-faulty".

#include <sqlite3.h>

#include <atomic>
#include <cstring>

namespace warden::test {

enum class Fault { None, DiskFull, WriteError, SyncError };

inline std::atomic<Fault> &currentFault()
{
    static std::atomic<Fault> fault { Fault::None };
    return fault;
}

namespace faulty_detail {

struct File
{
    sqlite3_file base;
    sqlite3_file *real; // allocated right after this struct
};

inline sqlite3_file *real(sqlite3_file *f)
{
    return reinterpret_cast<File *>(f)->real;
}

inline int xClose(sqlite3_file *f) { return real(f)->pMethods->xClose(real(f)); }
inline int xRead(sqlite3_file *f, void *p, int n, sqlite3_int64 o) { return real(f)->pMethods->xRead(real(f), p, n, o); }
inline int xWrite(sqlite3_file *f, const void *p, int n, sqlite3_int64 o)
{
    switch (currentFault().load()) {
    case Fault::DiskFull: return SQLITE_FULL;
    case Fault::WriteError: return SQLITE_IOERR_WRITE;
    default: return real(f)->pMethods->xWrite(real(f), p, n, o);
    }
}
inline int xTruncate(sqlite3_file *f, sqlite3_int64 s) { return real(f)->pMethods->xTruncate(real(f), s); }
inline int xSync(sqlite3_file *f, int flags)
{
    if (currentFault().load() == Fault::SyncError)
        return SQLITE_IOERR_FSYNC;
    return real(f)->pMethods->xSync(real(f), flags);
}
inline int xFileSize(sqlite3_file *f, sqlite3_int64 *s) { return real(f)->pMethods->xFileSize(real(f), s); }
inline int xLock(sqlite3_file *f, int l) { return real(f)->pMethods->xLock(real(f), l); }
inline int xUnlock(sqlite3_file *f, int l) { return real(f)->pMethods->xUnlock(real(f), l); }
inline int xCheckReservedLock(sqlite3_file *f, int *r) { return real(f)->pMethods->xCheckReservedLock(real(f), r); }
inline int xFileControl(sqlite3_file *f, int op, void *a) { return real(f)->pMethods->xFileControl(real(f), op, a); }
inline int xSectorSize(sqlite3_file *f) { return real(f)->pMethods->xSectorSize(real(f)); }
inline int xDeviceCharacteristics(sqlite3_file *f) { return real(f)->pMethods->xDeviceCharacteristics(real(f)); }
inline int xShmMap(sqlite3_file *f, int i, int sz, int e, void volatile **pp)
{
    return real(f)->pMethods->xShmMap(real(f), i, sz, e, pp);
}
inline int xShmLock(sqlite3_file *f, int o, int n, int fl) { return real(f)->pMethods->xShmLock(real(f), o, n, fl); }
inline void xShmBarrier(sqlite3_file *f) { real(f)->pMethods->xShmBarrier(real(f)); }
inline int xShmUnmap(sqlite3_file *f, int d) { return real(f)->pMethods->xShmUnmap(real(f), d); }
inline int xFetch(sqlite3_file *f, sqlite3_int64 o, int n, void **pp) { return real(f)->pMethods->xFetch(real(f), o, n, pp); }
inline int xUnfetch(sqlite3_file *f, sqlite3_int64 o, void *p) { return real(f)->pMethods->xUnfetch(real(f), o, p); }

inline const sqlite3_io_methods kMethods = { 3,         xClose,         xRead,           xWrite,   xTruncate,
                                              xSync,     xFileSize,      xLock,           xUnlock,  xCheckReservedLock,
                                              xFileControl, xSectorSize, xDeviceCharacteristics, xShmMap, xShmLock,
                                              xShmBarrier, xShmUnmap,    xFetch,          xUnfetch };

inline sqlite3_vfs *root()
{
    static sqlite3_vfs *r = sqlite3_vfs_find(nullptr);
    return r;
}

inline int xOpen(sqlite3_vfs *, sqlite3_filename name, sqlite3_file *f, int flags, int *outFlags)
{
    auto *file = reinterpret_cast<File *>(f);
    file->real = reinterpret_cast<sqlite3_file *>(file + 1);
    const int rc = root()->xOpen(root(), name, file->real, flags, outFlags);
    file->base.pMethods = rc == SQLITE_OK && file->real->pMethods ? &kMethods : nullptr;
    return rc;
}

} // namespace faulty_detail

inline const char *registerFaultyVfs()
{
    static sqlite3_vfs vfs = [] {
        sqlite3_vfs v = *faulty_detail::root();
        v.zName = "warden-faulty";
        v.szOsFile = int(sizeof(faulty_detail::File)) + faulty_detail::root()->szOsFile;
        v.xOpen = faulty_detail::xOpen;
        v.pNext = nullptr;
        return v;
    }();
    static const bool registered = sqlite3_vfs_register(&vfs, 0) == SQLITE_OK;
    (void)registered;
    return vfs.zName;
}

} // namespace warden::test
