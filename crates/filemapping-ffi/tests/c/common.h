/*
 * Helpers shared by the C tests. The tests build against the real <windows.h> (mingw, run
 * under Wine: the reference) and against our filemapping.h (Linux), and must print exactly the
 * same lines: return values and GetLastError, never addresses or anything else that changes
 * between runs.
 */
#ifndef FILEMAPPING_TEST_COMMON_H
#define FILEMAPPING_TEST_COMMON_H

#ifdef _WIN32
#include <windows.h>
#else
#include "filemapping.h"
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef __GNUC__
#define MAYBE_UNUSED __attribute__((unused))
#else
#define MAYBE_UNUSED
#endif

/* GetLastError() right after the last call made through H, P or B, and that call's result. */
static DWORD err;
static MAYBE_UNUSED HANDLE hres;
static MAYBE_UNUSED void *pres;
static MAYBE_UNUSED BOOL bres;

/* Call with the last error preset to 0xdeadbeef (as spec §12 assumes), and capture it. */
#define H(call) (SetLastError(0xdeadbeef), hres = (call), err = GetLastError(), hres)
#define P(call) (SetLastError(0xdeadbeef), pres = (void *)(call), err = GetLastError(), pres)
#define B(call) (SetLastError(0xdeadbeef), bres = (call), err = GetLastError(), bres)

/* anon(N) of spec §12: a section of the system's memory. */
#define ANON(prot, size, name) \
    CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, (prot), 0, (size), (name))

static int under_wine;

static inline int detect_wine(void)
{
#ifdef _WIN32
    HMODULE ntdll = GetModuleHandleA("ntdll.dll");
    return ntdll != NULL && GetProcAddress(ntdll, "wine_get_version") != NULL;
#else
    return 0;
#endif
}

static inline void begin(const char *row) { printf("row %s:", row); }
static inline void end(void) { printf("\n"); fflush(stdout); }
static inline void say(const char *text) { printf(" %s", text); }
static inline void num(const char *label, unsigned long value) { printf(" %s %lu", label, value); }

/* A created handle: its last error is always meaningful (0 or 183 on success). */
static inline void show_created(HANDLE h) { printf(" %s %lu", h ? "handle" : "NULL", (unsigned long)err); }
/* An opened handle: the last error only matters on failure. */
static inline void show_h(HANDLE h)
{
    if (h) printf(" handle");
    else printf(" NULL %lu", (unsigned long)err);
}
static inline void show_p(void *p)
{
    if (p) printf(" view");
    else printf(" NULL %lu", (unsigned long)err);
}
static inline void show_b(BOOL b)
{
    if (b) printf(" TRUE");
    else printf(" FALSE %lu", (unsigned long)err);
}
/* A failure whose code Windows does not pin down (evidence X): print only that it failed. */
static inline void show_fail_only(void *p) { printf(" %s", p ? "success" : "failed"); }

/*
 * Wine differs from Windows here (spec §13): under Wine the check is skipped and the Windows
 * result printed instead, so that both builds print the same line, and a line
 * "skipped: row <row>: Wine quirk: <why>" on stderr says so (scripts/test-ffi-wine.sh shows
 * those lines). Returns 1 to skip. tests/c/README.md lists the §13 items and their rows.
 */
static inline int wine_differs(const char *row, const char *windows_result, const char *why)
{
    if (!under_wine) return 0;
    printf("row %s: %s\n", row, windows_result);
    fflush(stdout);
    fprintf(stderr, "skipped: row %s: Wine quirk: %s\n", row, why);
    return 1;
}

/* Handles and views closed at the end of each group of rows. */
static HANDLE kept_handles[512];
static int nkept_handles;
static void *kept_views[512];
static int nkept_views;

static inline HANDLE keep(HANDLE h)
{
    if (h && h != INVALID_HANDLE_VALUE && nkept_handles < 512) kept_handles[nkept_handles++] = h;
    return h;
}
static inline void *keep_view(void *v)
{
    if (v && nkept_views < 512) kept_views[nkept_views++] = v;
    return v;
}
static inline void release_all(void)
{
    while (nkept_views > 0) UnmapViewOfFile(kept_views[--nkept_views]);
    while (nkept_handles > 0) CloseHandle(kept_handles[--nkept_handles]);
}

/* A file of `size` zero bytes at `path`, reopened with `access` (0: no access). */
static inline HANDLE make_file(const char *path, DWORD access, DWORD size)
{
    LARGE_INTEGER at;
    /* Created with the execute right if it will be opened with it (on Linux: executable). */
    HANDLE f = CreateFileA(path, GENERIC_READ | GENERIC_WRITE | (access & GENERIC_EXECUTE),
                           FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, CREATE_ALWAYS,
                           FILE_ATTRIBUTE_NORMAL, NULL);
    if (f == INVALID_HANDLE_VALUE) {
        printf("setup: CreateFileA(%s) failed %lu\n", path, (unsigned long)GetLastError());
        exit(1);
    }
    at.QuadPart = size;
    SetFilePointerEx(f, at, NULL, FILE_BEGIN);
    SetEndOfFile(f);
    CloseHandle(f);
    f = CreateFileA(path, access, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                    OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    if (f == INVALID_HANDLE_VALUE) {
        printf("setup: reopening %s failed %lu\n", path, (unsigned long)GetLastError());
        exit(1);
    }
    return keep(f);
}

/* The VirtualQuery fields of the page at `p` that Windows specifies for views (spec §6.1). */
static inline MEMORY_BASIC_INFORMATION query(const void *p)
{
    MEMORY_BASIC_INFORMATION info;
    memset(&info, 0, sizeof info);
    if (VirtualQuery(p, &info, sizeof info) != sizeof info) printf(" VirtualQuery-failed");
    return info;
}

#endif
